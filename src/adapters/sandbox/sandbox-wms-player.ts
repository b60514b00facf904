/**
 * The sandbox warehouse's callback scheduling: the steps of an order played one after the other,
 * spread over the delay, each callback delivered to the hub (twice with duplicateCallbacks), until
 * the order is no longer wanted or the warehouse stops.
 */
import type { Logger } from 'pino';
import type { HubCaller } from './sandbox-hub-caller.ts';
import type { Step } from './sandbox-wms-steps.ts';

export type StepPlayerOptions = Readonly<{
  hub: HubCaller;
  /** from taking an order to its last callback; the callbacks are spread over it */
  delayMs: number;
  wait: (ms: number) => Promise<void>;
  logger: Logger;
}>;

export class StepPlayer {
  private readonly playing = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly options: StepPlayerOptions) {}

  /** Each step after its share of the delay, while still wanted; every callback sent (twice when duplicating), by `hub` (default: the JSON one). */
  play(steps: readonly Step[], stillWanted: () => boolean, duplicate: boolean, hub: HubCaller = this.options.hub): void {
    const pause = this.options.delayMs / steps.length;
    const played = (async () => {
      for (const step of steps) {
        await this.options.wait(pause);
        if (this.stopped || !stillWanted()) return;
        const { path, body, what } = step.act();
        await hub.deliver(path, body, what);
        if (duplicate) await hub.deliver(path, body, `${what} (again: duplicateCallbacks)`);
      }
    })()
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'the sandbox warehouse failed while playing an order'))
      .finally(() => this.playing.delete(played));
    this.playing.add(played);
  }

  /** Resolves when no order is being played any more (every callback delivered or dropped). */
  async settled(): Promise<void> {
    while (this.playing.size > 0) await Promise.all(this.playing);
  }

  /** Orders being played stop at their next step. */
  stop(): void {
    this.stopped = true;
  }
}
