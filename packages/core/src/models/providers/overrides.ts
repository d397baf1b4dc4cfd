import { SubnetkitError } from '../../errors/subnetkit-error.js';
import type { ModelDeclaration, ModelDeclarations } from '../types.js';

/** An operator's redirect of one declared model to an inference server (config `models.overrides.<name>`). */
export interface ModelOverride {
  provider: 'openai-compatible';
  baseURL: string;
  /** The server's name for the model. */
  model: string;
  apiKeyEnv?: string;
  timeoutMs?: number;
}

/**
 * A subnet's declarations with the operator's overrides applied, by the name the plugin uses
 * (`ctx.models.<name>`): the plugin is unchanged, the override keeps its task, batching and limits.
 * An override naming a model the subnet does not declare is SK_CONFIG_INVALID (a typo would
 * otherwise silently keep the local model).
 */
export function applyModelOverrides(
  declarations: ModelDeclarations,
  overrides: Readonly<Record<string, ModelOverride>> | undefined,
): ModelDeclarations {
  if (!overrides || Object.keys(overrides).length === 0) return declarations;
  const out: Record<string, ModelDeclaration> = { ...declarations };
  for (const [name, o] of Object.entries(overrides)) {
    const base = declarations[name];
    if (!base) {
      throw new SubnetkitError(
        'SK_CONFIG_INVALID',
        `models.overrides.${name}: the subnet declares no model '${name}' (it declares ${Object.keys(declarations).join(', ') || 'none'}).`,
        { key: `models.overrides.${name}` },
      );
    }
    // fixture/path/dtype/device describe local weights and mean nothing to a server
    const { fixture: _f, path: _p, dtype: _d, device: _v, revision: _r, modelFileName: _m, ...kept } = base;
    out[name] = { ...kept, ...o };
  }
  return out;
}
