/** `@polkadot/util`'s logger line: a `YYYY-MM-DD hh:mm:ss` date, then an `ORIGIN:` tag padded to 16. */
const DATE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
const ORIGIN = /^\s*[A-Z][A-Z0-9/_-]*:$/;

type ConsoleLike = Pick<Console, 'error' | 'warn' | 'log'>;

/**
 * @polkadot/api writes its own line to the console for every failed RPC (a rejected extrinsic, a
 * dropped socket), beside the typed error the CLI already reports; on a terminal that is noise.
 * Drops those lines (all other console output passes) unless `keep` is set, e.g. at debug level.
 */
export function quietPolkadotConsole(target: ConsoleLike = console, keep = false): void {
  if (keep) return;
  for (const level of ['error', 'warn', 'log'] as const) {
    const original = target[level].bind(target);
    target[level] = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && DATE.test(args[0]) && typeof args[1] === 'string' && ORIGIN.test(args[1]))
        return;
      original(...args);
    };
  }
}
