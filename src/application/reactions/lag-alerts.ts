import type { Alerting } from '../ports/alerting.ts';
import type { ReactionLag } from './reaction-lag.ts';

/**
 * A reaction (or a projection) whose oldest waiting event has waited more than `boundSeconds` is
 * alerted (LAGGING): once per episode, keyed by its name and the moment that event was recorded,
 * so one that stays behind is not alerted again at every check, and one that falls behind again
 * later is. Answers the names alerted now. `boundSeconds` 0: never.
 */
export const alertOnLag = async (
  alerting: Alerting,
  lags: Readonly<Record<string, Pick<ReactionLag, 'behind' | 'waitingSince'>>>,
  boundSeconds: number,
  now: string,
  of: 'reaction' | 'projection' = 'reaction',
): Promise<readonly string[]> => {
  if (boundSeconds === 0) return [];
  const lagging = Object.entries(lags).filter(
    ([, lag]) => lag.waitingSince !== null && (Date.parse(now) - Date.parse(lag.waitingSince)) / 1000 > boundSeconds,
  );
  for (const [name, lag] of lagging)
    await alerting.raise({
      key: of === 'reaction' ? `lagging:${name}:${lag.waitingSince ?? ''}` : `lagging:projection:${name}:${lag.waitingSince ?? ''}`,
      kind: 'LAGGING',
      subject: `${of}-${name}`,
      message: `${name} has ${lag.behind} events waiting, the oldest since ${lag.waitingSince ?? ''} (more than ${boundSeconds} s, LAG_ALERT_SECONDS)`,
      details: { [of]: name, ...lag },
      raisedAt: now,
    });
  return lagging.map(([name]) => name);
};
