import type { z } from 'zod';
import { CORE_IDENTITY, DEFINED_BY } from './core-identity.js';
import type { ModelDeclaration, SubnetDefinition } from './types.js';

/**
 * Declares a subnet. An identity function that exists for type inference: request, response,
 * options and truth types flow from the schemas into `miner.handle` and `validator.reward`.
 * It also marks the definition with this copy of core, so the host can detect a second copy.
 *
 * @example
 * export default defineSubnet({
 *   apiVersion: 1,
 *   name: 'echo',
 *   task: { request: z.object({ text: z.string() }), response: z.object({ text: z.string() }) },
 *   miner: { handle: (req) => ({ text: req.text }) },
 *   validator: {
 *     challenge: (ctx) => ({ request: { text: String(ctx.random.int(0, 9)) }, truth: 'x' }),
 *     reward: (responses, truth) => responses.map((r) => (r.text === truth ? 1 : 0)),
 *   },
 * });
 */
export function defineSubnet<
  Req extends z.ZodObject,
  Res extends z.ZodObject,
  Truth,
  Opts extends z.ZodType = z.ZodObject<{}>,
  Models extends Record<string, ModelDeclaration> = {},
  Chunk extends z.ZodType = z.ZodType,
>(
  definition: SubnetDefinition<Req, Res, Opts, Models, Truth, Chunk>,
): SubnetDefinition<Req, Res, Opts, Models, Truth, Chunk> {
  Object.defineProperty(definition, DEFINED_BY, { value: CORE_IDENTITY, enumerable: false });
  return definition;
}
