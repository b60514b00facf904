import type { Alerting } from '../ports/alerting.ts';
import type { ReactionLag } from './reaction-lag.ts';

/**
 * A reaction whose oldest waiting event has waited more than `boundSeconds` is alerted (LAGGING):
 * once per episode, keyed by the reaction and the moment that event was recorded, so a reaction
 * that stays behind is not alerted again at every check, and one that falls behind again later is.
 * Answers the reactions alerted now. `boundSeconds` 0: never.
 */
export const alertOnLag = async (
  alerting: Alerting,
  lags: Readonly<Record<string, ReactionLag>>,
  boundSeconds: number,
  now: string,
): Promise<readonly string[]> => {
  if (boundSeconds === 0) return [];
  const lagging = Object.entries(lags).filter(
    ([, lag]) => lag.waitingSince !== null && (Date.parse(now) - Date.parse(lag.waitingSince)) / 1000 > boundSeconds,
  );
  for (const [name, lag] of lagging)
    await alerting.raise({
      key: `lagging:${name}:${lag.waitingSince ?? ''}`,
      kind: 'LAGGING',
      subject: `reaction-${name}`,
      message: `${name} has ${lag.behind} events waiting, the oldest since ${lag.waitingSince ?? ''} (more than ${boundSeconds} s, LAG_ALERT_SECONDS)`,
      details: { reaction: name, ...lag },
      raisedAt: now,
    });
  return lagging.map(([name]) => name);
};
