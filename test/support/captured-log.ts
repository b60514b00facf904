/** A pino logger that writes into an array, one parsed object per line, and the levels the tests look for. */
import { pino } from 'pino';

export type LogLine = Record<string, unknown> & { level: number; msg: string };

export const WARN = 40;
export const ERROR = 50;

export const capturedLog = () => {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { lines, logger };
};
