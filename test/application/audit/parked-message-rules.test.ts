/**
 * `oms verify` on parked warehouse messages (src/application/audit/message-rules.ts): a message
 * parked once, right after it was kept, settled at most once, for what it waited for; each parked
 * message filed once, under what it waits for.
 */
import { expect, test } from 'vitest';
import { validateMetadata } from '../../../src/adapters/event-codec/metadata.ts';
import { ZodEventDecoder } from '../../../src/adapters/event-codec/zod-event-decoder.ts';
import { type IntegrityReport, checkIntegrity } from '../../../src/application/audit/integrity-check.ts';
import type { StoredEvent } from '../../../src/application/ports/event-store.ts';
import { archivedMessages, parkedMessages } from '../../support/category-lives.ts';
import { storedStream, withData } from './stored-events.ts';

const check = (events: readonly StoredEvent[]): IntegrityReport => checkIntegrity(events, new ZodEventDecoder(), validateMetadata);
const rules = (report: IntegrityReport) => report.broken.flatMap((stream) => stream.findings.map((finding) => finding.rule));

const parkedLife = archivedMessages.filter((event) => event.data.messageId === 'a1b2c3d4-0000-4000-8000-000000000001');
const [received, parked, settled] = parkedLife;
const stream = 'message-a1b2c3d4-0000-4000-8000-000000000001';

test('a parked message, settled; its filing under the order: pass', () => {
  expect(parkedLife.map((event) => event.type)).toEqual(['WarehouseMessageReceived', 'CallbackParked', 'ParkedCallbackSettled']);
  const report = check([...storedStream(stream, parkedLife), ...storedStream('parked-order-OMS9', parkedMessages)]);
  expect(report.broken).toEqual([]);
  expect(report.categories).toEqual({ message: 1, parked: 1 });
});

test('settled twice, settled without being parked, parked when answered 200, settled for another order: each found', () => {
  expect(rules(check(storedStream(stream, [received!, parked!, settled!, settled!])))).toEqual(['a parked message is settled once']);
  expect(rules(check(storedStream(stream, [received!, settled!])))).toEqual(['only a parked message is applied later']);
  const answered200 = storedStream(stream, [received!, parked!]).map((event) =>
    event.revision === 0n ? withData(event, (data) => (data.status = 200)) : event,
  );
  expect(rules(check(answered200))).toEqual(['only a message answered 404 is parked']);
  const elsewhere = storedStream(stream, [received!, parked!, settled!]).map((event) =>
    event.revision === 2n ? withData(event, (data) => (data.waitingFor.no = 'OMS8')) : event,
  );
  expect(rules(check(elsewhere))).toEqual(['an outcome names what its message waited for']);
});

test('a parked message filed twice, or under another order: found', () => {
  expect(rules(check(storedStream('parked-order-OMS9', [...parkedMessages, ...parkedMessages])))).toEqual([
    'a parked message is filed once',
  ]);
  expect(rules(check(storedStream('parked-order-OMS8', parkedMessages)))).toEqual(['a parked message is filed under what it waits for']);
});
