// Store-level tests append payloads of their own (numbered events and the like); the store hands
// back `data` as an object it does not know the shape of. These read one number out of it.
export const numberIn = (event: Readonly<{ data: object }>, key: string): number => {
  const value: unknown = Object.entries(event.data).find(([name]) => name === key)?.[1];
  if (typeof value !== 'number') throw new Error(`no number ${key} in ${JSON.stringify(event.data)}`);
  return value;
};

/** A store-level test event: `Numbered` with its number. */
export const numbered = (n: number) => ({
  id: crypto.randomUUID(),
  type: 'Numbered',
  data: { n },
  metadata: { correlationId: 'c', causationId: 'c', recordedAt: '2025-11-22T02:00:00.000Z' },
});
