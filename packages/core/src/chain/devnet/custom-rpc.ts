import { u8aConcat, u8aToHex } from '@polkadot/util';
import type { DevnetRuntime } from './runtime.js';
import type { StateView } from './state-view.js';

/**
 * subtensor's custom JSON-RPC methods (node `custom-rpc`): the same data as the runtime APIs, the
 * result as SCALE bytes in a JSON array (`Vec<u8>`), or as a number for the plain u64 ones. Only
 * those whose runtime API the devnet serves are listed.
 */
const CUSTOM_RPC: Record<string, { api: string; bytes: boolean }> = {
  neuronInfo_getNeuronsLite: { api: 'NeuronInfoRuntimeApi_get_neurons_lite', bytes: true },
  subnetInfo_getSubnetState: { api: 'SubnetInfoRuntimeApi_get_subnet_state', bytes: true },
  subnetInfo_getSubnetHyperparams: { api: 'SubnetInfoRuntimeApi_get_subnet_hyperparams', bytes: true },
  subnetInfo_getSubnetHyperparamsV2: { api: 'SubnetInfoRuntimeApi_get_subnet_hyperparams_v2', bytes: true },
  subnetInfo_getDynamicInfo: { api: 'SubnetInfoRuntimeApi_get_dynamic_info', bytes: true },
  subnetInfo_getAllDynamicInfo: { api: 'SubnetInfoRuntimeApi_get_all_dynamic_info', bytes: true },
  subnetInfo_getMetagraph: { api: 'SubnetInfoRuntimeApi_get_metagraph', bytes: true },
  subnetInfo_getAllMetagraphs: { api: 'SubnetInfoRuntimeApi_get_all_metagraphs', bytes: true },
  subnetInfo_getLockCost: { api: 'SubnetRegistrationRuntimeApi_get_network_registration_cost', bytes: false },
  stakeInfo_getStakeInfoForColdkey: { api: 'StakeInfoRuntimeApi_get_stake_info_for_coldkey', bytes: true },
  swap_currentAlphaPrice: { api: 'SwapRuntimeApi_current_alpha_price', bytes: false },
};

export class CustomRpcParamsError extends Error {}

/** Handlers for the custom methods: positional params are the runtime API's inputs (an optional block hash may follow). */
export function customRpcHandlers(
  rt: DevnetRuntime,
  viewAt: (at: unknown) => StateView,
): Record<string, (params: unknown[]) => Promise<unknown>> {
  const out: Record<string, (params: unknown[]) => Promise<unknown>> = {};
  for (const [name, { api, bytes }] of Object.entries(CUSTOM_RPC)) {
    const def = rt.apiMethod(api);
    if (!def) continue;
    out[name] = async (params) => {
      let input: Uint8Array;
      try {
        input = u8aConcat(
          ...def.inputs.map((type, i) => {
            const p = params[i];
            // account arguments come as the key's bytes (`Vec<u8>`), as the node takes them
            const value = Array.isArray(p) ? Uint8Array.from(p as number[]) : p;
            if (value === undefined || value === null) throw new Error('missing');
            return rt.registry.createType(type, value).toU8a();
          }),
        );
      } catch {
        throw new CustomRpcParamsError(`Invalid params: ${name} takes ${def.inputs.length} argument(s)`);
      }
      // the optional block hash after the inputs: that block's state, as the node reads it
      const result = await viewAt(params[def.inputs.length] ?? null).call(api, u8aToHex(input));
      if (!result) return null;
      return bytes ? Array.from(result) : rt.registry.createType(def.output, result).toJSON();
    };
  }
  return out;
}
