import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { Codec, ISubmittableResult } from '@polkadot/types/types';
import type { Signer } from '../../util/signer.js';
import type { ChainCall, ChainEvent, ExtrinsicResult } from '../types.js';
import { buildCall, type DecoratedCalls, wrapInSudo } from './call-builder.js';
import type { SubtensorConnection } from './connection.js';
import type { Json } from './decode.js';
import {
  chainErrorToSubnetkit,
  type DispatchErrorLike,
  nameDispatchError,
  namePoolRejection,
} from './dispatch-error.js';
import type { EventRecordLike } from './events.js';
import { toPolkadotSigner } from './signer-adapter.js';

/** What submitting needs from the rest of the backend. */
export interface SubmitDeps {
  read(pallet: string, item: string, ...args: unknown[]): Promise<Json | undefined>;
  toChainEvents(records: Iterable<EventRecordLike>): ChainEvent[];
}

/** The inner call's error of a `Sudo.sudo` extrinsic (its `Sudid` event), or undefined when it succeeded. */
function sudoError(result: ISubmittableResult): Codec | undefined {
  for (const { event } of result.events) {
    if (event.section !== 'sudo' || event.method !== 'Sudid') continue;
    const outcome = event.data[0] as Codec & { isErr?: boolean; asErr?: Codec };
    return outcome.isErr ? outcome.asErr : undefined;
  }
  return undefined;
}

/**
 * Signs and sends one call and resolves once it is in a block (its events, or the dispatch error
 * as a coded SubnetkitError). The sudo key's AdminUtils calls go through `Sudo.sudo`, as root-only
 * setters need. Inclusion may take several blocks: the limit is 4× the query timeout.
 */
export async function submitCall(
  connection: SubtensorConnection,
  signer: Signer,
  chainCall: ChainCall,
  { read, toChainEvents }: SubmitDeps,
): Promise<ExtrinsicResult> {
  const { api, call, timeoutMs } = connection;
  const name = `${chainCall.pallet}.${chainCall.method}`;
  const decorated = api.tx as unknown as DecoratedCalls;
  // api.tx functions return submittables, so the built call can be signed directly.
  let tx = buildCall(decorated, chainCall) as unknown as SubmittableExtrinsic<'promise'>;
  // the sudo key sets hyperparameters as root: root-only setters refuse its plain signature
  const viaSudo =
    chainCall.pallet === 'AdminUtils' && (await call('Sudo.Key', () => read('Sudo', 'Key'))) === signer.address;
  if (viaSudo) tx = (wrapInSudo(decorated, tx) ?? tx) as unknown as SubmittableExtrinsic<'promise'>;
  const polkadotSigner = toPolkadotSigner(signer, api.registry);
  const included = call(
    name,
    () =>
      new Promise<ExtrinsicResult>((resolve, reject) => {
        let unsub: (() => void) | undefined;
        let settled = false;
        const settle = (fn: () => void): void => {
          if (settled) return;
          settled = true;
          unsub?.();
          fn();
        };
        const onStatus = (result: ISubmittableResult): void => {
          const { status } = result;
          if (status.isInBlock || status.isFinalized) {
            const blockHash = (status.isInBlock ? status.asInBlock : status.asFinalized).toHex();
            const events = toChainEvents(result.events as unknown as EventRecordLike[]);
            const dispatchError = result.dispatchError ?? (viaSudo ? sudoError(result) : undefined);
            if (dispatchError) {
              const err = nameDispatchError(api.registry, dispatchError as unknown as DispatchErrorLike);
              settle(() => reject(chainErrorToSubnetkit(err, name, { blockHash })));
              return;
            }
            const known = (result as { blockNumber?: { toNumber(): number } }).blockNumber;
            if (known) {
              settle(() => resolve({ blockNumber: known.toNumber(), blockHash, events }));
              return;
            }
            api.rpc.chain
              .getHeader(blockHash)
              .then((h) => settle(() => resolve({ blockNumber: h.number.toNumber(), blockHash, events })))
              .catch((e: unknown) => settle(() => reject(e)));
          } else if (status.isDropped || status.isInvalid || status.isUsurped) {
            settle(() =>
              reject(chainErrorToSubnetkit({ pallet: 'System', name: status.type }, name, { status: status.type })),
            );
          }
        };
        tx.signAndSend(signer.address, { signer: polkadotSigner, nonce: -1 }, onStatus)
          .then((u) => {
            unsub = u;
            if (settled) u();
          })
          .catch((err: unknown) => {
            const message = (err as Error)?.message ?? String(err);
            const pool = namePoolRejection(message);
            settle(() => reject(pool ? chainErrorToSubnetkit(pool, name, { rpcError: message }) : err));
          });
      }),
    timeoutMs * 4,
  );
  return included;
}
