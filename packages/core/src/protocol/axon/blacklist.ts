/**
 * Blacklist middleware: a subnet's hook decides on the verified caller (403 when blocked; a hook
 * that throws or answers nonsense counts as blocked). The metagraph form of the blacklist option
 * is a pure lookup and runs earlier, as `axonVerify`'s screen ({@link metagraphScreen}).
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { AxonReject } from './reject.js';
import type { AxonEnv, BlacklistDecision, BlacklistFn, NeuronLookup } from './types.js';

/** Runs `hook` on `c.var.axon.caller` (needs {@link axonVerify} before it). */
export function axonBlacklist(hook: BlacklistFn, log?: Logger): MiddlewareHandler<AxonEnv> {
  return async (c, next) => {
    const caller = c.var.axon.caller;
    if (!caller) throw new Error('axonBlacklist needs axonVerify before it');
    let d: BlacklistDecision;
    try {
      const got = await hook(caller);
      d = got && typeof got.blocked === 'boolean' ? got : { blocked: true, reason: 'blacklist returned no decision' };
    } catch (err) {
      log?.error({ event: 'axon.blacklist_failed', err, hotkey: caller.hotkey }, 'blacklist hook threw');
      d = { blocked: true, reason: 'blacklist check failed' };
    }
    if (d.blocked) {
      throw new AxonReject(403, `Forbidden. Key is blacklisted: ${d.reason ?? 'blocked'}.`, {}, false, 'blacklist');
    }
    await next();
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
