import { z } from 'zod';

/** '250ms', '12s', '1m' or a number of milliseconds. */
export const durationSchema = z.union(
  [
    z.number().int().positive(),
    z
      .string()
      .regex(/^\d+(\.\d+)?\s*(ms|s|m)$/, "expected a duration like '250ms', '12s' or '1m'")
      .transform((s) => {
        const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(s)!;
        const scale = { ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms' | 's' | 'm'];
        return Math.round(Number(m[1]) * scale);
      }),
  ],
  { error: "expected a duration like '250ms', '12s', '1m' or a number of milliseconds" },
);

const subnetEntry = z.union([
  z.string().min(1),
  z.tuple([z.string().min(1), z.unknown()]),
  // an imported definition (JS/TS config files); checked by the plugin loader
  z.custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected a subnet definition'),
]);

/** The reference subnets `npm start` runs. */
export const REFERENCE_SUBNETS = ['@subnetkit/subnet-text', '@subnetkit/subnet-image', '@subnetkit/subnet-predict'];

/** The project configuration (subnetkit.config.*, package.json#subnetkit), with defaults. */
export const configSchema = z
  .object({
    subnets: z.array(subnetEntry).default(REFERENCE_SUBNETS),
    /** 'local' (embedded chain), 'finney', 'test' or a ws:// endpoint. */
    network: z.string().min(1).default('local'),
    chain: z
      .object({
        dataDir: z.string().min(1).default('.subnetkit/chain'),
        blockTime: durationSchema.default(12_000),
        tempo: z.number().int().min(2).max(65535).optional(),
      })
      .strict()
      .prefault({}),
    wallet: z
      .object({
        path: z.string().min(1).optional(),
        name: z.string().min(1).default('default'),
        hotkey: z.string().min(1).default('default'),
      })
      .strict()
      .prefault({}),
    models: z
      .object({
        dir: z.string().min(1).optional(),
        allowRemote: z.boolean().default(false),
        device: z.enum(['cpu', 'webgpu', 'auto']).default('cpu'),
        useFixtures: z.boolean().default(true),
        /**
         * Per declared model name: serve it from an OpenAI-compatible inference server instead of
         * loading it (a miner's choice; the subnet package is unchanged).
         */
        overrides: z
          .record(
            z.string().min(1),
            z
              .object({
                provider: z.literal('openai-compatible'),
                baseURL: z.url({ protocol: /^https?$/ }),
                model: z.string().min(1),
                apiKeyEnv: z
                  .string()
                  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
                  .optional(),
                timeoutMs: z.number().int().positive().optional(),
              })
              .strict(),
          )
          .default({}),
      })
      .strict()
      .prefault({}),
    axon: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8091),
        maxBodyBytes: z
          .number()
          .int()
          .positive()
          .default(4 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .prefault({}),
    /**
     * Seed of every neuron's random source (challenges, sampling). Absent (the default), the
     * process draws a fresh secret from the OS, so no miner can replay a validator's challenges;
     * set it only for reproducible tests and local runs.
     */
    seed: z.union([z.string(), z.number()]).optional(),
  })
  .strict();

export type SubnetkitConfig = z.output<typeof configSchema>;
export type SubnetkitConfigInput = z.input<typeof configSchema>;

/**
 * Typed identity helper for `subnetkit.config.ts`.
 *
 * @example
 * export default defineConfig({ subnets: ['@subnetkit/subnet-text'], chain: { blockTime: '250ms' } });
 */
export function defineConfig(config: SubnetkitConfigInput): SubnetkitConfigInput {
  return config;
}
