/**
 * A stand-in for the hub in sandbox tests: a tiny express app that records every callback it
 * receives, answers 200 (or what the test says), and lets a test wait until a number of
 * callbacks arrived, without sleeping: the wait resolves on arrival.
 */
import express from 'express';
import { type Listening, listenOn } from '../../../src/adapters/sandbox/sandbox-http.ts';

export type Received = Readonly<{ path: string; body: Record<string, unknown> }>;

export type FakeHub = Readonly<{
  url: string;
  received: Received[];
  /** resolves with the callbacks once at least `count` arrived; rejects (listing them) if they don't within `withinMs` */
  waitFor: (count: number, withinMs?: number) => Promise<Received[]>;
  /** the status to answer the next calls with, in turn; once used up, 200 */
  answerNext: (...statuses: number[]) => void;
  close: () => Promise<void>;
}>;

export const startFakeHub = async (): Promise<FakeHub> => {
  const received: Received[] = [];
  const statuses: number[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const app = express();
  app.use(express.json());
  app.post('/api/oms/*path', (req, res) => {
    received.push({ path: req.path, body: req.body as Record<string, unknown> });
    const status = statuses.shift() ?? 200;
    res.status(status).json({ code: status, message: status === 200 ? 'success' : 'fake hub failure', data: null });
    for (const waiter of waiters.filter((w) => received.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const server: Listening = await listenOn(app, 0);
  return {
    url: server.url,
    received,
    waitFor: (count, withinMs = 5000) =>
      new Promise((resolve, reject) => {
        if (received.length >= count) {
          resolve(received);
          return;
        }
        const guard = setTimeout(
          () => reject(new Error(`expected ${count} callbacks, got ${received.length}: ${JSON.stringify(received.map((r) => r.path))}`)),
          withinMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(guard);
            resolve(received);
          },
        });
      }),
    answerNext: (...next) => statuses.push(...next),
    close: server.close,
  };
};
