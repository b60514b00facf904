/**
 * How the PostgreSQL event store hears appends as they commit. Each insert statement NOTIFYs (a
 * trigger, ./postgres-schema.ts; PostgreSQL delivers it once the transaction has committed); one
 * dedicated connection LISTENs and calls `heard`, which wakes this process's subscriptions: they
 * then read from their last position (../catch-up-subscription.ts takes the wake-up before each
 * read, so no commit slips past unseen). If that connection drops it is opened again (every second
 * until it is back), and `heard` is called once it is. A safety net calls `heard` every
 * `safetyPollMs`: a notification lost while the connection was down is then noticed within that
 * time; in normal running the read it causes finds nothing new.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { NOTIFY_CHANNEL } from './postgres-schema.ts';

const RECONNECT_MS = 1_000;
/** a connection not made within this counts as failed (the next attempt a second later) */
const CONNECT_TIMEOUT_MS = 5_000;

export class AppendListener {
  private client: pg.Client | undefined;
  private closing = false;
  private readonly safetyNet: NodeJS.Timeout;

  constructor(
    private readonly connectionString: string,
    private readonly heard: () => void,
    safetyPollMs: number,
  ) {
    this.safetyNet = setInterval(heard, safetyPollMs);
    this.safetyNet.unref();
  }

  /** Opens the listening connection (rejects if it cannot); when it breaks later, opens it again until closed. */
  async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    client.on('notification', () => this.heard());
    client.on('error', () => {
      if (this.client !== client) return; // not listening yet: the caller of listen() sees the failure
      this.client = undefined;
      void client.end().catch(() => undefined);
      void this.listenAgain();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined); // connected but not listening (the server going away meanwhile): not kept open
      throw error;
    }
    this.client = client;
    if (this.closing) await client.end();
  }

  /** Stops listening: the connection is ended, no reconnection is tried, the safety net stops. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.safetyNet);
    await this.client?.end().catch(() => undefined);
  }

  private async listenAgain(): Promise<void> {
    while (!this.closing) {
      await sleep(RECONNECT_MS, undefined, { ref: false });
      if (this.closing) return;
      try {
        await this.listen();
        this.heard(); // what was appended while nobody listened
        return;
      } catch {
        // the database is still away: the next attempt in a second
      }
    }
  }
}
