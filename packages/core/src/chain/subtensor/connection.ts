import type { ApiPromise } from '@polkadot/api';
import type { ApiOptions } from '@polkadot/api/types';
import type { Logger } from 'pino';
import { SubnetkitError } from '../../errors/subnetkit-error.js';

/** polkadot-js's provider interface (WsProvider, HttpProvider, or an in-process one), as ApiPromise takes it. */
export type ProviderInterface = NonNullable<ApiOptions['provider']>;

/** Named public endpoints (subtensor's defaults). */
export const SUBTENSOR_ENDPOINTS = {
  finney: 'wss://entrypoint-finney.opentensor.ai:443',
  test: 'wss://test.finney.opentensor.ai:443',
  local: 'ws://127.0.0.1:9944',
} as const;

/** `finney` | `test` | `local` or a ws(s):// URL → URL. */
export function resolveEndpoint(endpoint: string): string {
  if (endpoint in SUBTENSOR_ENDPOINTS) return SUBTENSOR_ENDPOINTS[endpoint as keyof typeof SUBTENSOR_ENDPOINTS];
  if (/^wss?:\/\/[^\s]+$/.test(endpoint)) return endpoint;
  throw new SubnetkitError(
    'SK_CHAIN_BAD_INPUT',
    `Endpoint "${endpoint}" is neither finney, test, local nor a ws:// or wss:// URL.`,
    { endpoint },
  );
}

export interface ConnectionOptions {
  /** `finney`, `test`, `local` or a ws:// URL; with `provider`, only a label for logs and errors. */
  endpoint?: string;
  /**
   * A ready-made polkadot-js provider (a `WsProvider`, or any `ProviderInterface`, e.g. an
   * in-process one for tests). The chain then neither opens nor re-opens the socket itself; it
   * disconnects the provider on close, as `ApiPromise.disconnect` does.
   */
  provider?: ProviderInterface;
  timeoutMs?: number;
  /** Reconnect backoff of the provider the chain opens itself: first delay, cap. Defaults 250 ms, 10 s. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  logger?: Logger;
}

/** The API handle and the guarded call wrapper every query and call of the backend goes through. */
export interface SubtensorConnection {
  readonly api: ApiPromise;
  /** The endpoint, for messages. */
  readonly url: string;
  readonly timeoutMs: number;
  readonly closed: boolean;
  /** Waits (at most timeoutMs) for the connection to be back, then runs `fn` under the timeout. */
  call<T>(what: string, fn: () => Promise<T>, limitMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** The custom transaction extensions subtensor runtimes declare; they carry no payload. */
const SUBTENSOR_EXTENSIONS = [
  'SubtensorSignedExtension',
  'CommitmentsSignedExtension',
  'SubtensorTransactionExtension',
  'DrandPriority',
  'SudoTransactionExtension',
  'CheckShieldedTxValidity',
];

export function timeoutError(what: string, ms: number): SubnetkitError {
  return new SubnetkitError(
    'SK_CHAIN_TIMEOUT',
    `${what} got no answer from the node in ${ms} ms; check the node or raise timeoutMs.`,
    { what, timeoutMs: ms },
  );
}

/** Races `promise` against a timer; the timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Opens the `ApiPromise` over the given provider, or over a `WsProvider` to `endpoint` that it
 * reconnects with exponential backoff. Rejects with SK_CHAIN_CONNECTION / SK_CHAIN_TIMEOUT when
 * the node cannot be reached or initialised within `timeoutMs`.
 */
export async function connectSubtensor(options: ConnectionOptions): Promise<SubtensorConnection> {
  const given = options.provider;
  if (!given && options.endpoint === undefined) {
    throw new SubnetkitError('SK_CHAIN_BAD_INPUT', 'A subtensor chain needs an endpoint or a provider.', {});
  }
  const url = given ? (options.endpoint ?? 'provider') : resolveEndpoint(options.endpoint as string);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const initialDelay = options.reconnect?.initialDelayMs ?? 250;
  const maxDelay = options.reconnect?.maxDelayMs ?? 10_000;
  const log = options.logger?.child({ component: 'subtensor-chain', endpoint: url });
  // loaded here, not at the top: @polkadot/api (with types and derives) is hundreds of modules that
  // only a subtensor connection needs, and every process that imports core would pay for them
  const { ApiPromise, WsProvider } = await import('@polkadot/api');

  // autoConnect off: we reconnect ourselves, with exponential backoff instead of a fixed delay.
  const provider = given ?? new WsProvider(url, false, {}, timeoutMs);
  let closed = false;
  let attempt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let everConnected = false;

  const scheduleReconnect = (): void => {
    if (closed || !everConnected || reconnectTimer) return;
    const delay = Math.min(maxDelay, initialDelay * 2 ** attempt);
    attempt += 1;
    log?.warn({ event: 'chain.reconnect', attempt, delayMs: delay }, 'subtensor node disconnected; reconnecting');
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (closed) return;
      provider.connect().catch(() => scheduleReconnect());
    }, delay);
    reconnectTimer.unref?.();
  };
  // a provider passed in reconnects by its own policy; ours by the backoff above
  if (!given) provider.on('disconnected', scheduleReconnect);
  provider.on('connected', () => {
    everConnected = true;
    attempt = 0;
  });
  provider.on('error', () => undefined);

  if (!provider.isConnected) {
    try {
      await provider.connect();
    } catch (cause) {
      throw new SubnetkitError(
        'SK_CHAIN_CONNECTION',
        `Cannot open a WebSocket to ${url}.`,
        { endpoint: url },
        { cause },
      );
    }
  }

  const signedExtensions = Object.fromEntries(SUBTENSOR_EXTENSIONS.map((n) => [n, { extrinsic: {}, payload: {} }]));
  const api = new ApiPromise({ provider, noInitWarn: true, signedExtensions });
  api.on('error', () => undefined);
  try {
    await withTimeout(api.isReadyOrError, timeoutMs, () => timeoutError(`connecting to ${url}`, timeoutMs));
  } catch (cause) {
    closed = true;
    await api.disconnect().catch(() => undefined);
    if (cause instanceof SubnetkitError) throw cause;
    throw new SubnetkitError(
      'SK_CHAIN_CONNECTION',
      `Cannot connect to the subtensor node at ${url}; is it running?`,
      { endpoint: url },
      { cause },
    );
  }
  everConnected = true;
  log?.info({ event: 'chain.connected', spec: api.runtimeVersion.specVersion.toNumber() }, 'connected to subtensor');

  const call = async <T>(what: string, fn: () => Promise<T>, limitMs = timeoutMs): Promise<T> => {
    if (closed) throw new SubnetkitError('SK_CHAIN_CONNECTION', 'The chain was closed.', { endpoint: url });
    if (!provider.isConnected) {
      await withTimeout(
        new Promise<void>((resolve) => {
          const off = provider.on('connected', () => {
            off();
            resolve();
          });
        }),
        timeoutMs,
        () =>
          new SubnetkitError('SK_CHAIN_CONNECTION', `The node at ${url} is unreachable (${what}).`, {
            endpoint: url,
            what,
          }),
      );
      await withTimeout(api.isReady, timeoutMs, () => timeoutError(what, timeoutMs));
    }
    try {
      return await withTimeout(fn(), limitMs, () => timeoutError(what, limitMs));
    } catch (err) {
      if (err instanceof SubnetkitError) throw err;
      const message = (err as Error)?.message ?? String(err);
      const code = /disconnected|not connected|WebSocket/i.test(message) ? 'SK_CHAIN_CONNECTION' : 'SK_CHAIN_BAD_INPUT';
      throw new SubnetkitError(code, `${what} failed: ${message}`, { endpoint: url, what }, { cause: err });
    }
  };

  return {
    api,
    url,
    timeoutMs,
    get closed() {
      return closed;
    },
    call,
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(reconnectTimer);
      await api.disconnect().catch(() => undefined);
    },
  };
}
