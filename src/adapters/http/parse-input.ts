import type { z } from 'zod';
import { HttpProblem, problemsOf } from './answer.ts';

/** Validate a body or a query with its zod schema: 422 listing each bad field, or the parsed value. */
export const parseInput = <S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.output<S> => {
  if (where === 'body' && (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw new HttpProblem(422, 'the body must be a JSON object', [{ path: 'body', message: 'expected a JSON object' }]);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpProblem(422, `invalid ${where}`, problemsOf(result.error.issues, where));
  return result.data;
};
