/** The one way a middleware fails a request: an SDK status and message, turned into a reply. */

/** Status of a request failure inside the axon pipeline. */
export class AxonReject extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    /** Close the connection after the reply (a body may still be arriving). */
    readonly close = false,
    /** The middleware that rejected (for observers). */
    readonly stage?: string,
  ) {
    super(message);
  }
}

/** The abort reason of a request as a reject (a plain abort is a shutdown). */
export function abortReason(signal: AbortSignal): AxonReject {
  const r: unknown = signal.reason;
  return r instanceof AxonReject ? r : new AxonReject(503, 'Service unavailable: request aborted', {}, true);
}

/** `p`, or the abort reason once `signal` aborts first. */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
