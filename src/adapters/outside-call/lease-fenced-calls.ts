/**
 * The WMS and the TMS as a worker holding a lease calls them: only while the lease is still its
 * own by its own clock. A worker that was paused past its lease (a long GC pause, SIGSTOP, a
 * stalled machine) may wake in the middle of its work and go on to the next call before it
 * learns that another worker took the work over; this check, made right before each call, makes
 * it stop there instead (`LeaseLost`). Together with the claim each call makes in its stream
 * first (../../domain/kernel/push-attempts.ts `PushClaim`), no call is made by a worker that lost
 * its lease. What it cannot cover is a pause between this check and the request leaving the
 * machine: the outside systems' idempotency by order number covers that window.
 */
import type { Lease } from '../../application/ports/lease.ts';
import { LeaseLost } from '../../application/ports/lease.ts';
import type { Transport } from '../../application/ports/transport.ts';
import type { Warehouse } from '../../application/ports/warehouse.ts';

/** Whether the lease is still held, as far as this process can tell now. */
export type LeaseCheck = () => boolean;

const checked = (lease: Lease, stillHeld: LeaseCheck): void => {
  if (!stillHeld()) throw new LeaseLost(lease);
};

export const leaseFencedWarehouse = (warehouse: Warehouse, lease: Lease, stillHeld: LeaseCheck): Warehouse => ({
  createOutbound: async (instruction, context) => {
    checked(lease, stillHeld);
    return warehouse.createOutbound(instruction, context);
  },
  cancelOutbound: async (instruction, context) => {
    checked(lease, stillHeld);
    return warehouse.cancelOutbound(instruction, context);
  },
  createInbound: async (instruction, context) => {
    checked(lease, stillHeld);
    return warehouse.createInbound(instruction, context);
  },
  // a read: nothing changes at the warehouse, whoever asks
  stockSnapshot: (query, context) => warehouse.stockSnapshot(query, context),
});

export const leaseFencedTransport = (transport: Transport, lease: Lease, stillHeld: LeaseCheck): Transport => ({
  pushShipment: async (shipment, context) => {
    checked(lease, stillHeld);
    return transport.pushShipment(shipment, context);
  },
});
