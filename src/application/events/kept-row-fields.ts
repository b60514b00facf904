import type { Cause } from '../commands/handle-command.ts';

/**
 * Reading a kept read model's row back from its JSON, field by field: a row of another shape is an
 * error, never a value taken at its word.
 */

export const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;

export const text = (value: unknown, what: string): string => {
  if (typeof value !== 'string') throw new TypeError(`a kept row's ${what} is not text`);
  return value;
};

export const count = (value: unknown, what: string): number => {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`a kept row's ${what} is not a number`);
  return value;
};

export const list = (value: unknown, what: string): readonly unknown[] => {
  if (!Array.isArray(value)) throw new TypeError(`a kept row's ${what} is not a list`);
  return value;
};

/** An optional text field: undefined when absent. */
export const optionalText = (row: unknown, name: string): string | undefined => {
  const value = field(row, name);
  return value === undefined ? undefined : text(value, name);
};

/** A cause as kept in a row. */
export const causeOf = (value: unknown): Cause => {
  const traceparent = optionalText(value, 'traceparent');
  return {
    correlationId: text(field(value, 'correlationId'), 'correlationId'),
    causationId: text(field(value, 'causationId'), 'causationId'),
    recordedAt: text(field(value, 'recordedAt'), 'recordedAt'),
    ...(traceparent === undefined ? {} : { traceparent }),
  };
};
