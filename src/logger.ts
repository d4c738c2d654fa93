import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({ level, base: { svc: 'ssz-hub' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A logger that drops everything: for tests and benches that measure, not read. */
export const silentLogger: Logger = pino({ level: 'silent' });
