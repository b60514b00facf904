/**
 * A circuit breaker per warehouse, around the WMS calls. The reactions call the warehouses one
 * event at a time: a warehouse that stops answering makes each call to it wait for the whole
 * WMS_TIMEOUT_MS, and every other warehouse's orders wait behind those calls. After `failures`
 * retryable failures in a row from one warehouse (no answer, 5xx, a transient refusal), its
 * circuit opens: for `cooldownMs` by the Clock port it is not called, and each call to it fails at
 * once as retryable, `retryAfterMs` the time left (an order's push then waits for its next attempt
 * as after any failure, no earlier than the circuit's end). Then one call is let through: an
 * answer, any answer, closes the circuit; another retryable failure opens it again. A refusal
 * (the warehouse answered, and said no) is an answer. The other warehouses are not touched.
 */
import type { Clock } from '../../application/ports/clock.ts';
import type { CallOutcome } from '../../application/ports/outside-call.ts';
import type { Warehouse } from '../../application/ports/warehouse.ts';
import { addMillis, millis } from '../../domain/kernel/instant.ts';

export type BreakerOptions = Readonly<{
  /** retryable failures in a row that open a warehouse's circuit; 0: never opens */
  failures: number;
  /** how long an open circuit stays open */
  cooldownMs: number;
  clock: Clock;
  /** told when a warehouse's circuit opens (for the log) */
  onOpen?: (warehouseCode: string, failures: number, until: string) => void;
}>;

/** A warehouse's run of failures, and the instant its circuit stays open until (null: closed). */
type Circuit = { failures: number; openUntil: string | null; trying: boolean };

export class WarehouseBreaker implements Warehouse {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    private readonly warehouse: Warehouse,
    private readonly options: BreakerOptions,
  ) {}

  createOutbound: Warehouse['createOutbound'] = (instruction, context) =>
    this.guarded(instruction.warehouseCode, () => this.warehouse.createOutbound(instruction, context));

  cancelOutbound: Warehouse['cancelOutbound'] = (instruction, context) =>
    this.guarded(instruction.warehouseCode, () => this.warehouse.cancelOutbound(instruction, context));

  createInbound: Warehouse['createInbound'] = (instruction, context) =>
    this.guarded(instruction.warehouseCode, () => this.warehouse.createInbound(instruction, context));

  stockSnapshot: Warehouse['stockSnapshot'] = (query, context) =>
    this.guarded(query.warehouseCode, () => this.warehouse.stockSnapshot(query, context));

  /** The warehouses whose circuit is open now, and until when (for /health). */
  open(): readonly Readonly<{ warehouseCode: string; until: string; failures: number }>[] {
    const now = millis(this.options.clock.now());
    return [...this.circuits].flatMap(([warehouseCode, { openUntil, failures }]) =>
      openUntil !== null && now < millis(openUntil) ? [{ warehouseCode, until: openUntil, failures }] : [],
    );
  }

  private async guarded<T>(warehouseCode: string, call: () => Promise<CallOutcome<T>>): Promise<CallOutcome<T>> {
    if (this.options.failures === 0) return call();
    const circuit = this.circuits.get(warehouseCode) ?? { failures: 0, openUntil: null, trying: false };
    this.circuits.set(warehouseCode, circuit);
    const now = millis(this.options.clock.now());
    if (circuit.openUntil !== null && (now < millis(circuit.openUntil) || circuit.trying)) {
      return {
        ok: false,
        retryable: true,
        retryAfterMs: Math.max(millis(circuit.openUntil) - now, 0),
        error: `${warehouseCode} not called: its last ${circuit.failures} calls failed, and it is left alone until ${circuit.openUntil} (circuit open)`,
      };
    }
    // closed, or open and over: this call is the trial (no other goes while it is under way)
    circuit.trying = circuit.openUntil !== null;
    let outcome: CallOutcome<T>;
    try {
      outcome = await call();
    } finally {
      circuit.trying = false;
    }
    if (outcome.ok || !outcome.retryable) {
      circuit.failures = 0;
      circuit.openUntil = null;
      return outcome;
    }
    circuit.failures += 1;
    if (circuit.failures >= this.options.failures) {
      circuit.openUntil = addMillis(this.options.clock.now(), this.options.cooldownMs);
      this.options.onOpen?.(warehouseCode, circuit.failures, circuit.openUntil);
    }
    return outcome;
  }
}
