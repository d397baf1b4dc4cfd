import type { ApiPromise } from '@polkadot/api';
import type { Codec } from '@polkadot/types/types';
import { eventFieldNames } from '../codec/event-fields.js';
import type { ChainEvent } from '../types.js';

/**
 * An event field as the local chain reports it: integers wider than 32 bits as bigint, narrower
 * ones as numbers, vectors element-wise, everything else (accounts, hashes, structs) as JSON.
 */
export function codecValue(codec: Codec): unknown {
  const c = codec as Codec & { bitLength?: () => number; toBigInt?: () => bigint; unwrap?: () => Codec };
  if (typeof c.toBigInt === 'function' && typeof c.bitLength === 'function') {
    return c.bitLength() > 32 ? c.toBigInt() : Number(c.toBigInt());
  }
  if (c.constructor?.name === 'Compact' && typeof c.unwrap === 'function') return codecValue(c.unwrap());
  if (Array.isArray(codec)) return (codec as unknown as Codec[]).map(codecValue);
  return codec.toJSON();
}

/** The shape of a `frame_system::EventRecord` this module reads. */
export type EventRecordLike = {
  phase: { isApplyExtrinsic: boolean; asApplyExtrinsic: { toNumber(): number } };
  event: { index: Codec; method: string; data: Codec[] & { names?: (string | null)[] | null } };
};

/**
 * Event records → `ChainEvent`s named as every backend names them: pallet by index from the
 * node's metadata, tuple fields by the codec's field names (chain/codec/event-fields.ts).
 */
export function chainEvents(api: ApiPromise): (records: Iterable<EventRecordLike>) => ChainEvent[] {
  const palletName = (index: number): string => {
    const pallet = api.runtimeMetadata.asLatest.pallets.find((p) => p.index.toNumber() === index);
    return pallet ? pallet.name.toString() : `Pallet${index}`;
  };

  return (records: Iterable<EventRecordLike>): ChainEvent[] =>
    [...records].map(({ phase, event }) => {
      const pallet = palletName(event.index.toU8a()[0] ?? 0);
      const names = eventFieldNames(pallet, event.method, event.data.names ?? event.data.map(() => null));
      const data: Record<string, unknown> = {};
      event.data.forEach((value, i) => {
        data[names[i] as string] = codecValue(value);
      });
      return {
        pallet,
        name: event.method,
        data,
        extrinsicIndex: phase.isApplyExtrinsic ? phase.asApplyExtrinsic.toNumber() : null,
      };
    });
}
