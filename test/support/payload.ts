// Store-level tests append payloads of their own (numbered events and the like); the store hands
// back `data` as an object it does not know the shape of. These read one number out of it.
export const numberIn = (event: Readonly<{ data: object }>, key: string): number => {
  const value: unknown = Object.entries(event.data).find(([name]) => name === key)?.[1];
  if (typeof value !== 'number') throw new Error(`no number ${key} in ${JSON.stringify(event.data)}`);
  return value;
};
