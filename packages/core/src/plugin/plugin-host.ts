import { SubnetkitError } from '../errors/subnetkit-error.js';
import { type LoadedSubnet, loadSubnet, type SubnetSpec } from './load-subnet.js';

/** The set of subnets one process hosts, by unique name. */
export class PluginHost {
  readonly #subnets = new Map<string, LoadedSubnet>();

  /** Adds a loaded subnet; a second subnet with the same name, or one reusing another's error code, is refused. */
  add(loaded: LoadedSubnet): void {
    const name = loaded.definition.name;
    const existing = this.#subnets.get(name);
    if (existing) {
      throw new SubnetkitError(
        'SK_PLUGIN_DUPLICATE_NAME',
        `Two subnets are named '${name}' (${existing.source} and ${loaded.source}); subnet names must be unique in one host.`,
        { subnet: name, first: existing.source, second: loaded.source },
      );
    }
    // one code, one meaning: callers branch on it without knowing which subnet threw
    for (const code of Object.keys(loaded.definition.errors?.codes ?? {})) {
      const owner = [...this.#subnets.values()].find((s) => Object.hasOwn(s.definition.errors?.codes ?? {}, code));
      if (owner) {
        throw new SubnetkitError(
          'SK_PLUGIN_INVALID',
          `Subnets '${owner.definition.name}' and '${name}' both declare error code ${code}; a code must belong to one subnet.`,
          { code, first: owner.definition.name, second: name },
        );
      }
    }
    this.#subnets.set(name, loaded);
  }

  /** Loads every spec (in order) and adds it; nothing is added if any fails. */
  async loadAll(specs: readonly SubnetSpec[], cwd: string): Promise<LoadedSubnet[]> {
    const loaded: LoadedSubnet[] = [];
    for (const spec of specs) loaded.push(await loadSubnet(spec, { cwd }));
    const staged = new PluginHost();
    for (const l of [...this.#subnets.values(), ...loaded]) staged.add(l);
    for (const l of loaded) this.#subnets.set(l.definition.name, l);
    return loaded;
  }

  get(name: string): LoadedSubnet {
    const loaded = this.#subnets.get(name);
    if (!loaded) {
      throw new SubnetkitError(
        'SK_PLUGIN_NOT_FOUND',
        `No subnet named '${name}' is loaded (loaded: ${[...this.#subnets.keys()].join(', ') || 'none'}).`,
        { subnet: name },
      );
    }
    return loaded;
  }

  list(): LoadedSubnet[] {
    return [...this.#subnets.values()];
  }
}
