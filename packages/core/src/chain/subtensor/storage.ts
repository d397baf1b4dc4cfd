import type { ApiPromise } from '@polkadot/api';
import type { Codec } from '@polkadot/types/types';
import { stringCamelCase } from '@polkadot/util';
import type { Json } from './decode.js';

export type StorageFn = ((...args: unknown[]) => Promise<Codec>) & {
  entries: (...args: unknown[]) => Promise<Array<[{ args: Codec[] }, Codec]>>;
  at: (hash: string, ...args: unknown[]) => Promise<Codec>;
  creator: unknown;
};
export type RuntimeFn = (...args: unknown[]) => Promise<Codec>;

/** Storage items and runtime APIs looked up by name in the node's own metadata (absent: undefined). */
export interface StorageReader {
  storage(pallet: string, item: string): StorageFn | undefined;
  /** One storage value as JSON, or undefined when the runtime has no such item. */
  read(pallet: string, item: string, ...args: unknown[]): Promise<Json | undefined>;
  /** Several storage reads in one `state_queryStorageAt` round trip; absent items read as undefined. */
  readMany(reads: ReadonlyArray<readonly [string, string, ...unknown[]]>): Promise<Array<Json | undefined>>;
  /**
   * A plain storage value at a block, decoded with the current metadata, or undefined when the
   * runtime has no such item. For new heads: `fn.at(hash)` builds a whole decorated API per block
   * hash (~20 ms of CPU each in @polkadot/api 16), this one RPC read ~0.2 ms.
   */
  readAt(pallet: string, item: string, hash: string): Promise<Codec | undefined>;
  /** A runtime API call, or undefined when the metadata lacks it or runtime APIs are off. */
  runtime(apiName: string, method: string): RuntimeFn | undefined;
}

/** The backend's queries go through this: names in, JSON out, so any runtime 219 … 425 fits. */
export function storageReader(api: ApiPromise, runtimeApis: boolean): StorageReader {
  const storage = (pallet: string, item: string): StorageFn | undefined => {
    const section = (api.query as unknown as Record<string, Record<string, StorageFn> | undefined>)[
      stringCamelCase(pallet)
    ];
    return section?.[stringCamelCase(item)];
  };
  const read = async (pallet: string, item: string, ...args: unknown[]): Promise<Json | undefined> => {
    const fn = storage(pallet, item);
    if (!fn) return undefined;
    return (await fn(...args)).toJSON() as Json;
  };
  const readMany = async (
    reads: ReadonlyArray<readonly [string, string, ...unknown[]]>,
  ): Promise<Array<Json | undefined>> => {
    const present = reads.map(([pallet, item, ...args]) => ({ fn: storage(pallet, item), args }));
    const query = present
      .filter((p) => p.fn !== undefined)
      .map((p) => (p.args.length === 1 ? [p.fn, p.args[0]] : [p.fn, p.args]));
    const values = query.length > 0 ? await api.queryMulti(query as never) : [];
    let i = 0;
    return present.map((p) => (p.fn ? ((values[i++] as Codec).toJSON() as Json) : undefined));
  };
  const runtime = (apiName: string, method: string): RuntimeFn | undefined => {
    if (!runtimeApis) return undefined;
    const section = (api.call as unknown as Record<string, Record<string, RuntimeFn> | undefined>)[
      stringCamelCase(apiName)
    ];
    return section?.[stringCamelCase(method)];
  };
  const readAt = async (pallet: string, item: string, hash: string): Promise<Codec | undefined> => {
    const fn = storage(pallet, item);
    if (!fn) return undefined;
    return (await api.rpc.state.getStorage([fn.creator] as never, hash)) as Codec;
  };
  return { storage, read, readMany, readAt, runtime };
}
