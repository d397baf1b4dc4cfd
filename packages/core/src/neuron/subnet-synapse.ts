import type { AnySubnet } from '../plugin/types.js';
import { defineSynapse, type Synapse, synapseNameFor } from '../protocol/synapse.js';

/** The synapses a subnet serves on the wire. */
export interface SubnetSynapses {
  /** Request → one response: `text` → `TextSynapse`. Validators use this one. */
  unary: Synapse;
  /** Request → streamed chunks (`TextStreamingSynapse`), when the task declares `stream`. */
  streaming?: Synapse;
}

/** Derives the wire synapses of a subnet from its task schemas. */
export function subnetSynapses(subnet: AnySubnet): SubnetSynapses {
  const timeoutMs = subnet.task.timeoutMs ?? 12_000;
  const base = { request: subnet.task.request, response: subnet.task.response, timeoutMs };
  const unary = defineSynapse({ name: synapseNameFor(subnet.name), ...base });
  if (!subnet.task.stream) return { unary };
  const streaming = defineSynapse({
    name: synapseNameFor(`${subnet.name}-streaming`),
    ...base,
    streaming: { format: 'ndjson' },
  });
  return { unary, streaming };
}
