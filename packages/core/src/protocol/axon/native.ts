/**
 * The axon's native node:http path for the default stack: the same stages as the hono chain, in
 * the same order, run straight on node's request and response (no fetch-API Request/Headers, no
 * hono context, no promise where a stage does not wait), answered with the same replies through
 * the same writer. Targets that are not a plain synapse path (the session handshake, queries,
 * escapes) go to the hono listener, which stays the composable and in-memory stack.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { endRejected, rejectOf } from './on-error.js';
import { type AxonIdentity, type AxonReply, errorReply, sendReply } from './reply.js';
import { isPlainPath, nodeAxonRequest } from './request.js';
import { type AxonRouteOptions, openRequest, routeStage } from './route.js';
import { type AxonStage, runStages } from './stage.js';
import type { AxonState } from './types.js';

export interface NativePathOptions {
  readonly route: AxonRouteOptions;
  /** The stages after the route, in chain order. */
  readonly stages: readonly AxonStage[];
  /** The stages after the route for lean session requests (`AxonState.lean`). */
  readonly leanStages?: readonly AxonStage[];
  /** The end of the chain: the 200 reply. */
  readonly forward: (s: AxonState) => AxonReply | Promise<AxonReply>;
  readonly me: AxonIdentity;
  readonly logger?: Logger;
  /** A plain path that still goes to the fallback (the session handshake). */
  readonly fallbackPath?: string;
  /** Serves what the native path does not (hono's node listener). */
  readonly fallback: (req: IncomingMessage, res: ServerResponse) => unknown;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** A node:http request listener running the stages natively. */
export function nativeListener(o: NativePathOptions): Listener {
  const route = routeStage(o.route);
  const stages = [route, ...o.stages];
  const leanStages = o.leanStages ? [route, ...o.leanStages] : stages;
  const { forward, me, logger: log } = o;

  const fail = (s: AxonState, res: ServerResponse, err: unknown): void => {
    const r = rejectOf(err, s, log);
    sendReply(res, errorReply(s, r, me));
    endRejected(s, r);
  };
  const send = (s: AxonState, res: ServerResponse, reply: AxonReply): void => {
    sendReply(res, reply);
    if (!s.streaming) s.finish();
  };
  const answer = (s: AxonState, res: ServerResponse): void => {
    let reply: AxonReply | Promise<AxonReply>;
    try {
      reply = forward(s);
    } catch (err) {
      fail(s, res, err);
      return;
    }
    if (reply instanceof Promise)
      reply.then(
        (r) => send(s, res, r),
        (err: unknown) => fail(s, res, err),
      );
    else send(s, res, reply);
  };

  return (req, res) => {
    if (!isPlainPath(req.url) || req.url === o.fallbackPath) {
      void o.fallback(req, res);
      return;
    }
    const s = openRequest(o.route, nodeAxonRequest(req, res));
    let pending: undefined | Promise<void>;
    try {
      pending = runStages(s.lean ? leanStages : stages, s);
    } catch (err) {
      fail(s, res, err);
      return;
    }
    if (pending)
      pending.then(
        () => answer(s, res),
        (err: unknown) => fail(s, res, err),
      );
    else answer(s, res);
  };
}
