import type { Dependencies } from '../../application/dependencies.ts';
import type { RouteInput } from './route.ts';

/** What the routes work with: the application's ports, and the zone a warehouse's local times are in. */
export type HttpContext = Readonly<{
  deps: Dependencies;
  zoneOf: (warehouseCode: string | null) => string;
}>;

/** The request's identity for idempotency (`Idempotency-Key`, else a fresh id) and who sent it (`X-Operator`). */
export const requesterOf = (ctx: HttpContext, input: RouteInput) => ({
  requestId: input.headers['idempotency-key'] ?? ctx.deps.ids.newId(),
  requestedBy: input.headers['x-operator'] ?? 'api',
});
