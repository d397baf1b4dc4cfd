/**
 * The gateway: an HTTP service on the validator's side that turns application requests into
 * subnet queries. OpenAI-compatible endpoints for text subnets, a JSON endpoint for any subnet,
 * `/v1/models` and `/openapi.json`; API keys with per-key rate limits; answers routed to the best
 * miners by incentive (hedged), checked with the subnet's schema, and a sample spot-checked with
 * the validator's reward so organic traffic feeds its moving averages.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { Chain } from '../chain/types.js';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import type { Logger } from '../log/logger.js';
import { MetagraphSync } from '../neuron/metagraph-sync.js';
import { subnetSynapses } from '../neuron/subnet-synapse.js';
import type { OpsMetrics } from '../ops/metrics.js';
import { requestMetrics } from '../ops/request-metrics.js';
import type { LoadedSubnet } from '../plugin/load-subnet.js';
import { RateLimiter } from '../protocol/admission.js';
import { Dendrite } from '../protocol/dendrite.js';
import { type Clock, systemClock } from '../util/clock.js';
import { createRandom, type Random } from '../util/random.js';
import type { Signer } from '../util/signer.js';
import { errorReply, noAnswerError } from './errors.js';
import type { ApiKeyStore } from './keys.js';
import {
  chatBody,
  chatRequest,
  completionBody,
  completionRequest,
  completionResponse,
  isTextSubnet,
  type Kind,
  OPENAI_PARAM,
  responseId,
  streamChunk,
} from './openai.js';
import { openApiDocument } from './openapi.js';
import { type AcceptedStream, bestMiners, hedgedQuery, hedgedStream, type MinerAnswer, pickHedge } from './router.js';

/** JSON endpoints of the bundled subnets; any other subnet is served at /v1/subnets/<name>/query. */
export const JSON_ENDPOINTS: Readonly<Record<string, string>> = {
  image: '/v1/images/upscale',
  predict: '/v1/forecast',
};

/** What the gateway needs of a validator: scoring answers to organic requests into its averages. */
export interface OrganicScorer {
  scoreOrganic(
    request: unknown,
    answers: readonly MinerAnswer[],
    timeoutMs: number,
  ): Promise<{ uid: number; reward: number }[] | undefined>;
}

export interface GatewayOptions {
  subnet: LoadedSubnet;
  netuid: number;
  chain: Chain;
  /** The validator's hotkey: it signs the queries (miners serve registered validators). */
  signer: Signer;
  log: Logger;
  /** The validator whose moving averages spot-checks feed; without it nothing is spot-checked. */
  scorer?: OrganicScorer;
  /** Accepted API keys; without a store every request is let in (loopback development only). */
  keys?: ApiKeyStore;
  clock?: Clock;
  random?: Random;
  /** Miners considered, best incentive first (default 5). */
  topK?: number;
  /** Miners asked at once per request; the first valid answer wins (default 2). */
  hedge?: number;
  /** Longest wait for a miner's answer (default the subnet task's timeout). */
  timeoutMs?: number;
  /** Share of requests whose answers are spot-checked with the validator's reward (default 0.1). */
  spotCheckRate?: number;
  /** Requests handled at once before new ones get 503 (default 64). */
  maxInFlight?: number;
  /** Retry-After, seconds, of a 503 (default 5). */
  retryAfterS?: number;
  metrics?: OpsMetrics;
}

/** A spot-check's outcome: who answered, and the rewards their answers got. */
export interface SpotCheck {
  uids: number[];
  rewards: { uid: number; reward: number }[] | undefined;
}

interface Vars {
  Variables: { keyId: string };
}

export class Gateway {
  readonly app: Hono<Vars>;
  readonly #o: GatewayOptions;
  readonly #sync: MetagraphSync;
  readonly #dendrite: Dendrite;
  /** One token bucket per API key, sized by its own limit: a minute's allowance as the burst. */
  readonly #limiters = new Map<string, RateLimiter>();
  readonly #random: Random;
  readonly #checks = new Set<Promise<void>>();
  readonly #spotChecks: SpotCheck[] = [];
  readonly #timeoutMs: number;
  #inFlight = 0;
  /** Streams still sending (their handler returned when the stream began). */
  #streams = 0;
  #server: ServerType | undefined;

  private constructor(o: GatewayOptions) {
    this.#o = o;
    this.#sync = new MetagraphSync(o.chain, o.netuid, o.log);
    this.#dendrite = new Dendrite({ signer: o.signer, logger: o.log, ...(o.clock ? { clock: o.clock } : {}) });
    this.#random = o.random ?? createRandom(`gateway-${process.pid}-${Date.now()}`);
    this.#timeoutMs = o.timeoutMs ?? o.subnet.definition.task.timeoutMs ?? 12_000;
    this.app = this.#routes();
  }

  /** Builds a gateway and reads the subnet's metagraph (kept current from chain events). */
  static async create(o: GatewayOptions): Promise<Gateway> {
    const g = new Gateway(o);
    await g.#sync.start();
    return g;
  }

  /** The OpenAI model id of the served subnet. */
  get model(): string {
    return this.#o.subnet.definition.name;
  }

  /** The subnet's JSON endpoint. */
  get queryPath(): string {
    const name = this.#o.subnet.definition.name;
    return JSON_ENDPOINTS[name] ?? `/v1/subnets/${name}/query`;
  }

  /** The latest spot-checks (newest last, at most 100). */
  get spotChecks(): readonly SpotCheck[] {
    return this.#spotChecks;
  }

  /** Resolves once every spot-check started so far has been scored. */
  async settled(): Promise<void> {
    while (this.#checks.size > 0) await Promise.all(this.#checks);
  }

  /** Listens on host:port (default 127.0.0.1:8080; port 0 picks a free one). */
  listen(options: { port?: number; host?: string } = {}): Promise<{ url: string; port: number }> {
    const host = options.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      const server = serve({ fetch: this.app.fetch, port: options.port ?? 8080, hostname: host }, (info) => {
        const port = (info as AddressInfo).port;
        resolve({ url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`, port });
      });
      server.once('error', reject);
      // idle keep-alive sockets outlive clients' own idle limits (Node's 5 s default races a client
      // that reuses a socket just as the server closes it: ECONNRESET)
      (server as Server).keepAliveTimeout = 65_000;
      this.#server = server;
    });
  }

  /** Stops listening, waits for spot-checks, closes the metagraph sync and the dendrite. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) {
      await new Promise<void>((done) => server.close(() => done()));
    }
    await this.settled();
    this.#sync.stop();
    await this.#dendrite.close();
  }

  #routes(): Hono<Vars> {
    const o = this.#o;
    const app = new Hono<Vars>();
    if (o.metrics) app.use(requestMetrics(o.metrics, 'gateway'));
    app.onError((err, c) => this.#fail(c, err));
    app.notFound((c) =>
      c.json(
        {
          error: {
            message: `No route ${c.req.method} ${c.req.path}.`,
            type: 'invalid_request_error',
            param: null,
            code: 'SK_GATEWAY_BAD_REQUEST',
          },
        },
        404,
      ),
    );
    const text = isTextSubnet(o.subnet.definition);
    app.get('/openapi.json', (c) =>
      c.json(
        openApiDocument({ subnet: o.subnet.definition, queryPath: this.queryPath, text, auth: o.keys !== undefined }),
      ),
    );
    app.use('/v1/*', async (c, next) => {
      this.#admit(c);
      this.#inFlight += 1;
      try {
        await next();
      } finally {
        this.#inFlight -= 1;
      }
    });
    app.get('/v1/models', (c) =>
      c.json({
        object: 'list',
        data: [{ id: this.model, object: 'model', created: 0, owned_by: `subnetkit:netuid-${o.netuid}` }],
      }),
    );
    app.post(this.queryPath, async (c) => {
      const request = this.#subnetRequest(await readJson(c), (f) => f);
      const answer = await this.#ask(request);
      this.#logServed(c.req.path, c.get('keyId'), answer);
      c.header('x-subnetkit-miner-uid', String(answer.uid));
      return c.json(answer.response as Record<string, unknown>);
    });
    if (text) {
      app.post('/v1/completions', (c) => this.#openai(c, 'completion'));
      app.post('/v1/chat/completions', (c) => this.#openai(c, 'chat'));
    }
    return app;
  }

  /** Checks the API key and its rate, and the gateway's load; throws the coded refusal. */
  #admit(c: Context<Vars>): void {
    const keys = this.#o.keys;
    if (keys) {
      const auth = c.req.header('authorization') ?? '';
      const key = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
      const record = key ? keys.verify(key) : undefined;
      if (!record)
        throw new SubnetkitError(
          'SK_GATEWAY_UNAUTHORIZED',
          key ? 'The API key is not known to this gateway.' : 'Send an API key: Authorization: Bearer <key>.',
          {},
        );
      c.set('keyId', record.id);
      const rpm = record.requestsPerMinute;
      let limiter = this.#limiters.get(record.id);
      if (!limiter) {
        limiter = new RateLimiter(this.#o.clock ?? systemClock, { perSecond: rpm / 60, burst: rpm, maxKeys: 1 });
        this.#limiters.set(record.id, limiter);
      }
      if (!limiter.take(record.id)) {
        // the bucket refills a token every 60/rpm seconds: by then the request passes
        const retryAfterS = Math.ceil(60 / rpm);
        throw new SubnetkitError(
          'SK_GATEWAY_RATE_LIMITED',
          `Rate limit of ${rpm} requests per minute reached for key ${record.id}; retry in ${retryAfterS} s.`,
          { retryAfterS, keyId: record.id },
        );
      }
    }
    if (this.#inFlight + this.#streams >= (this.#o.maxInFlight ?? 64))
      throw new SubnetkitError('SK_GATEWAY_OVERLOADED', 'The gateway has too many requests in flight; retry shortly.', {
        retryAfterS: 1,
      });
  }

  /** Parses a subnet request; a bad field is SK_GATEWAY_BAD_REQUEST naming it as the caller knows it. */
  #subnetRequest(body: unknown, paramName: (field: string) => string): Record<string, unknown> {
    const parsed = this.#o.subnet.definition.task.request.safeParse(body);
    if (parsed.success) return parsed.data as Record<string, unknown>;
    const issue = parsed.error.issues[0];
    const param = paramName(issue?.path.join('.') || 'body');
    throw new SubnetkitError('SK_GATEWAY_BAD_REQUEST', `Invalid '${param}': ${issue?.message ?? 'invalid'}.`, {
      param,
    });
  }

  #candidates(metagraph: Parameters<typeof bestMiners>[0]) {
    const best = bestMiners(metagraph, this.#o.topK ?? 5, this.#o.signer.address);
    if (best.length === 0)
      throw new SubnetkitError(
        'SK_GATEWAY_NO_MINER',
        `No miner of subnet '${this.model}' (netuid ${this.#o.netuid}) serves an axon.`,
        { netuid: this.#o.netuid, retryAfterS: this.#o.retryAfterS ?? 5 },
      );
    return pickHedge(best, this.#o.hedge ?? 2, this.#random);
  }

  #spotCheck(): boolean {
    return this.#o.scorer !== undefined && this.#random.next() < (this.#o.spotCheckRate ?? 0.1);
  }

  /** Asks the hedge and returns the first valid answer; spot-checks every answer when drawn. */
  async #ask(request: Record<string, unknown>): Promise<MinerAnswer> {
    const targets = this.#candidates(await this.#sync.current());
    const check = this.#spotCheck();
    const synapse = subnetSynapses(this.#o.subnet.definition).unary;
    const { winner, all } = await hedgedQuery(this.#dendrite, targets, synapse, request, {
      timeoutMs: this.#timeoutMs,
      keepLosers: check,
    });
    if (check) this.#track(all.then((answers) => this.#score(request, answers)));
    else void all.catch(() => undefined);
    if (winner) return winner;
    throw this.#noAnswer((await all).map((a) => a.status));
  }

  #noAnswer(statuses: number[]): SubnetkitError {
    return noAnswerError(statuses, this.#timeoutMs, this.#o.retryAfterS ?? 5);
  }

  #track(p: Promise<void>): void {
    const tracked = p.finally(() => this.#checks.delete(tracked));
    this.#checks.add(tracked);
  }

  async #score(request: Record<string, unknown>, answers: MinerAnswer[]): Promise<void> {
    try {
      const rewards = await this.#o.scorer!.scoreOrganic(request, answers, this.#timeoutMs);
      this.#spotChecks.push({ uids: answers.map((a) => a.uid), rewards });
      if (this.#spotChecks.length > 100) this.#spotChecks.shift();
      this.#o.log.info({ event: 'gateway.spot_check', rewards }, 'spot-check scored');
    } catch (err) {
      this.#o.metrics?.countError(err);
      this.#o.log.warn({ event: 'gateway.spot_check_failed', err }, 'spot-check failed');
    }
  }

  async #openai(c: Context<Vars>, kind: Kind): Promise<Response> {
    const raw = await readJson(c);
    const body = (kind === 'chat' ? chatBody : completionBody).safeParse(raw);
    if (!body.success) {
      const issue = body.error.issues[0];
      const param = issue?.path.join('.') || 'body';
      throw new SubnetkitError('SK_GATEWAY_BAD_REQUEST', `Invalid '${param}': ${issue?.message ?? 'invalid'}.`, {
        param,
      });
    }
    if (body.data.model !== this.model)
      throw new SubnetkitError(
        'SK_GATEWAY_BAD_REQUEST',
        `The model '${body.data.model}' is not served here; this gateway serves '${this.model}'.`,
        { param: 'model' },
      );
    const mapped = kind === 'chat' ? chatRequest(body.data as never) : completionRequest(body.data as never);
    const prompt = kind === 'chat' ? 'messages' : 'prompt';
    const request = this.#subnetRequest(mapped, (f) => OPENAI_PARAM[f] ?? (f === 'minTokens' ? 'max_tokens' : prompt));
    const ident = responseId(kind);
    const streaming = subnetSynapses(this.#o.subnet.definition).streaming;
    if (body.data.stream && streaming) return this.#stream(c, kind, ident, request);
    const answer = await this.#ask(request);
    this.#logServed(c.req.path, c.get('keyId'), answer);
    c.header('x-subnetkit-miner-uid', String(answer.uid));
    return c.json(
      completionResponse(kind, ident, this.model, String((answer.response as { completion: string }).completion)),
    );
  }

  /** Streams the first accepting miner's chunks as OpenAI server-sent events. */
  async #stream(
    c: Context<Vars>,
    kind: Kind,
    ident: { id: string; created: number },
    request: Record<string, unknown>,
  ): Promise<Response> {
    const subnet = this.#o.subnet.definition;
    const targets = this.#candidates(await this.#sync.current());
    const synapse = subnetSynapses(subnet).streaming!;
    const { accepted, statuses } = await hedgedStream(this.#dendrite, targets, synapse, request, {
      timeoutMs: this.#timeoutMs,
    });
    if (!accepted) throw this.#noAnswer(statuses);
    const check = this.#spotCheck();
    const served = { route: c.req.path, keyId: c.get('keyId') };
    c.header('x-subnetkit-miner-uid', String(accepted.target.uid));
    // the handler returns as the stream begins: open streams count toward the in-flight limit until they end
    this.#streams += 1;
    return streamSSE(c, async (sse) => {
      try {
        await this.#relay(sse, kind, ident, request, accepted, check, served);
      } finally {
        this.#streams -= 1;
      }
    });
  }

  /** Relays a miner's chunks as OpenAI stream events; spot-checks the assembled answer when drawn. */
  async #relay(
    sse: SSEStreamingApi,
    kind: Kind,
    ident: { id: string; created: number },
    request: Record<string, unknown>,
    accepted: AcceptedStream,
    check: boolean,
    served: { route: string; keyId: string | undefined },
  ): Promise<void> {
    const subnet = this.#o.subnet.definition;
    sse.onAbort(() => accepted.cancel());
    const send = (data: unknown) => sse.writeSSE({ data: JSON.stringify(data) });
    if (kind === 'chat') await send(streamChunk(kind, ident, this.model, { role: true }));
    const spec = subnet.task.stream!;
    const pieces: unknown[] = [];
    try {
      for await (const chunk of accepted.chunks) {
        const valid = spec.chunk.safeParse(chunk);
        if (!valid.success)
          throw new SubnetkitError('SK_GATEWAY_NO_MINER', 'The miner sent a chunk that fails the schema.', {});
        pieces.push(valid.data);
        await send(streamChunk(kind, ident, this.model, { text: String(valid.data) }));
      }
    } catch (err) {
      accepted.cancel();
      const gatewayError = err instanceof SubnetkitError && err.code.startsWith('SK_GATEWAY');
      const reply = errorReply(gatewayError ? err : this.#noAnswer([503]));
      this.#o.metrics?.countError(err);
      this.#o.log.warn(
        { event: 'gateway.stream_failed', uid: accepted.target.uid, code: reply.body.error.code },
        'stream broke off',
      );
      await send(reply.body);
      return;
    }
    await send(streamChunk(kind, ident, this.model, { finish: true }));
    await sse.writeSSE({ data: '[DONE]' });
    this.#logServed(served.route, served.keyId, { uid: accepted.target.uid, latencyMs: accepted.latencyMs });
    if (!check) return;
    const assembled = subnet.task.response.safeParse(spec.assemble(pieces as never));
    const answer: MinerAnswer = {
      uid: accepted.target.uid,
      hotkey: accepted.target.axon.hotkey,
      ok: assembled.success,
      status: assembled.success ? 200 : 422,
      message: assembled.success ? 'Success' : 'assembled answer fails the schema',
      latencyMs: accepted.latencyMs,
      ...(assembled.success ? { response: assembled.data } : {}),
    };
    this.#track(this.#score(request, [answer]));
  }

  #logServed(route: string, keyId: string | undefined, answer: { uid: number; latencyMs: number }): void {
    this.#o.log.info(
      {
        event: 'gateway.request',
        route,
        key: keyId,
        uid: answer.uid,
        latencyMs: Math.round(answer.latencyMs),
      },
      'request served',
    );
  }

  #fail(c: Context<Vars>, err: unknown): Response {
    const reply = errorReply(err);
    const code = reply.body.error.code;
    this.#o.metrics?.countError(err);
    const retry = err instanceof SubnetkitError ? err.details.retryAfterS : undefined;
    if (typeof retry === 'number') c.header('Retry-After', String(retry));
    const level = reply.status >= 500 ? 'warn' : 'info';
    this.#o.log[level](
      {
        event: 'gateway.refused',
        route: c.req.path,
        key: c.get('keyId'),
        status: reply.status,
        code,
        ...(reply.status === 500 ? { err } : {}),
      },
      reply.body.error.message,
    );
    return c.json(reply.body, reply.status as 400);
  }
}

async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new SubnetkitError('SK_GATEWAY_BAD_REQUEST', 'The body is not JSON.', { param: 'body' });
  }
}
