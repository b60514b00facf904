/**
 * What the alerting adapters tell the world besides their table: each new alert logged at warn,
 * then POSTed as JSON to the webhook in the background (a delivery that fails or times out is
 * logged at error, never retried: the alert is in the table for whoever looks, and never reaches
 * the raiser); each first acknowledgement logged at info.
 */
import type { Logger } from 'pino';
import type { Alert } from '../../application/ports/alerting.ts';

export type AlertingOptions = Readonly<{
  /** every new alert is logged at warn; failed webhook deliveries at error */
  logger: Logger;
  /** where to POST each new alert as JSON (a chat or paging hook), `timeoutMs` 5000 unless given; absent: no webhook */
  webhook?: Readonly<{ url: string; timeoutMs?: number }>;
}>;

type Webhook = Readonly<{ url: URL; timeoutMs: number }>;

export class AlertAnnouncer {
  private readonly logger: Logger;
  private readonly webhook: Webhook | undefined;
  private readonly deliveries = new Set<Promise<void>>();

  /** Throws if the webhook's URL is not a URL. */
  constructor(options: AlertingOptions) {
    const { logger, webhook } = options;
    this.logger = logger;
    this.webhook = webhook && { url: new URL(webhook.url), timeoutMs: webhook.timeoutMs ?? 5_000 };
  }

  /** A new alert (stored already): logged, and sent to the webhook in the background. */
  raised(alert: Alert): void {
    const { id, kind, subject, key, message } = alert;
    this.logger.warn({ alertId: id, kind, subject, key }, message);
    if (this.webhook !== undefined) this.deliverInBackground(alert, this.webhook);
  }

  acknowledged(id: number, by: string): void {
    this.logger.info({ alertId: id, acknowledgedBy: by }, 'alert acknowledged');
  }

  /** Resolves once every webhook delivery started so far has ended, delivered or not. */
  async flush(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all(this.deliveries);
  }

  private deliverInBackground(alert: Alert, webhook: Webhook): void {
    const delivery = this.deliver(alert, webhook).finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  private async deliver(alert: Alert, webhook: Webhook): Promise<void> {
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alert),
        signal: AbortSignal.timeout(webhook.timeoutMs),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the webhook answered HTTP ${response.status}`);
    } catch (error) {
      // the origin only: a webhook's path and query often carry its secret token
      this.logger.error({ err: error, alertId: alert.id, key: alert.key, webhook: webhook.url.origin }, 'alert webhook delivery failed');
    }
  }
}
