import { acknowledgeAlert } from '../../../application/alerts/acknowledge-alert.ts';
import { HttpProblem } from '../answer.ts';
import type { HttpContext } from '../http-context.ts';
import { acknowledgeBody, alertsQuery } from '../oms-schemas.ts';
import { parseInput } from '../parse-input.ts';
import type { Route } from '../route.ts';

export const alertRoutes = (ctx: HttpContext): readonly Route[] => [
  {
    method: 'get',
    path: '/api/oms/alerts',
    roles: ['operator', 'reporting'],
    tag: 'alerts',
    summary: 'What needs a person: manual interventions, anomalies, callbacks that could not be applied (raw body kept), newest first',
    query: alertsQuery,
    answers: { 422: 'invalid query' },
    handle: async (input) => {
      const { acknowledged, subject, limit } = parseInput(alertsQuery, input.query, 'query');
      return {
        status: 200,
        data: await ctx.deps.alerting.list({
          limit,
          ...(acknowledged === undefined ? {} : { acknowledged }),
          ...(subject === undefined ? {} : { subject }),
        }),
      };
    },
  },
  {
    method: 'post',
    path: '/api/oms/alerts/{id}/acknowledge',
    roles: ['operator'],
    tag: 'alerts',
    summary:
      'A person has seen an alert: recorded as an event (AlertAcknowledged in the stream alert-{digest of the alert key}, naming the caller); the first acknowledgement is kept',
    body: acknowledgeBody,
    answers: { 404: 'no such alert' },
    handle: async (input) => {
      const { by } = parseInput(acknowledgeBody, input.body ?? {}, 'body');
      const id = Number(input.params.id);
      const outcome = Number.isSafeInteger(id) ? await acknowledgeAlert(ctx.deps, id, by) : 'no such alert';
      if (outcome === 'no such alert') throw new HttpProblem(404, `no alert ${input.params.id ?? ''}`);
      return { status: 200, data: { id, acknowledged: true }, message: outcome === 'acknowledged' ? 'success' : 'already acknowledged' };
    },
  },
];
