import type { Registry } from '@polkadot/types/types';
import type { ErrorCode } from '../../errors/codes.js';
import { SubnetkitError } from '../../errors/subnetkit-error.js';

/** A chain failure by name: `pallet` is the pallet (or "System" for non-module dispatch errors). */
export interface ChainErrorName {
  pallet: string;
  name: string;
}

/**
 * Subtensor's transaction-extension rejections, `InvalidTransaction::Custom(code)` → error name
 * (spec 343/425, `subtensor-api.md` §8.1). They arrive before inclusion, as RPC errors.
 */
export const CUSTOM_VALIDITY_ERRORS: Readonly<Record<number, string>> = {
  0: 'ColdkeyInSwapSchedule',
  1: 'StakeAmountTooLow',
  2: 'BalanceTooLow',
  3: 'SubnetNotExists',
  4: 'HotkeyAccountDoesntExist',
  5: 'NotEnoughStakeToWithdraw',
  6: 'RateLimitExceeded',
  7: 'InsufficientLiquidity',
  8: 'SlippageTooHigh',
  9: 'TransferDisallowed',
  10: 'HotKeyNotRegisteredInNetwork',
  11: 'InvalidIpAddress',
  12: 'ServingRateLimitExceeded',
  13: 'InvalidPort',
  14: 'ZeroMaxAmount',
  15: 'InvalidRevealRound',
  16: 'CommitNotFound',
  17: 'CommitBlockNotInRevealRange',
  18: 'InputLengthsUnequal',
  19: 'UidNotFound',
  20: 'EvmKeyAssociateRateLimitExceeded',
  21: 'ColdkeySwapDisputed',
  22: 'InvalidRealAccount',
  23: 'FailedShieldedTxParsing',
  24: 'InvalidShieldedTxPubKeyHash',
  25: 'NonAssociatedColdKey',
  26: 'DelegateTakeTooLow',
  27: 'DelegateTakeTooHigh',
  255: 'BadRequest',
};

const INSUFFICIENT_BALANCE = new Set([
  'NotEnoughBalanceToStake',
  'NotEnoughBalanceToPaySwapHotKey',
  'InsufficientBalance',
  'BalanceTooLow',
  'CannotAffordLockCost',
  'BalanceWithdrawalError',
  'ExistentialDeposit',
  'Expendability',
  'FundsUnavailable',
  'NoFunds',
  'Payment',
]);

/** Errors that mean the call itself was malformed for the runtime (the local chain uses the same split). */
const BAD_INPUT = new Set(['InvalidValue', 'CallNotSupported', 'BadRequest']);

const BAD_NONCE = new Set(['Stale', 'Future', 'Outdated']);
const BAD_SIGNATURE = new Set(['BadProof', 'BadSigner']);

/**
 * Which `SubnetkitError` code a subtensor error name maps to. Dispatch errors are
 * SK_CHAIN_EXTRINSIC_FAILED (branch on `details.chainError`), except balance shortfalls, malformed
 * calls, nonces and signatures, which have codes of their own, as in the local chain.
 */
export function errorCodeFor(name: string): ErrorCode {
  if (INSUFFICIENT_BALANCE.has(name)) return 'SK_CHAIN_INSUFFICIENT_BALANCE';
  if (BAD_INPUT.has(name)) return 'SK_CHAIN_BAD_INPUT';
  if (BAD_NONCE.has(name)) return 'SK_CHAIN_BAD_NONCE';
  if (BAD_SIGNATURE.has(name)) return 'SK_CHAIN_BAD_SIGNATURE';
  return 'SK_CHAIN_EXTRINSIC_FAILED';
}

/** The fields of a `DispatchError` this module reads (the polkadot-js codec has them all). */
export interface DispatchErrorLike {
  readonly isModule: boolean;
  readonly asModule: { readonly index: { toNumber(): number }; readonly error: { toU8a(): Uint8Array } };
  readonly type: string;
  readonly value: { readonly type?: string; toString(): string };
}

/**
 * Names a `DispatchError` with the metadata of the runtime that produced it (module error
 * indices differ between runtimes, so never decode them with another runtime's metadata).
 */
export function nameDispatchError(registry: Registry, error: DispatchErrorLike): ChainErrorName {
  if (error.isModule) {
    const mod = error.asModule;
    const palletIndex = mod.index.toNumber();
    const errorBytes = mod.error.toU8a();
    try {
      const meta = registry.findMetaError(new Uint8Array([palletIndex, errorBytes[0] ?? 0]));
      return { pallet: stringUpperFirst(meta.section), name: meta.name };
    } catch {
      return { pallet: `Pallet${palletIndex}`, name: `Error${errorBytes[0] ?? 0}` };
    }
  }
  // Token(FundsUnavailable), Arithmetic(Overflow), … are named by their inner variant.
  const inner = error.value?.type;
  if (inner && ['Token', 'Arithmetic', 'Transactional'].includes(error.type)) return { pallet: 'System', name: inner };
  return { pallet: 'System', name: error.type };
}

function stringUpperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A failed extrinsic as a `SubnetkitError` carrying the chain's error name. */
export function chainErrorToSubnetkit(
  err: ChainErrorName,
  call: string,
  extra: Record<string, unknown> = {},
): SubnetkitError {
  return new SubnetkitError(errorCodeFor(err.name), `${call} failed on chain: ${err.pallet}.${err.name}.`, {
    call,
    chainError: err.name,
    pallet: err.pallet,
    ...extra,
  });
}

/**
 * Names the rejection in an `author_submit*` RPC error (`1010: Invalid Transaction: Custom error: 6`,
 * `… Transaction has a bad signature`, `… Transaction is outdated`, `… Inability to pay some fees`),
 * or returns null when the message is not a pool rejection.
 */
export function namePoolRejection(message: string): ChainErrorName | null {
  if (!/\b101[0-4]\b|Invalid Transaction|Unknown Transaction/i.test(message)) return null;
  const custom = /Custom error:\s*(\d+)/i.exec(message);
  if (custom) {
    const code = Number(custom[1]);
    return { pallet: 'SubtensorModule', name: CUSTOM_VALIDITY_ERRORS[code] ?? `Custom${code}` };
  }
  if (/bad signature|BadProof/i.test(message)) return { pallet: 'System', name: 'BadProof' };
  if (/outdated|stale/i.test(message)) return { pallet: 'System', name: 'Stale' };
  if (/future/i.test(message)) return { pallet: 'System', name: 'Future' };
  if (/pay some fees|Payment/i.test(message)) return { pallet: 'System', name: 'Payment' };
  if (/ancient birth|BadMandatory|ExhaustsResources/i.test(message)) return { pallet: 'System', name: 'Invalid' };
  return { pallet: 'System', name: 'Invalid' };
}
