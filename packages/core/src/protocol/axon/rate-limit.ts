/** Rate-limit middleware: a token bucket per verified hotkey; an empty bucket is 429. */
import type { MiddlewareHandler } from 'hono';
import type { RateLimiter } from '../admission.js';
import { AxonReject } from './reject.js';
import { type AxonStage, stageMiddleware } from './stage.js';
import type { AxonEnv } from './types.js';

/** Takes one token for `c.var.axon.hotkey` (needs {@link axonVerify} before it). */
export function axonRateLimit(limiter: RateLimiter): MiddlewareHandler<AxonEnv> {
  return stageMiddleware(rateLimitStage(limiter));
}

/** The stage of {@link axonRateLimit}. */
export function rateLimitStage(limiter: RateLimiter): AxonStage {
  return (s) => {
    const hotkey = s.hotkey;
    if (!hotkey) throw new Error('axonRateLimit needs axonVerify before it');
    if (!limiter.take(hotkey)) throw new AxonReject(429, `Rate limit exceeded for ${hotkey}`, {}, false, 'rate-limit');
    return undefined;
  };
}
