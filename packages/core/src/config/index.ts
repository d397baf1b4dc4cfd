export { ENV_OVERRIDES, type LoadConfigOptions, type LoadedConfig, loadConfig } from './load-config.js';
export {
  configSchema,
  defineConfig,
  durationSchema,
  REFERENCE_SUBNETS,
  type SubnetkitConfig,
  type SubnetkitConfigInput,
} from './schema.js';
