/** Test helper: builds SDK-format signed requests by hand, so tests can tamper with any part. */
import type { Signer } from '../util/signer.js';
import { buildSynapseHeaders, synapseBody } from './headers.js';
import { stringifyJsonBig } from './json-bigint.js';
import { SDK_VERSION_INT, signatureMessage, signText } from './signing.js';
import { type Synapse, synapseBodyHash } from './synapse.js';

export interface SignedRequestInput {
  signer: Signer;
  axonHotkey: string;
  synapse: Synapse;
  values: Record<string, unknown>;
  nonce?: bigint;
  uuid?: string;
  timeoutS?: number;
}

let counter = 0n;

/** Nanosecond nonce from the wall clock, strictly increasing within the process. */
export function freshNonce(): bigint {
  counter += 1n;
  return BigInt(Date.now()) * 1_000_000n + (counter % 1_000_000n);
}

export function signedRequest(i: SignedRequestInput): { headers: Record<string, string>; body: string; nonce: bigint } {
  const nonce = i.nonce ?? freshNonce();
  const uuid = i.uuid ?? '9e1a4c6e-2a51-11ef-8f5c-0242ac120002';
  const timeoutS = i.timeoutS ?? 12;
  const bodyHash = synapseBodyHash(i.synapse, i.values);
  const signature = signText(
    i.signer,
    signatureMessage({ nonce, dendriteHotkey: i.signer.address, axonHotkey: i.axonHotkey, uuid, bodyHash }),
  );
  const dendrite = { ip: '127.0.0.1', version: SDK_VERSION_INT, nonce, uuid, hotkey: i.signer.address, signature };
  const axon = { ip: '127.0.0.1', port: 0, hotkey: i.axonHotkey };
  const headers = buildSynapseHeaders({
    name: i.synapse.name,
    timeoutS,
    axon,
    dendrite,
    inputObjHeaders: i.synapse.inputObjHeaders,
    bodyHash,
  });
  headers['content-type'] = 'application/json';
  const body = synapseBody(i.synapse.name, timeoutS, dendrite, axon, i.values);
  return { headers, body: stringifyJsonBig(body), nonce };
}
