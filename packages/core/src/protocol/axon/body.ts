/**
 * Body middleware: reads the body under the byte limit (413) racing the deadline, parses it with
 * 19-digit integers kept exact (422 when not a JSON object), validates the request fields (422)
 * and checks the body hash the signature covers (400 on mismatch).
 */
import type { MiddlewareHandler } from 'hono';
import { parseJsonBig } from '../json-bigint.js';
import { type Synapse, synapseBodyHash } from '../synapse.js';
import { AxonReject } from './reject.js';
import { type AxonStage, stageMiddleware } from './stage.js';
import type { AxonEnv, AxonState } from './types.js';

export interface AxonBodyOptions {
  /** Largest body, bytes, checked while reading. Default 1 MiB. */
  readonly maxBodyBytes?: number;
}

const invalid = (message: string, detail: unknown[]): AxonReject =>
  new AxonReject(422, message, { detail }, false, 'body');

/** Sets `body` and `request` on `c.var.axon` (needs {@link axonHeaders} before it). */
export function axonBody(o: AxonBodyOptions = {}): MiddlewareHandler<AxonEnv> {
  return stageMiddleware(bodyStage(o));
}

/** The stage of {@link axonBody}: waits for the body, then checks it. */
export function bodyStage(o: AxonBodyOptions = {}): AxonStage {
  const maxBody = o.maxBodyBytes ?? 1024 * 1024;
  return (s) => {
    if (!s.route) throw new Error('axonBody needs axonRoute before it');
    // a body that has already arrived is checked at once (no promise); an aborted request takes
    // the race, which answers with the abort's reason as before
    const ready = s.aborted ? undefined : s.req.bodyIfComplete?.(maxBody);
    if (ready) return checkBody(s, ready);
    return s.race(s.req.readBody(maxBody)).then((raw) => checkBody(s, raw));
  };
}

/** JSON, schema and body hash of a read body. */
function checkBody(s: AxonState, raw: Buffer): undefined {
  const synapse = (s.route as NonNullable<AxonState['route']>).synapse;
  const { body: bodyObj, request } = parseRequestBody(synapse, raw);
  // a synapse without hash fields hashes to a constant: no need to merge the values
  const hash =
    synapse.hashFields.length === 0
      ? synapseBodyHash(synapse, request)
      : synapseBodyHash(synapse, { ...bodyObj, ...request });
  if (hash !== s.bodyHash) {
    throw new AxonReject(
      400,
      'Body hash mismatch: the body does not match the signed computed_body_hash',
      {},
      false,
      'body',
    );
  }
  s.body = bodyObj;
  s.request = request;
  return undefined;
}

/**
 * Parses a request body (19-digit integers kept exact) and validates the synapse's request fields:
 * 422 when it is not a JSON object or a field does not validate.
 */
export function parseRequestBody(
  synapse: Synapse,
  raw: Buffer,
): { body: Record<string, unknown>; request: Record<string, unknown> } {
  let body: unknown;
  try {
    body = parseJsonBig(raw.toString('utf8'));
  } catch (err) {
    throw invalid('Invalid JSON body', [
      { type: 'json_invalid', loc: ['body'], msg: (err as Error).message.slice(0, 200) },
    ]);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('Invalid body: expected a JSON object', [
      { type: 'model_type', loc: ['body'], msg: 'Input should be an object' },
    ]);
  }
  const bodyObj = body as Record<string, unknown>;
  const reqIn: Record<string, unknown> = {};
  // Python sends None (null) for unset Optional fields: read it as absent
  for (const f of synapse.requestFields) if (Object.hasOwn(bodyObj, f) && bodyObj[f] !== null) reqIn[f] = bodyObj[f];
  const valid = synapse.request.safeParse(reqIn);
  if (!valid.success) {
    const issues = valid.error.issues.slice(0, 20);
    const first = issues[0];
    const where = first ? first.path.map(String).join('.') || '(root)' : '(root)';
    throw invalid(
      `Invalid request body: ${where}: ${first?.message ?? 'invalid'}`,
      issues.map((i) => ({ type: i.code, loc: ['body', ...i.path.map(String)], msg: i.message })),
    );
  }
  return { body: bodyObj, request: valid.data as Record<string, unknown> };
}
