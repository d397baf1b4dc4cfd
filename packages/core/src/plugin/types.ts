/**
 * The plugin contract: what a subnet package declares. Type-only, so subnet packages can lean on
 * it without pulling runtime code. Types flow from the zod schemas into `miner.handle` and
 * `validator.reward`.
 */

import type { z } from 'zod';
import type { ErrorCatalog } from '../errors/plugin-codes.js';
import type { Logger } from '../log/logger.js';
import type { ModelDeclaration as ModelDeclarationBase, ModelHandles as ModelHandlesBase } from '../models/types.js';
import type { Random } from '../util/random.js';

/** The plugin API version this core implements. */
export type PluginApiVersion = 1;

/** A declared model, as the model runtime defines it (task, hub id, offline fixture, dtype…). */
export type ModelDeclaration = ModelDeclarationBase;

/** The typed handles of a subnet's declared models (`ctx.models.generator(...)`). */
export type ModelHandles<M extends Record<string, ModelDeclaration>> = ModelHandlesBase<M>;

/** Streaming answers: chunks the miner yields and how the validator side assembles them. */
export interface StreamSpec<Chunk extends z.ZodType, Res extends z.ZodType> {
  chunk: Chunk;
  /** Builds the final response from the chunks, in order. */
  assemble(chunks: z.output<Chunk>[]): z.input<Res>;
}

/** Request and response are zod objects: their fields become the synapse's wire fields. */
export interface TaskSpec<Req extends z.ZodObject, Res extends z.ZodObject, Chunk extends z.ZodType = z.ZodType> {
  request: Req;
  response: Res;
  /** How long a validator waits for an answer (default 12 s). */
  timeoutMs?: number;
  stream?: StreamSpec<Chunk, Res>;
}

/** What every plugin function gets from the host. */
export interface BaseContext<Opts, Models extends Record<string, ModelDeclaration>> {
  readonly subnet: string;
  readonly netuid: number;
  /** The latest block the host has seen. */
  readonly block: number;
  readonly options: Opts;
  readonly models: ModelHandles<Models>;
  /** Seeded per call, so runs are reproducible. */
  readonly random: Random;
  readonly log: Logger;
  /** Aborted when the request times out, the client goes away or the host shuts down. */
  readonly signal: AbortSignal;
}

export interface MinerContext<Opts, Models extends Record<string, ModelDeclaration>> extends BaseContext<Opts, Models> {
  /** The validator that asked. */
  readonly caller: { hotkey: string; uid: number | null };
}

export interface ValidatorContext<Opts, Models extends Record<string, ModelDeclaration>>
  extends BaseContext<Opts, Models> {
  /** Monotone step counter of this validator (persisted across restarts). */
  readonly step: number;
  /** The miner the challenge is for, when the host asks per miner (it avoids repeats per miner). */
  readonly target?: { uid: number; hotkey: string };
}

/** Facts about each answer, index-aligned with the responses passed to `reward`. */
export interface AnswerInfo {
  uid: number;
  hotkey: string;
  latencyMs: number;
  timeoutMs: number;
}

export interface RewardContext<Opts, Models extends Record<string, ModelDeclaration>>
  extends BaseContext<Opts, Models> {
  readonly answers: readonly AnswerInfo[];
}

/**
 * A challenge: the request sent to miners and the truth kept by the validator. When the truth is
 * only known later (forecasts), return `deferred` instead: JSON data the host persists and
 * later passes to `validator.resolveTruth` until it yields the truth.
 */
export type Challenge<Req, Truth> =
  | { request: Req; truth: Truth; deferred?: undefined }
  | { request: Req; deferred: unknown; truth?: undefined };

export interface MinerSpec<Req, Res, Chunk, Opts, Models extends Record<string, ModelDeclaration>> {
  /** Answers one request. `req` is already parsed by `task.request`. */
  handle(req: Req, ctx: MinerContext<Opts, Models>): Promise<Res> | Res;
  /** Streams an answer chunk by chunk (requires `task.stream`). */
  stream?(req: Req, ctx: MinerContext<Opts, Models>): AsyncIterable<Chunk>;
}

export interface ValidatorSpec<Req, Res, Truth, Opts, Models extends Record<string, ModelDeclaration>> {
  challenge(ctx: ValidatorContext<Opts, Models>): Promise<Challenge<Req, Truth>> | Challenge<Req, Truth>;
  /** One score in [0, 1] per valid response (invalid, late or failed answers never get here). */
  reward(
    responses: readonly Res[],
    truth: Truth,
    ctx: RewardContext<Opts, Models>,
  ): Promise<readonly number[]> | readonly number[];
  /** For deferred challenges: the truth once it is known, else undefined (asked again later). */
  resolveTruth?(deferred: unknown, ctx: ValidatorContext<Opts, Models>): Promise<Truth | undefined> | Truth | undefined;
  /**
   * The truth for an application's request (organic traffic through the gateway), so `reward` can
   * spot-check miners' answers to it; undefined (or absent) when the subnet cannot tell for this request.
   */
  organicTruth?(request: Req, ctx: ValidatorContext<Opts, Models>): Promise<Truth | undefined> | Truth | undefined;
}

/**
 * Cheating miner behaviours the localnet and `@subnetkit/core/testing` mix in, so authors can
 * check that their reward makes honest miners win. `copycat` (replays another miner's earlier
 * answer) and `slow` (misses the timeout) are generic and provided by the host.
 */
export interface AdversarySpec<Req, Res, Opts, Models extends Record<string, ModelDeclaration>> {
  /** Minimal effort: a constant, empty or trivially derived answer. */
  lazy?(req: Req, ctx: MinerContext<Opts, Models>): Promise<Res> | Res;
  /** Well-formed garbage. */
  random?(req: Req, ctx: MinerContext<Opts, Models>): Promise<Res> | Res;
  /**
   * The cheap answers the reward must not pay for (plain resizing, last-value forecasts, echo…),
   * by name: no model, little compute. The adversary gauntlet runs each as a miner.
   */
  baselines?: Record<string, Baseline<Req, Res, Opts, Models>>;
}

/**
 * A cheap answer function. Declared through a method so it is checked bivariantly, like the other
 * plugin functions: a typed subnet still fits the host's erased `AnySubnet`.
 */
export type Baseline<Req, Res, Opts, Models extends Record<string, ModelDeclaration>> = {
  answer(req: Req, ctx: MinerContext<Opts, Models>): Promise<Res> | Res;
}['answer'];

/** A subnet definition as written by its author. */
export interface SubnetDefinition<
  Req extends z.ZodObject = z.ZodObject,
  Res extends z.ZodObject = z.ZodObject,
  Opts extends z.ZodType = z.ZodType,
  Models extends Record<string, ModelDeclaration> = Record<string, ModelDeclaration>,
  Truth = unknown,
  Chunk extends z.ZodType = z.ZodType,
> {
  apiVersion: PluginApiVersion;
  /** Lowercase slug, unique per host: 'text', 'image-sr'. */
  name: string;
  description?: string;
  /** Bumped when the subnet's protocol changes; sent with weights as the version key. */
  version?: number;
  task: TaskSpec<Req, Res, Chunk>;
  options?: Opts;
  models?: Models;
  miner: MinerSpec<z.output<Req>, z.input<Res>, z.input<Chunk>, z.output<Opts>, Models>;
  validator: ValidatorSpec<z.input<Req>, z.output<Res>, Truth, z.output<Opts>, Models>;
  adversaries?: AdversarySpec<z.output<Req>, z.input<Res>, z.output<Opts>, Models>;
  /** How validators turn moving-average scores into weights. */
  weights?: WeightSpec;
  /** The subnet's own error codes (`defineErrorCodes`), beside core's catalog. */
  errors?: ErrorCatalog;
}

/** Weight setting of a subnet's validators. */
export interface WeightSpec {
  /**
   * Sharpening exponent applied to the moving-average scores before normalising (default 1:
   * linear). Above 1 a small quality edge becomes a large incentive edge.
   */
  power?: number;
}

/** Any subnet definition, as the host handles it once loaded (types erased). */
export type AnySubnet = SubnetDefinition<
  z.ZodObject,
  z.ZodObject,
  z.ZodType,
  Record<string, ModelDeclaration>,
  // biome-ignore lint/suspicious/noExplicitAny: the host handles every subnet's truth type uniformly
  any,
  z.ZodType
>;

/** Request, response and truth types of a subnet, for tests and application code. */
export type RequestOf<S> = S extends SubnetDefinition<infer Req> ? z.input<Req> : never;
export type ResponseOf<S> = S extends SubnetDefinition<z.ZodObject, infer Res> ? z.output<Res> : never;
