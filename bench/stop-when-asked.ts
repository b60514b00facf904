/** A benchmark's hub child stops its hub and exits when the parent says `stop` or goes away (once). */
import type { RunningHub } from '../src/main/hub.ts';

export const stopWhenAsked = (hubOf: () => RunningHub): void => {
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await hubOf().stop();
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
};
