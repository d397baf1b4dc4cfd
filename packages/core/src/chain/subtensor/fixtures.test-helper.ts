import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Metadata, TypeRegistry } from '@polkadot/types';
import { expandMetadata } from '@polkadot/types/metadata';

/** The real metadata blobs in ./fixtures (see its README). Test-only. */
export const FIXTURE_SPECS = ['spec219-mainnet-v14', 'spec233-testnet-v14', 'spec343-v15'] as const;
export type FixtureSpec = (typeof FIXTURE_SPECS)[number];

export function loadFixtureBytes(name: string): Uint8Array {
  return new Uint8Array(gunzipSync(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))));
}

const SIGNED_EXTENSIONS = [
  'SubtensorSignedExtension',
  'CommitmentsSignedExtension',
  'SubtensorTransactionExtension',
  'DrandPriority',
];

/** A registry decorated with one fixture's metadata, plus the expanded tx/query/errors. */
export function loadFixtureMetadata(spec: FixtureSpec) {
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, loadFixtureBytes(`${spec}.scale.gz`));
  const userExtensions = Object.fromEntries(SIGNED_EXTENSIONS.map((n) => [n, { extrinsic: {}, payload: {} }]));
  registry.setMetadata(metadata, undefined, userExtensions, true);
  return { registry, metadata, decorated: expandMetadata(registry, metadata) };
}

/** Recorded `state_call` results of the spec-343 node: method → [{ params, result }]. */
export function loadRecordedRuntimeCalls(): Record<string, Array<{ params: string; result: string }>> {
  const text = gunzipSync(
    readFileSync(new URL('./fixtures/spec343-runtime-api-results.json.gz', import.meta.url)),
  ).toString('utf8');
  return (JSON.parse(text) as { calls: Record<string, Array<{ params: string; result: string }>> }).calls;
}
