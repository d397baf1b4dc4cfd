import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../log/logger.js';

export interface CapturedLogs {
  /** A logger (same redaction as production) that writes into memory. */
  logger: Logger;
  /** Every line so far, parsed. */
  records(): Record<string, unknown>[];
  /** Every line so far, raw: scan it for secrets. */
  text(): string;
}

/** Captures log lines in memory, for asserting what was logged and that no secret was. */
export function captureLogs(level = 'trace'): CapturedLogs {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: createLogger({ level, destination }),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => lines.join('\n'),
  };
}
