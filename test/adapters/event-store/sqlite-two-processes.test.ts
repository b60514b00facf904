/**
 * Two processes append to the same stream of one SQLite file with the same expected revision,
 * round after round: each round exactly one wins, the other gets a StreamConflict, and the
 * stream's revisions stay contiguous.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SqliteEventStore } from '../../../src/adapters/event-store/sqlite/sqlite-event-store.ts';
import { numberIn } from '../../support/payload.ts';

type Answer = Readonly<{ round: number; outcome: string }>;

const ROUNDS = 40;
const child = new URL('../../support/event-store-racing-appender.ts', import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), 'hub-race-'));
const file = join(directory, 'events.db');
let writers: ChildProcess[] = [];

const next = (writer: ChildProcess): Promise<unknown> => new Promise((resolve) => writer.once('message', resolve));

beforeAll(async () => {
  SqliteEventStore.open(file).close(); // create the schema once, before the race
  writers = ['left', 'right'].map((name) => fork(child, [file, name], { execArgv: ['--import', 'tsx'], stdio: 'inherit' }));
  await Promise.all(writers.map(next));
});

afterAll(async () => {
  await Promise.all(writers.map((writer) => new Promise((resolve) => writer.once('exit', resolve).send('exit'))));
  rmSync(directory, { recursive: true, force: true });
});

test(`${ROUNDS} rounds: exactly one of two processes wins each, revisions stay contiguous`, async () => {
  for (let round = 0; round < ROUNDS; round += 1) {
    const expected = round === 0 ? 'no_stream' : String(round - 1);
    const answers = writers.map(next) as Promise<Answer>[];
    for (const writer of writers) writer.send({ round, expected });
    const outcomes = (await Promise.all(answers)).map((answer) => answer.outcome).sort();
    expect(outcomes, `round ${round}`).toEqual(['conflict', 'won']);
  }
  const store = SqliteEventStore.open(file);
  const events = await store.readStream('race-1');
  await store.close();
  expect(events.map((event) => event.revision)).toEqual(Array.from({ length: ROUNDS }, (_, index) => BigInt(index)));
  expect(events.map((event) => numberIn(event, 'round'))).toEqual(Array.from({ length: ROUNDS }, (_, index) => index));
});
