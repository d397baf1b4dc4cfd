import { createParser } from 'eventsource-parser';
import { SubnetkitError } from '../../errors/subnetkit-error.js';

/** Where one OpenAI-compatible server is and how to call it. */
export interface OpenAIEndpoint {
  /** Base URL including the API prefix, e.g. `http://127.0.0.1:8000/v1` (as the `openai` client takes it). */
  baseURL: string;
  /** The model name the server knows. */
  model: string;
  /** Environment variable holding the API key (never the key itself: declarations end up in logs and packages). */
  apiKeyEnv?: string;
  /** Per-call limit, from sending the request to the last byte. */
  timeoutMs: number;
}

/**
 * One request to the server: JSON in, the parsed JSON or an SSE stream out. Every failure is a
 * coded error: unreachable or broken off (SK_MODEL_UNREACHABLE), too slow (SK_MODEL_TIMEOUT),
 * aborted by the caller (the signal's reason, which the batcher turns into SK_MODEL_CANCELLED),
 * refused as bad input (SK_MODEL_BAD_INPUT, 400/422) or failed on the server (SK_MODEL_INFERENCE_FAILED).
 */
export async function callServer(
  ep: OpenAIEndpoint,
  path: string,
  body: Record<string, unknown>,
  signal: AbortSignal,
  onEvent?: (data: unknown) => void,
): Promise<unknown> {
  const timeout = AbortSignal.timeout(ep.timeoutMs);
  const combined = AbortSignal.any([signal, timeout]);
  const url = `${ep.baseURL.replace(/\/+$/, '')}${path}`;
  const where = { model: ep.model, baseURL: ep.baseURL, path };
  const fail = (err: unknown): never => {
    if (signal.aborted) throw signal.reason;
    if (timeout.aborted) {
      throw new SubnetkitError(
        'SK_MODEL_TIMEOUT',
        `${ep.model} at ${ep.baseURL} did not answer ${path} within ${ep.timeoutMs} ms.`,
        { ...where, timeoutMs: ep.timeoutMs },
      );
    }
    if (err instanceof SubnetkitError) throw err;
    throw new SubnetkitError(
      'SK_MODEL_UNREACHABLE',
      `${ep.model} at ${ep.baseURL}: ${path} failed (${causeText(err)}); is the inference server running?`,
      where,
      { cause: err },
    );
  };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeader(ep) },
      body: JSON.stringify(body),
      signal: combined,
    });
    if (!res.ok) throw await statusError(ep, path, res);
    if (!onEvent) return await res.json();
    return await readEvents(ep, path, res, onEvent);
  } catch (err) {
    return fail(err);
  }
}

/** Lists the server's models (`GET /models`), to fail fast at load time when the model is not served. */
export async function listModels(ep: OpenAIEndpoint, signal: AbortSignal): Promise<string[]> {
  const timeout = AbortSignal.timeout(ep.timeoutMs);
  try {
    const res = await fetch(`${ep.baseURL.replace(/\/+$/, '')}/models`, {
      headers: authHeader(ep),
      signal: AbortSignal.any([signal, timeout]),
    });
    if (!res.ok) throw await statusError(ep, '/models', res);
    const json = (await res.json()) as { data?: { id?: unknown }[] };
    return (json.data ?? []).map((m) => String(m.id));
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (err instanceof SubnetkitError) throw err;
    throw new SubnetkitError(
      timeout.aborted ? 'SK_MODEL_TIMEOUT' : 'SK_MODEL_UNREACHABLE',
      `Cannot list the models of ${ep.baseURL} (${causeText(err)}); is the inference server running?`,
      { model: ep.model, baseURL: ep.baseURL },
      { cause: err },
    );
  }
}

function authHeader(ep: OpenAIEndpoint): Record<string, string> {
  if (!ep.apiKeyEnv) return {};
  const key = process.env[ep.apiKeyEnv];
  if (!key) {
    throw new SubnetkitError(
      'SK_CONFIG_INVALID',
      `Model ${ep.model} takes its API key from $${ep.apiKeyEnv}, which is not set.`,
      { model: ep.model, apiKeyEnv: ep.apiKeyEnv },
    );
  }
  return { authorization: `Bearer ${key}` };
}

async function statusError(ep: OpenAIEndpoint, path: string, res: Response): Promise<SubnetkitError> {
  // the server's own words help, but only a short, single-line excerpt goes into the error
  const text = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
  const details = { model: ep.model, baseURL: ep.baseURL, path, status: res.status };
  const said = text ? `: ${text}` : '';
  if (res.status === 400 || res.status === 422 || res.status === 413) {
    return new SubnetkitError(
      'SK_MODEL_BAD_INPUT',
      `${ep.model}: the server refused the input (${res.status})${said}`,
      details,
    );
  }
  if (res.status >= 500) {
    return new SubnetkitError(
      'SK_MODEL_INFERENCE_FAILED',
      `${ep.model}: the server failed (${res.status})${said}`,
      details,
    );
  }
  return new SubnetkitError(
    'SK_MODEL_UNREACHABLE',
    `${ep.model}: ${ep.baseURL}${path} answered ${res.status}${res.status === 401 || res.status === 403 ? ' (check the API key)' : ''}${said}`,
    details,
  );
}

/** Feeds each `data:` event to `onEvent` until `[DONE]`; a stream that ends before it broke off. */
async function readEvents(
  ep: OpenAIEndpoint,
  path: string,
  res: Response,
  onEvent: (data: unknown) => void,
): Promise<void> {
  if (!res.body) throw new Error('the response has no body');
  let done = false;
  let bad: unknown;
  const parser = createParser({
    onEvent: (event) => {
      if (done || bad) return;
      if (event.data === '[DONE]') {
        done = true;
        return;
      }
      try {
        onEvent(JSON.parse(event.data));
      } catch (err) {
        bad = err;
      }
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    if (bad) throw bad;
    if (done) return;
  }
  throw new SubnetkitError(
    'SK_MODEL_UNREACHABLE',
    `${ep.model} at ${ep.baseURL}: the ${path} stream ended before [DONE]; the server broke off its answer.`,
    { model: ep.model, baseURL: ep.baseURL, path },
  );
}

function causeText(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}
