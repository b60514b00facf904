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
      'A message a warehouse sent, as it was received (body, signature headers, caller) and what the hub answered; its id is the X-Hub-Message-Id of the answer, and `metadata.callback.messageId` of the events it caused',
    answers: { 404: 'no such message' },
    handle: async (input) => {
      const messageId = input.params.messageId ?? '';
      const [kept] = isIdentifier('code', messageId) ? await ctx.deps.events.readStream('message', messageStreamName(messageId)) : [];
      if (kept === undefined) throw new HttpProblem(404, `no warehouse message ${messageId}`);
      return { status: 200, data: kept.data };
    },
  },
];
