/**
 * The compiled codecs (Ajv, from the zod codecs' JSON Schema) decide every replay's fast path, so
 * they must accept exactly what the zod codecs accept: every event the deciders write, and none of
 * the same events broken in any one place (a field missing, added, or of a hostile value).
 */
import { fc, test } from '@fast-check/vitest';
import type { JsonValue } from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Message, compiled } from '../../../src/adapters/event-codec/compiled-codec.ts';
import { instant } from '../../../src/adapters/event-codec/fields.ts';
import { inboundEvent } from '../../../src/adapters/event-codec/inbound-events.ts';
import { orderEvent } from '../../../src/adapters/event-codec/order-events.ts';
import { returnEvent } from '../../../src/adapters/event-codec/return-events.ts';
import { shipmentEvent } from '../../../src/adapters/event-codec/shipment-events.ts';
import { stockEvent } from '../../../src/adapters/event-codec/stock-events.ts';
import type { Category } from '../../../src/application/events/recorded-event.ts';
import {
  at,
  cancelOrder,
  intercept,
  placeOrder,
  pushFailed,
  pushOk,
  resolve,
  stockReserved,
} from '../../domain/outbound-order/order-fixtures.ts';
import { accepted, life, play } from '../../domain/outbound-order/order-model.ts';
import { jsonRoundTrip } from '../../support/arbitraries-decider.ts';
import {
  backorderFamilyLife,
  shortBackorderLife,
  handOffLife,
  handOffRefusedLife,
  inboundLife,
  inboundTroubledLife,
  ledger,
  orderCommands,
  returnLife,
  shippedOrder,
  stockCommands,
  stockLife,
  stockVarianceLife,
  acknowledgedAlerts,
  archivedMessages,
  parkedMessages,
} from '../../support/category-lives.ts';
import { alertEvent } from '../../../src/adapters/event-codec/alert-events.ts';
import { messageEvent } from '../../../src/adapters/event-codec/message-events.ts';
import { parkedEvent } from '../../../src/adapters/event-codec/parked-events.ts';

const codecs: Record<Category, z.ZodType<Message>> = {
  order: orderEvent,
  inbound: inboundEvent,
  return: returnEvent,
  stock: stockEvent,
  shipment: shipmentEvent,
  message: messageEvent,
  alert: alertEvent,
  parked: parkedEvent,
};
const checks = Object.fromEntries(Object.entries(codecs).map(([category, codec]) => [category, compiled(codec)]));
const agree = (category: Category, message: Message): void => {
  expect({ category, message, compiled: checks[category]?.(message) }).toEqual({
    category,
    message,
    compiled: codecs[category].safeParse(message).success,
  });
};

/** Every event the deciders write in the lives of test/support/category-lives.ts and in a few hundred generated order lives. */
const corpus: ReadonlyArray<Readonly<{ category: Category; message: Message }>> = [
  ...[
    ...shippedOrder,
    ...backorderFamilyLife,
    ...shortBackorderLife,
    ...orderCommands(placeOrder(), stockReserved(), pushFailed(1, at(2), false), resolve('WMS1')),
    ...orderCommands(placeOrder(), stockReserved(), pushFailed(1, at(2))),
    ...orderCommands(placeOrder(), stockReserved(), { type: 'StartPush', data: { attempt: 1, claimMs: 30_000, now: at(2) } }, pushOk()),
    ...orderCommands(placeOrder(), stockReserved(), pushOk(), cancelOrder(), intercept('cancel-1', false)),
    ...orderCommands(
      placeOrder(),
      stockReserved(),
      pushOk(),
      cancelOrder(),
      { type: 'StartCancelCall', data: { call: { kind: 'INTERCEPT', id: 'cancel-1' }, claimMs: 30_000, now: at(3) } },
      intercept('cancel-1', true),
      {
        type: 'StartCancelCall',
        data: {
          call: { kind: 'WITHDRAW', id: 'e1', warehouseCode: 'WH001', outboundNo: null, reason: 'accepted after close' },
          claimMs: 30_000,
          now: at(5),
        },
      },
      { type: 'RecordWithdrawalOutcome', data: { withdrawalId: 'e1', withdrawn: false, detail: 'too late', now: at(6) } },
    ),
    ...fc
      .sample(life, { numRuns: 300, seed: 20261126 })
      .flatMap((lived) => play(lived).flatMap((turn) => (accepted(turn) ? turn.events : []))),
  ].map((event) => ({ category: 'order' as const, message: event })),
  ...[
    ...stockLife,
    ...stockVarianceLife,
    ...stockCommands(
      { type: 'ReceiveStock', data: { ...ledger, reference: 'PO1', quantity: 2, condition: 'DEFECTIVE', now: at(0) } },
      { type: 'ReceiveStock', data: { ...ledger, reference: 'PO2', quantity: 2, condition: 'SELLABLE', now: at(0) } },
      { type: 'ReserveStock', data: { ...ledger, reference: 'OMS1/R1', quantity: 1, now: at(1) } },
      { type: 'ReleaseStock', data: { ...ledger, reference: 'C1', reservation: 'OMS1/R1', quantity: 'ALL', now: at(2) } },
      { type: 'DeductStock', data: { ...ledger, reference: 'SF9', quantity: 3, now: at(3) } },
      { type: 'AdjustStock', data: { ...ledger, reference: 'COUNT1', countedOnHand: 4, now: at(4) } },
    ),
  ].map((event) => ({ category: 'stock' as const, message: event })),
  ...[...inboundLife, ...inboundTroubledLife].map((event) => ({ category: 'inbound' as const, message: event })),
  ...returnLife.map((event) => ({ category: 'return' as const, message: event })),
  ...[...handOffLife, ...handOffRefusedLife].map((event) => ({ category: 'shipment' as const, message: event })),
  ...archivedMessages.map((event) => ({ category: 'message' as const, message: event })),
  ...acknowledgedAlerts.map((event) => ({ category: 'alert' as const, message: event })),
  ...parkedMessages.map((event) => ({ category: 'parked' as const, message: event })),
].map(({ category, message }) => ({ category, message: jsonRoundTrip(message) }));

const typesOf = (codec: z.ZodType): string[] => {
  const schema = z.toJSONSchema(codec, { unrepresentable: 'any' });
  return (schema.oneOf ?? []).map((branch) => {
    const type = branch.properties?.type;
    return typeof type === 'object' ? String(type.const) : '';
  });
};

// ------------------------------------------------------------------ one change anywhere in an event

type Json = JsonValue;
type Path = readonly (string | number)[];

const pathsOf = (value: unknown, path: Path = []): Path[] => [
  path,
  ...(Array.isArray(value)
    ? value.flatMap((item, index) => pathsOf(item, [...path, index]))
    : typeof value === 'object' && value !== null
      ? Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...path, key]))
      : []),
];

type Change = Readonly<{ kind: 'delete' } | { kind: 'set'; value: Json } | { kind: 'add'; key: string; value: Json }>;

/** The value with one change at `path` (on a copy). */
const changed = (value: unknown, path: Path, change: Change): unknown => {
  if (path.length === 0) {
    if (change.kind === 'set') return change.value;
    if (change.kind === 'add' && typeof value === 'object' && value !== null && !Array.isArray(value))
      return { ...value, [change.key]: change.value };
    return value;
  }
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    if (change.kind === 'delete' && rest.length === 0) return value.filter((_, index) => index !== head);
    return value.map((item, index) => (index === head ? changed(item, rest, change) : item));
  }
  if (typeof value !== 'object' || value === null || head === undefined) return value;
  const entries = Object.entries(value);
  if (change.kind === 'delete' && rest.length === 0) return Object.fromEntries(entries.filter(([key]) => key !== head));
  return Object.fromEntries(entries.map(([key, item]) => [key, key === String(head) ? changed(item, rest, change) : item]));
};

const hostile: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    '',
    ' ',
    0,
    -1,
    1.5,
    2 ** 53,
    true,
    [],
    {},
    'WH001',
    '2025-02-30T00:00:00Z',
    '2025-11-22T10:00:00',
    '2025-11-22T24:00:00Z',
    '2025-11-22T10:00:00.123456789+08:00',
    '\ud800',
    '𝟘'.repeat(3),
  ),
  fc.jsonValue({ maxDepth: 2 }).map(jsonRoundTrip),
);
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.constant({ kind: 'delete' as const }),
  hostile.map((value) => ({ kind: 'set' as const, value })),
  fc
    .record({ key: fc.constantFrom('extra', 'type', 'data', '__proto__', 'constructor'), value: hostile })
    .map((add) => ({ kind: 'add' as const, ...add })),
);

describe('the compiled codecs', () => {
  it('have a sample of every event type of every category, and accept each of them as the zod codecs do', () => {
    for (const [category, codec] of Object.entries(codecs)) {
      const sampled = new Set(corpus.filter((sample) => sample.category === category).map((sample) => sample.message.type));
      expect({ category, missing: typesOf(codec).filter((type) => !sampled.has(type)) }).toEqual({ category, missing: [] });
    }
    for (const { category, message } of corpus) {
      expect(codecs[category].safeParse(message).success).toBe(true);
      agree(category, message);
    }
  });

  test.prop([fc.constantFrom(...corpus), fc.nat(), change], { numRuns: 3_000 })(
    'agree with the zod codecs on any event whose data is changed in one place',
    ({ category, message }, pick, how) => {
      const paths = pathsOf(message.data);
      const path = paths[pick % paths.length] ?? [];
      agree(category, { type: message.type, data: changed(message.data, path, how) });
    },
  );

  test.prop([fc.constantFrom(...corpus), fc.constantFrom(...Object.values(codecs).flatMap(typesOf))])(
    'agree on an event’s data under another type’s name',
    ({ category, message }, type) => agree(category, { type, data: message.data }),
  );

  it('refuse to compile a codec whose rule JSON Schema cannot say (it would be dropped, and the compiled check be laxer)', () => {
    const refined = z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('Counted'), data: z.strictObject({ even: z.int().refine((n) => n % 2 === 0) }) }),
    ]);
    expect(() => compiled(refined)).toThrow(/refinement/);
    const withInstant = z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('Happened'), data: z.strictObject({ at: instant }) }),
    ]);
    expect(compiled(withInstant)({ type: 'Happened', data: { at: '2025-11-22T10:00:00+08:00' } })).toBe(true);
    expect(compiled(withInstant)({ type: 'Happened', data: { at: '2025-02-30T00:00:00Z' } })).toBe(false);
  });
});
