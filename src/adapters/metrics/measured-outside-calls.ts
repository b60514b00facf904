/**
 * The WMS and the TMS, each call counted by outcome (ok, retryable, refused) and timed
 * (./hub-metrics.ts); the calls themselves go through as they are.
 */
import type { CallOutcome } from '../../application/ports/outside-call.ts';
import type { Transport } from '../../application/ports/transport.ts';
import type { Warehouse } from '../../application/ports/warehouse.ts';
import type { HubMetrics } from './hub-metrics.ts';

const measure = async <T>(
  metrics: HubMetrics,
  system: 'wms' | 'tms',
  call: string,
  calling: Promise<CallOutcome<T>>,
): Promise<CallOutcome<T>> => {
  const timer = metrics.outsideDuration.startTimer({ system, call });
  const outcome = await calling;
  timer();
  metrics.outsideCalls.inc({ system, call, outcome: outcome.ok ? 'ok' : outcome.retryable ? 'retryable' : 'refused' });
  return outcome;
};

export const measuredWarehouse = (warehouse: Warehouse, metrics: HubMetrics): Warehouse => ({
  createOutbound: (instruction, context) => measure(metrics, 'wms', 'createOutbound', warehouse.createOutbound(instruction, context)),
  cancelOutbound: (instruction, context) => measure(metrics, 'wms', 'cancelOutbound', warehouse.cancelOutbound(instruction, context)),
  createInbound: (instruction, context) => measure(metrics, 'wms', 'createInbound', warehouse.createInbound(instruction, context)),
  stockSnapshot: (query, context) => measure(metrics, 'wms', 'stockSnapshot', warehouse.stockSnapshot(query, context)),
});

export const measuredTransport = (transport: Transport, metrics: HubMetrics): Transport => ({
  pushShipment: (shipment, context) => measure(metrics, 'tms', 'pushShipment', transport.pushShipment(shipment, context)),
});
