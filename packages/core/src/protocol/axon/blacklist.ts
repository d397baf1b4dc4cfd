/**
 * Blacklist middleware: a subnet's hook decides on the verified caller (403 when blocked; a hook
 * that throws or answers nonsense counts as blocked). The metagraph form of the blacklist option
 * is a pure lookup and runs earlier, as `axonVerify`'s screen ({@link metagraphScreen}).
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { AxonReject } from './reject.js';
import { type AxonStage, stageMiddleware } from './stage.js';
import type { AxonEnv, BlacklistDecision, BlacklistFn, NeuronLookup } from './types.js';

/** Runs `hook` on `c.var.axon.caller` (needs {@link axonVerify} before it). */
export function axonBlacklist(hook: BlacklistFn, log?: Logger): MiddlewareHandler<AxonEnv> {
  return stageMiddleware(blacklistStage(hook, log));
}

/** The stage of {@link axonBlacklist}: waits only when the hook answers with a promise. */
export function blacklistStage(hook: BlacklistFn, log?: Logger): AxonStage {
  const failed = (err: unknown, hotkey: string): BlacklistDecision => {
    log?.error({ event: 'axon.blacklist_failed', err, hotkey }, 'blacklist hook threw');
    return { blocked: true, reason: 'blacklist check failed' };
  };
  const decide = (got: BlacklistDecision | undefined): undefined => {
    const d =
      got && typeof got.blocked === 'boolean' ? got : { blocked: true, reason: 'blacklist returned no decision' };
    if (d.blocked) {
      throw new AxonReject(403, `Forbidden. Key is blacklisted: ${d.reason ?? 'blocked'}.`, {}, false, 'blacklist');
    }
    return undefined;
  };
  return (s) => {
    const caller = s.caller;
    if (!caller) throw new Error('axonBlacklist needs axonVerify before it');
    let got: BlacklistDecision | Promise<BlacklistDecision>;
    try {
      got = hook(caller);
    } catch (err) {
      return decide(failed(err, caller.hotkey));
    }
    if (got && typeof (got as Promise<BlacklistDecision>).then === 'function') {
      return Promise.resolve(got).then(
        (d) => decide(d),
        (err: unknown) => decide(failed(err, caller.hotkey)),
      );
    }
    return decide(got as BlacklistDecision);
  };
}

/** The metagraph rule: unregistered (unless allowed) or below `minStake` is blocked. */
export function metagraphScreen(m: {
  readonly neurons: NeuronLookup;
  readonly minStake?: bigint;
  readonly allowUnregistered?: boolean;
}): (hotkey: string) => BlacklistDecision {
  return (hotkey) => {
    const n = m.neurons(hotkey);
    if (!n?.registered && !m.allowUnregistered) return { blocked: true, reason: 'Unrecognized hotkey' };
    if (m.minStake !== undefined && (n?.stake ?? 0n) < m.minStake) {
      return { blocked: true, reason: `Stake below ${m.minStake}` };
    }
    return { blocked: false };
  };
}
