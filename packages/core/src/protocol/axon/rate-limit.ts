/** Rate-limit middleware: a token bucket per verified hotkey; an empty bucket is 429. */
import type { MiddlewareHandler } from 'hono';
import type { RateLimiter } from '../admission.js';
import { AxonReject } from './reject.js';
import type { AxonEnv } from './types.js';

/** Takes one token for `c.var.axon.hotkey` (needs {@link axonVerify} before it). */
export function axonRateLimit(limiter: RateLimiter): MiddlewareHandler<AxonEnv> {
  return async (c, next) => {
    const hotkey = c.var.axon.hotkey;
    if (!hotkey) throw new Error('axonRateLimit needs axonVerify before it');
    if (!limiter.take(hotkey)) throw new AxonReject(429, `Rate limit exceeded for ${hotkey}`, {}, false, 'rate-limit');
    await next();
  };
}
