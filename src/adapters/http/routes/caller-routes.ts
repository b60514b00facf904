/**
 * Who the presented key is (`GET /api/oms/me`): what a console shows of its operator and which of
 * its pages it offers. Any caller may ask, of itself only.
 */
import { type Caller, actsAs, openCaller, roles } from '../../credentials/callers.ts';
import type { Route } from '../route.ts';

type CallerView = Readonly<{ id: string; roles: readonly string[]; warehouses: readonly string[] | null; open: boolean }>;

/**
 * The caller as the console reads it: `warehouses` the codes a warehouse caller reports for, null
 * when not restricted (every other caller, a key of OMS_API_KEYS); `open` when the hub has no
 * credentials (every role).
 */
const callerView = (caller: Caller): CallerView => ({
  id: caller.id,
  roles: caller.roles,
  warehouses: caller.warehouses === 'any' || !actsAs(caller, ['warehouse']) ? null : caller.warehouses,
  open: caller === openCaller,
});

export const callerRoutes = (): readonly Route[] => [
  {
    method: 'get',
    path: '/api/oms/me',
    roles,
    tag: 'callers',
    summary: 'Who the presented key is: { id, roles, warehouses, open }',
    description:
      'id: the caller (as events name it in metadata.actor); roles: what it may do; warehouses: the codes a warehouse caller reports for, null when not restricted; open: true when the hub runs without credentials (every caller is `open`, in every role).',
    answers: {},
    handle: async (input) => ({ status: 200, data: callerView(input.caller) }),
  },
];
