// Live updates: the hub's event stream (GET /api/oms/live, server-sent events), read with fetch so
// that it carries the key (a browser's EventSource cannot send headers). Every page that shows
// something subscribes; a burst of events refreshes it once. Reconnects when the stream drops.
import { useEffect, useState } from 'preact/hooks';
import { headers } from './api.js';

const listeners = new Set();
const status = { connected: false, watchers: new Set() };

const setConnected = (connected) => {
  status.connected = connected;
  for (const watcher of status.watchers) watcher(connected);
};

/** Reads one event-stream body to its end, calling `onEvent` with each event's name and data. */
const readEvents = async (body, onEvent) => {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) onEvent(name, data.join('\n'));
    }
  }
};

let started = false;
let reconnecting = false;

const follow = async () => {
  for (let wait = 1000; ; wait = Math.min(wait * 2, 30_000)) {
    try {
      const response = await fetch('/api/oms/live', { headers: headers({ Accept: 'text/event-stream' }) });
      if (response.ok && response.body !== null) {
        // what was appended while the stream was down is not sent again: every page reads its figures anew
        if (reconnecting) for (const listener of listeners) listener(null);
        reconnecting = true;
        setConnected(true);
        wait = 1000;
        await readEvents(response.body, (name, data) => {
          if (name !== 'appended') return;
          const event = JSON.parse(data);
          for (const listener of listeners) listener(event);
        });
      }
    } catch {
      // the hub went away: try again after a while
    }
    setConnected(false);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
};

/** Calls `refresh` (at most every 300 ms) after events that `concerns` returns true for, and after the stream reconnects. */
export const useLive = (concerns, refresh, inputs) => {
  useEffect(() => {
    if (!started) {
      started = true;
      void follow();
    }
    let timer = null;
    const listener = (event) => {
      if ((event !== null && !concerns(event)) || timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        refresh();
      }, 300);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (timer !== null) clearTimeout(timer);
    };
  }, inputs);
};

/** Whether the live stream is connected now. */
export const useLiveStatus = () => {
  const [connected, setState] = useState(status.connected);
  useEffect(() => {
    status.watchers.add(setState);
    return () => status.watchers.delete(setState);
  }, []);
  return connected;
};
