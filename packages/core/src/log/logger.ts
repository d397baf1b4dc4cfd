import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Field paths pino blanks out: a second line of defence behind `Secret`, for a secret that
 * reaches a log as a plain string by mistake.
 */
export const REDACT_PATHS = [
  'mnemonic',
  'password',
  'seed',
  'secret',
  'privateKey',
  'secretKey',
  'phrase',
  '*.mnemonic',
  '*.password',
  '*.seed',
  '*.secret',
  '*.privateKey',
  '*.secretKey',
  '*.phrase',
  'headers.authorization',
  'headers["bt_header_dendrite_signature"]',
  'headers["bt_header_axon_signature"]',
  'signature',
  '*.signature',
];

export interface LoggerConfig {
  level?: string;
  /** Where log lines go; defaults to stderr so stdout stays clean for `--json` output. */
  destination?: DestinationStream;
  base?: Record<string, unknown>;
}

/** Makes the root logger. Called once, in the composition root. */
export function createLogger(config: LoggerConfig = {}): Logger {
  const options: LoggerOptions = {
    level: config.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: config.base ?? null,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(options, config.destination ?? pino.destination({ fd: 2, sync: true }));
}
