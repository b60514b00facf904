/**
 * Server-Sent Events on an express response (an {@link EventStreamRoute}): the headers that keep
 * the browser and proxies from caching or buffering it, a first comment once the stream is live
 * (`: live`, so a client knows from when it hears everything), a comment every `keepAliveMs` so that
 * an idle connection is not closed by a proxy on the way (`: keep-alive`), and the route's events.
 * The stream is released when the client goes away (the response closes), and ended by the hub
 * when the client does not read what it is sent (more than {@link MAX_UNREAD} bytes waiting).
 */
import type { Response } from 'express';
import type { EventStreamRoute } from './route.ts';

/** What a client may leave unread before the hub lets it go (it reconnects, and has missed events meanwhile). */
const MAX_UNREAD = 1024 * 1024;

export const serveEventStream = (route: EventStreamRoute, res: Response, keepAliveMs: number): void => {
  const write = (text: string): void => {
    if (res.writableEnded || res.destroyed) return;
    if (res.writableLength > MAX_UNREAD) res.end();
    else res.write(text);
  };
  // first, as it may refuse (the feed stopped): then nothing is sent, and the refusal answers as any other.
  // Nothing comes through `send` before the headers below: events arrive on later turns of the loop.
  const stop = route.follow({
    send: (event, data) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    end: () => res.end(),
  });
  const keepAlive = setInterval(() => write(': keep-alive\n\n'), keepAliveMs);
  const release = (): void => {
    clearInterval(keepAlive);
    stop();
  };
  // the client may have gone while the request was authenticated: then 'close' has been and gone
  if (res.destroyed) return release();
  res.on('close', release);
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Connection', 'keep-alive');
  // nginx and others buffer proxied answers unless told not to
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  write(': live\n\n');
};
