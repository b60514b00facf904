// In-memory alerting and checkpoints for application tests (the SQLite adapters have their own tests).
import type { Alert, Alerting, NewAlert } from '../../src/application/ports/alerting.ts';
import { alertKeyDigest } from '../../src/adapters/alerting/alert-row.ts';
import type { CheckpointStore } from '../../src/application/ports/checkpoint-store.ts';
import type { Position } from '../../src/application/ports/event-store.ts';

export class MemoryAlerting implements Alerting {
  readonly alerts: Alert[] = [];

  async raise(alert: NewAlert): Promise<void> {
    if (this.alerts.some((a) => a.key === alert.key)) return;
    this.alerts.push({
      ...alert,
      id: this.alerts.length + 1,
      keyDigest: alertKeyDigest(alert.key),
      acknowledgedAt: null,
      acknowledgedBy: null,
    });
  }

  async list(filter: Readonly<{ acknowledged?: boolean; subject?: string; limit?: number }> = {}): Promise<readonly Alert[]> {
    return this.alerts
      .filter((a) => filter.subject === undefined || a.subject === filter.subject)
      .filter((a) => filter.acknowledged === undefined || (a.acknowledgedAt !== null) === filter.acknowledged)
      .slice(0, filter.limit ?? Number.MAX_SAFE_INTEGER);
  }

  async get(id: number): Promise<Alert | undefined> {
    return this.alerts.find((a) => a.id === id);
  }

  async acknowledge(id: number, by: string, at: string): Promise<boolean> {
    const index = this.alerts.findIndex((a) => a.id === id);
    const alert = this.alerts[index];
    if (alert === undefined) return false;
    this.alerts[index] = { ...alert, acknowledgedAt: at, acknowledgedBy: by };
    return true;
  }
}

export class MemoryCheckpoints implements CheckpointStore {
  private readonly saved = new Map<string, Position>();

  async load(subscriber: string): Promise<Position | undefined> {
    return this.saved.get(subscriber);
  }

  async save(subscriber: string, position: Position): Promise<void> {
    this.saved.set(subscriber, position);
  }
}
