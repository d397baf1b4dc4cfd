import { isSubnetkitError } from '@subnetkit/core/light';

/** JSON with bigints as decimal strings (amounts in rao exceed 2^53). */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v), indent);
}

/**
 * The only place the CLI writes to the terminal. Data goes to stdout (so `--json` output can be
 * piped), progress and diagnostics to stderr.
 */
export interface Output {
  /** A line of human-readable data on stdout. */
  line(text?: string): void;
  /** One JSON document on stdout. */
  json(value: unknown): void;
  /** Progress or notes for a person, on stderr. */
  info(text: string): void;
  /** Raw text on stdout, no newline (streaming answers). */
  write(text: string): void;
  readonly isTTY: boolean;
  /** Where progress goes (spinners on a terminal): stderr. */
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export function createOutput(
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Output {
  return {
    line: (text = '') => void stdout.write(`${text}\n`),
    json: (value) => void stdout.write(`${toJson(value)}\n`),
    info: (text) => void stderr.write(`${text}\n`),
    write: (text) => void stdout.write(text),
    isTTY: Boolean((stdout as { isTTY?: boolean }).isTTY),
    stderr,
  };
}

/** Exit codes: 0 ok, 1 failure, 2 usage, 130 interrupted (Ctrl-C, as shells report SIGINT). */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2, INTERRUPTED: 130 } as const;

/** Codes that mean "the command line was wrong" (exit 2), not "something failed" (exit 1). */
const USAGE_CODES: ReadonlySet<string> = new Set([
  'SK_CLI_USAGE',
  'SK_CLI_FILE_NOT_FOUND',
  'SK_SCAFFOLD_BAD_NAME',
  'SK_SCAFFOLD_BAD_KIND',
]);

/** The exit code an error ends the CLI with. */
export function exitCodeOf(err: unknown): number {
  if (!isSubnetkitError(err)) return EXIT.FAILURE;
  if (err.code === 'SK_CLI_ABORTED' && err.details.signal) return EXIT.INTERRUPTED;
  return USAGE_CODES.has(err.code) ? EXIT.USAGE : EXIT.FAILURE;
}

/** Prints an error the way users should see it: code and message, never a stack (unless debugging). */
export function reportError(err: unknown, stderr: NodeJS.WritableStream, json: boolean): number {
  if (isSubnetkitError(err)) {
    if (json) stderr.write(`${toJson({ error: err.toJSON() })}\n`);
    else stderr.write(`error ${err.code}: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
    return exitCodeOf(err);
  }
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(`error SK_INTERNAL: ${message}\n`);
  if (process.env.SUBNETKIT_DEBUG && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  return EXIT.FAILURE;
}
