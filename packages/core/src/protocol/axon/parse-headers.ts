/**
 * Header middleware: builds the header-only synapse the SDK way (400 when a header does not
 * parse), fixes the server-side deadline, and refuses a declared body over the limit (413).
 */
import type { MiddlewareHandler } from 'hono';
import {
  HeaderParseError,
  parseFloatHeader,
  parseHeadersToInputs,
  parseIntHeader,
  toTerminalInfo,
} from '../headers.js';
import { AxonReject } from './reject.js';
import { type AxonStage, stageMiddleware } from './stage.js';
import type { AxonEnv } from './types.js';

export interface AxonHeaderOptions {
  /** Cap on the caller's `timeout` header. Default 60 s. */
  readonly maxTimeoutMs?: number;
  /** Largest declared Content-Length. Default 1 MiB. */
  readonly maxBodyBytes?: number;
}

/** 413 before the body is read when the declared Content-Length is past the limit (signed and lean requests). */
export function rejectDeclaredOversize(header: string | string[] | undefined, maxBody: number): void {
  const contentLength = Number(header ?? 0);
  if (contentLength > maxBody) {
    throw new AxonReject(
      413,
      `Request body too large: ${contentLength} bytes exceeds the limit of ${maxBody} bytes`,
      {},
      true,
      'headers',
    );
  }
}

/** Parses the bt headers into `c.var.axon` (needs {@link axonRoute} before it). */
export function axonHeaders(o: AxonHeaderOptions = {}): MiddlewareHandler<AxonEnv> {
  return stageMiddleware(headersStage(o));
}

/** The stage of {@link axonHeaders}. */
export function headersStage(o: AxonHeaderOptions = {}): AxonStage {
  const maxTimeoutMs = o.maxTimeoutMs ?? 60_000;
  const maxBody = o.maxBodyBytes ?? 1024 * 1024;
  return (s) => {
    const synapse = s.route?.synapse;
    if (!synapse) throw new Error('axonHeaders needs axonRoute before it');
    const raw = s.req.headers;
    try {
      const parsed = parseHeadersToInputs(raw);
      s.parsed = parsed;
      s.dendrite = toTerminalInfo(parsed.dendrite, 'dendrite');
      s.axonInfo = toTerminalInfo(parsed.axon, 'axon');
      const t = parseFloatHeader(parsed.timeout, 'timeout');
      if (t !== undefined && !(t > 0)) throw new HeaderParseError('timeout must be positive');
      s.timeoutS = t ?? synapse.timeoutMs / 1000;
      parseIntHeader(parsed.header_size, 'header_size');
      parseIntHeader(parsed.total_size, 'total_size');
      s.bodyHash = parsed.computed_body_hash ?? '';
    } catch (err) {
      if (!(err instanceof HeaderParseError)) throw err;
      throw new AxonReject(
        400,
        `Improperly formatted request. Could not parse headers (${err.message}) into synapse of type ${synapse.name}.`,
        {},
        false,
        'headers',
      );
    }
    s.timeoutMs = Math.min(s.timeoutS * 1000, maxTimeoutMs);
    s.deadline = s.startMs + s.timeoutMs;
    rejectDeclaredOversize(raw['content-length'], maxBody);
    return undefined;
  };
}
