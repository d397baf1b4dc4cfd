import { createRequire } from 'node:module';
import { createLogger, type Logger } from '@subnetkit/core';
import type Pretty from 'pino-pretty';

/**
 * The logger of a long-running command on stderr: readable coloured lines on a terminal
 * (pino-pretty, in-process and synchronous), pino's JSON lines when stderr is piped or the user
 * asks for JSON, so log collectors get one object per line.
 */
export function terminalLogger(level: string, options: { json?: boolean; stderr?: { isTTY?: boolean } } = {}): Logger {
  const tty = Boolean((options.stderr ?? process.stderr).isTTY);
  if (options.json || !tty) return createLogger({ level });
  // required only for a terminal: piped stderr (every test child, log collectors) skips loading it
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof Pretty;
  const stream = pretty({
    destination: 2,
    sync: true,
    colorize: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    messageKey: 'msg',
  });
  return createLogger({ level, destination: stream as never });
}
