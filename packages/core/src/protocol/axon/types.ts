/**
 * Types shared by the axon's middleware and `createAxon`: the hono environment each middleware
 * runs in, the per-request state they hand on, and the public hook types.
 */
import type { HttpBindings } from '@hono/node-server';
import type { z } from 'zod';
import type { ParsedHeaders, TerminalInfo } from '../headers.js';
import type { Synapse, SynapseRequest } from '../synapse.js';

/** What the metagraph knows about a hotkey. */
export interface NeuronInfo {
  readonly registered: boolean;
  readonly stake: bigint;
}
/** Metagraph lookup by hotkey; `undefined` when unknown. */
export type NeuronLookup = (hotkey: string) => NeuronInfo | undefined;

/** The verified caller of a request. */
export interface CallerInfo {
  readonly hotkey: string;
  readonly synapse: string;
  readonly ip: string;
}
/** A blacklist hook's typed answer. */
export interface BlacklistDecision {
  readonly blocked: boolean;
  readonly reason?: string;
}
/** Custom blacklist: runs after signature verification. A throw counts as blocked. */
export type BlacklistFn = (caller: CallerInfo) => BlacklistDecision | Promise<BlacklistDecision>;
/** Priority of a verified caller: higher runs first when the axon is busy. A throw counts as 0. */
export type PriorityFn = (caller: CallerInfo) => number | Promise<number>;

/** What a forward handler gets besides the request. */
export interface HandlerContext {
  readonly callerHotkey: string;
  /** Aborts on the server-side deadline, when the client goes away, or on forced shutdown. */
  readonly signal: AbortSignal;
  readonly synapse: string;
  /** Deadline, in the axon clock's milliseconds. */
  readonly deadline: number;
}

/** Forward handler: a response object, or (streaming synapses) an async iterable of chunks. */
export type AxonHandler<S extends Synapse> = (
  request: SynapseRequest<S>,
  ctx: HandlerContext,
) => S extends Synapse<z.ZodObject, infer Res>
  ? Promise<z.input<Res>> | z.input<Res> | AsyncIterable<string | Uint8Array | object>
  : never;

/** An attached synapse and its handler. */
export interface AxonRoute {
  readonly synapse: Synapse;
  readonly handler: (request: unknown, ctx: HandlerContext) => unknown;
}

/** One request as the pipeline sees it: from a node socket, or from `app.request()`. */
export interface AxonRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly peerIp: string;
  readonly peerPort: number | null;
  readBody(limit: number): Promise<Buffer>;
  /**
   * The whole body, consumed, when it has already arrived and fits `limit`; otherwise `undefined`
   * and nothing is consumed (then {@link readBody} reads it). Optional: a source without it is read.
   */
  bodyIfComplete?(limit: number): Buffer | undefined;
  /** Calls `fn` when the client goes away before the response is done; returns the unsubscribe. */
  onClientGone(fn: () => void): () => void;
}

/**
 * Per-request state the middleware fill in, in pipeline order. Later stages read what earlier
 * ones wrote; the error reply reads whatever is there when a stage rejects.
 */
export interface AxonState {
  readonly req: AxonRequest;
  /** In the axon clock's milliseconds. */
  readonly startMs: number;
  /** Route name from the path (may be unknown). */
  readonly name: string;
  route?: AxonRoute;
  /**
   * Aborts the handler: deadline, client gone, forced shutdown. Made on first use (most requests
   * never abort and their handler never reads its signal).
   */
  readonly abort: AbortController;
  /** Whether the request was aborted (without making the controller). */
  readonly aborted: boolean;
  /** `p`, or the abort reason once the request aborts first. */
  race<T>(p: Promise<T>): Promise<T>;
  parsed?: ParsedHeaders;
  dendrite: TerminalInfo;
  axonInfo: TerminalInfo;
  timeoutS: number | null;
  /** Server-side deadline budget: the caller's timeout capped by the axon's `maxTimeoutMs`. */
  timeoutMs: number;
  deadline: number;
  /** Set once the signature verified. */
  hotkey?: string;
  caller?: CallerInfo;
  bodyHash: string;
  /**
   * A lean session-mode request (session headers and the request's JSON only): its stages, its
   * 200 reply (the answer's JSON) and its error replies (no bt headers) are the lean ones.
   */
  lean?: boolean;
  /** A lean request's raw body, read (and MAC-checked) before the body is parsed. */
  raw?: Buffer;
  /** The raw JSON body object and the schema-validated request. */
  body?: Record<string, unknown>;
  request?: Record<string, unknown>;
  /** Streaming replies finish after the middleware chain returns. */
  streaming: boolean;
  /** Registered by stages holding resources (queue slot, timers); run once when the reply is done. */
  readonly cleanups: (() => void)[];
  /** What the axon's tracker returned when the route began the request (given back at the end). */
  tracked?: unknown;
  /** Status of the reply once written, and the stage that rejected (if any). */
  status?: number;
  stage?: string;
  /** Ends the request: runs the cleanups and reports to the observer (idempotent). */
  finish(): void;
}

/** The hono environment of the axon's middleware. */
export interface AxonEnv {
  Bindings: HttpBindings;
  Variables: { axon: AxonState };
}

/** Observer of every request: timing and outcome, e.g. for Prometheus metrics. */
export interface AxonObserver {
  /** A request arrived (route known or not). */
  onRequest?(info: { readonly synapse: string; readonly peerIp: string }): void;
  /**
   * The reply is done (a stream: when it ends). `stage` names the middleware that rejected
   * (`route`, `headers`, `verify`, `blacklist`, `rate-limit`, `priority`, `body`, `forward`);
   * absent on 200.
   */
  onResponse?(info: {
    readonly synapse: string;
    readonly status: number;
    readonly durationMs: number;
    readonly hotkey?: string;
    readonly stage?: string;
  }): void;
}
