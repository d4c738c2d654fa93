// A hub logger whose lines a test can read: "refused, and logged" is a promise the log must keep.
import pino from 'pino';
import type { Logger } from '../../src/logger';

export interface CapturedLog {
  logger: Logger;
  /** Every line logged so far, parsed. */
  lines: Array<Record<string, unknown>>;
}

export function captureLog(level = 'info'): CapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}
