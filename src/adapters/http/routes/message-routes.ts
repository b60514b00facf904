import { messageStreamName } from '../../../application/warehouse-messages/warehouse-message.ts';
import { isIdentifier } from '../../../domain/kernel/identifiers.ts';
import { HttpProblem } from '../answer.ts';
import type { HttpContext } from '../http-context.ts';
import type { Route } from '../route.ts';

/** A person's view of the archive of warehouse messages (application/warehouse-messages). */
export const messageRoutes = (ctx: HttpContext): readonly Route[] => [
  {
    method: 'get',
    path: '/api/oms/warehouse-messages/{messageId}',
    roles: ['operator', 'reporting'],
    tag: 'warehouse messages',
    summary:
      'A message a warehouse sent, as it was received (body, signature headers, caller) and what the hub answered; its id is the X-Hub-Message-Id of the answer, and `metadata.callback.messageId` of the events it caused. A message refused only because its order (inbound, return) was not known yet has `parked`: what it waits for (`waitingFor`), and once that was known what came of it (`settled`: `outcome` APPLIED or REFUSED, `status`, `answer`; null while it waits)',
    answers: { 404: 'no such message' },
    handle: async (input) => {
      const messageId = input.params.messageId ?? '';
      const [kept, ...later] = isIdentifier('code', messageId)
        ? await ctx.deps.events.readStream('message', messageStreamName(messageId))
        : [];
      if (kept === undefined) throw new HttpProblem(404, `no warehouse message ${messageId}`);
      let parked: Record<string, unknown> | undefined;
      for (const event of later) {
        if (event.type === 'CallbackParked') parked = { waitingFor: event.data.waitingFor, parkedAt: event.data.parkedAt, settled: null };
        if (event.type === 'ParkedCallbackSettled' && parked !== undefined) {
          const { messageId: _id, waitingFor: _waiting, ...settled } = event.data;
          parked = { ...parked, settled };
        }
      }
      return { status: 200, data: { ...kept.data, ...(parked === undefined ? {} : { parked }) } };
    },
  },
];
