import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { createLogger } from '../../log/logger.js';
import { createModelRuntime } from '../model-runtime.js';

/** What the test server saw: one entry per request, for assertions on batching, auth and disconnects. */
export interface ServerLog {
  path: string;
  model: string;
  inputs: number;
  stream: boolean;
  authorization: string | undefined;
  /** Set when the client went away before the reply was done. */
  clientGone: boolean;
}

export interface TestInferenceServer {
  baseURL: string;
  readonly log: ServerLog[];
  /** Resolves when the next request arrives (the cancel test aborts only once the server has it). */
  nextRequest(): Promise<ServerLog>;
  close(): Promise<void>;
}

export const TEXT_MODEL = { task: 'text-generation', model: 'Xenova/gpt2', fixture: 'tiny-gpt2' } as const;
export const EMBED_MODEL = {
  task: 'feature-extraction',
  model: 'Xenova/all-MiniLM-L6-v2',
  fixture: 'tiny-bert',
} as const;

/**
 * A small OpenAI-compatible inference server over the transformers.js runtime and the tiny
 * fixtures: `GET /v1/models`, `POST /v1/completions` (plain and SSE streaming) and
 * `POST /v1/embeddings`, serving `tiny-gpt2` and `tiny-bert`. Two extra model names fail on purpose:
 * `dies-mid-stream` sends one chunk (any request) and then drops the connection; `hangs` never answers.
 * With `apiKey`, a request without `Authorization: Bearer <apiKey>` is 401.
 */
export async function startTestInferenceServer(options: { apiKey?: string } = {}): Promise<TestInferenceServer> {
  const runtime = createModelRuntime({ logger: createLogger({ level: 'silent' }), useFixtures: true });
  const models = await runtime.load({ text: TEXT_MODEL, embed: EMBED_MODEL });
  const log: ServerLog[] = [];
  let waiters: ((l: ServerLog) => void)[] = [];
  const app = new Hono<{ Bindings: HttpBindings }>();

  const record = (
    c: { env: HttpBindings; req: { header(n: string): string | undefined } },
    entry: Omit<ServerLog, 'clientGone' | 'authorization'>,
  ) => {
    const l: ServerLog = { ...entry, authorization: c.req.header('authorization'), clientGone: false };
    log.push(l);
    c.env.outgoing.once('close', () => {
      if (!c.env.outgoing.writableFinished) l.clientGone = true;
    });
    for (const w of waiters.splice(0)) w(l);
    return l;
  };
  const untilClientGone = (c: { env: HttpBindings }) =>
    new Promise<void>((resolve) => c.env.outgoing.once('close', () => resolve()));

  app.use('*', async (c, next) => {
    if (options.apiKey && c.req.header('authorization') !== `Bearer ${options.apiKey}`) {
      return c.json({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }, 401);
    }
    return next();
  });
  app.get('/v1/models', (c) =>
    c.json({
      object: 'list',
      data: ['tiny-gpt2', 'tiny-bert', 'dies-mid-stream', 'hangs'].map((id) => ({ id, object: 'model' })),
    }),
  );
  app.post('/v1/completions', async (c) => {
    const body = (await c.req.json()) as {
      model: string;
      prompt: string | string[];
      max_tokens?: number;
      stream?: boolean;
    };
    const prompts = Array.isArray(body.prompt) ? body.prompt : [body.prompt];
    record(c, { path: '/v1/completions', model: body.model, inputs: prompts.length, stream: Boolean(body.stream) });
    if (body.model === 'hangs') {
      await untilClientGone(c);
      return c.body(null);
    }
    if (body.model !== 'tiny-gpt2' && body.model !== 'dies-mid-stream') {
      return c.json({ error: { message: `model ${body.model} not found` } }, 404);
    }
    const maxNewTokens = body.max_tokens ?? 16;
    if (body.model === 'dies-mid-stream') {
      // one real chunk written straight to the socket, then the connection drops
      const out = c.env.outgoing;
      out.writeHead(200, { 'content-type': 'text/event-stream' });
      const [first] = await models.text(prompts[0] as string, { maxNewTokens: 1 }).then((t) => [t]);
      out.write(`data: ${JSON.stringify({ choices: [{ index: 0, text: first }] })}\n\n`, () => out.socket?.destroy());
      return RESPONSE_ALREADY_SENT;
    }
    if (body.stream) {
      return streamSSE(c, async (sse) => {
        for await (const text of models.text.stream(prompts[0] as string, { maxNewTokens })) {
          await sse.writeSSE({ data: JSON.stringify({ object: 'text_completion', choices: [{ index: 0, text }] }) });
        }
        await sse.writeSSE({ data: '[DONE]' });
      });
    }
    const texts = await Promise.all(prompts.map((p) => models.text(p, { maxNewTokens })));
    return c.json({
      object: 'text_completion',
      model: body.model,
      choices: texts.map((text, index) => ({ index, text, finish_reason: 'length' })),
    });
  });
  app.post('/v1/embeddings', async (c) => {
    const body = (await c.req.json()) as { model: string; input: string | string[] };
    const input = Array.isArray(body.input) ? body.input : [body.input];
    record(c, { path: '/v1/embeddings', model: body.model, inputs: input.length, stream: false });
    if (body.model !== 'tiny-bert') return c.json({ error: { message: `model ${body.model} not found` } }, 404);
    // unnormalised, as some servers answer: the client normalises when asked to
    const vectors = await models.embed(input, { normalize: false });
    // in reverse order: the client must order by index
    const data = vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })).reverse();
    return c.json({ object: 'list', data });
  });

  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    log,
    nextRequest: () => new Promise((resolve) => waiters.push(resolve)),
    async close() {
      waiters = [];
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}
