import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { isSubnetkitError, SubnetkitError } from '../errors/subnetkit-error.js';
import type { Logger } from '../log/logger.js';
import { COLUMNS } from './columns.js';
import { LiveHub, type LiveUpdate, liveUpdate } from './live.js';
import { type DashboardSnapshot, type DashboardSubnet, readSnapshot } from './snapshot.js';
import type { DashboardSource } from './source.js';
import { chartsHtml, errorPage, neuronPage, overviewPage, type SortOrder } from './views.js';

/** Amounts (bigint rao) go out as decimal strings, as in history.jsonl. */
function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

function json(c: Context, value: unknown, status = 200): Response {
  return c.body(jsonText(value), status as 200, { 'content-type': 'application/json; charset=utf-8' });
}

/** A path number (netuid, uid): a plain decimal integer, else SK_DASHBOARD_BAD_REQUEST. */
function pathInt(text: string, what: string): number {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n > 65535) {
    throw new SubnetkitError('SK_DASHBOARD_BAD_REQUEST', `The ${what} in the URL must be an integer from 0 to 65535.`, {
      [what]: text.slice(0, 20),
    });
  }
  return n;
}

function subnetOf(snap: DashboardSnapshot, netuid: number): DashboardSubnet {
  const s = snap.subnets.find((x) => x.netuid === netuid);
  if (!s) throw new SubnetkitError('SK_DASHBOARD_NOT_FOUND', `This dashboard shows no subnet ${netuid}.`, { netuid });
  return s;
}

function neuronOf(s: DashboardSubnet, uid: number) {
  const n = s.neurons.find((x) => x.uid === uid);
  if (!n) {
    throw new SubnetkitError('SK_DASHBOARD_NOT_FOUND', `Subnet ${s.netuid} has no uid ${uid}.`, {
      netuid: s.netuid,
      uid,
    });
  }
  return n;
}

function sortOrder(c: Context): SortOrder {
  const key = c.req.query('sort') ?? 'uid';
  const order = c.req.query('order') === 'desc' ? 'desc' : 'asc';
  return { key: COLUMNS.some((col) => col.key === key) ? key : 'uid', order };
}

export interface DashboardApp {
  app: Hono;
  hub: LiveHub;
}

/**
 * The dashboard's routes. Pages render fully on the server (the page works with scripting off);
 * `/api/events` streams a live update per block as server-sent events. Every failure answers
 * with one coded error (JSON under /api, a page elsewhere) and never with a stack.
 *
 * - `GET /` the network, `GET /subnets/:netuid/neurons/:uid` one neuron, `GET /subnets/:netuid/charts` a subnet's charts (HTML fragment)
 * - `GET /api/snapshot`, `GET /api/subnets/:netuid/neurons/:uid` the same data as JSON (amounts in rao, as strings)
 * - `GET /api/events` server-sent events: `update` with block, next epochs and table cells
 */
export function createDashboardApp(source: DashboardSource, log: Logger): DashboardApp {
  const read = () =>
    readSnapshot(source.chain, source.history(), {
      ...(source.netuids ? { netuids: source.netuids } : {}),
      ...(source.roles ? { roles: source.roles } : {}),
    });
  const hub = new LiveHub(source.chain, read, (err) =>
    log.warn({ event: 'dashboard.read_failed', err }, 'could not read the chain for a live update'),
  );
  const app = new Hono();
  const html = (c: Context, body: string, status = 200) => c.html(body, status as 200);

  app.get('/', async (c) =>
    html(c, overviewPage(source.title, await read(), source.history(), sortOrder(c), source.readOnly)),
  );

  app.get('/subnets/:netuid/charts', async (c) => {
    const netuid = pathInt(c.req.param('netuid'), 'netuid');
    return html(c, chartsHtml(subnetOf(await read(), netuid), source.history()));
  });

  app.get('/subnets/:netuid/neurons/:uid', async (c) => {
    const netuid = pathInt(c.req.param('netuid'), 'netuid');
    const uid = pathInt(c.req.param('uid'), 'uid');
    const snap = await read();
    const s = subnetOf(snap, netuid);
    neuronOf(s, uid);
    return html(
      c,
      neuronPage(source.title, snap, s, uid, source.history(), source.observations(netuid, uid), source.readOnly),
    );
  });

  app.get('/api/snapshot', async (c) => json(c, { title: source.title, readOnly: source.readOnly, ...(await read()) }));

  app.get('/api/subnets/:netuid/neurons/:uid', async (c) => {
    const netuid = pathInt(c.req.param('netuid'), 'netuid');
    const uid = pathInt(c.req.param('uid'), 'uid');
    const s = subnetOf(await read(), netuid);
    const n = neuronOf(s, uid);
    const history = source
      .history()
      .filter((h) => h.netuid === netuid && h.subnet === s.name)
      .flatMap((h) => {
        const x = h.neurons.find((m) => m.hotkey === n.hotkey);
        return x
          ? [
              {
                epoch: h.epoch,
                block: h.block,
                incentive: x.incentive,
                dividends: x.dividends,
                emission: x.emission,
                stake: x.stake,
                trust: x.trust,
              },
            ]
          : [];
      });
    return json(c, { netuid, neuron: n, history, observations: source.observations(netuid, uid) });
  });

  app.get('/api/events', (c) =>
    streamSSE(c, async (sse) => {
      // writes go out one after another, in the order the updates came
      let queue = Promise.resolve();
      const send = (update: Promise<LiveUpdate>) => {
        queue = queue.then(async () => sse.writeSSE({ event: 'update', data: jsonText(await update) }));
        return queue;
      };
      let unsubscribe = () => {};
      await new Promise<void>((done) => {
        // subscribed before the first write, so no block between the two is missed
        unsubscribe = hub.subscribe((update) => {
          send(Promise.resolve(update)).catch(() => done());
        }, done);
        sse.onAbort(() => done());
        // the current state at once, so a page is current however long ago it was rendered
        send(read().then(liveUpdate)).catch(() => done());
      });
      unsubscribe();
    }),
  );

  app.notFound((c) => {
    const err = new SubnetkitError('SK_DASHBOARD_NOT_FOUND', `No page at ${c.req.path}.`, {});
    return fail(c, err);
  });
  app.onError((err, c) => {
    if (isSubnetkitError(err) && err.code.startsWith('SK_DASHBOARD')) return fail(c, err);
    log.error({ event: 'dashboard.failed', path: c.req.path, err }, 'dashboard request failed');
    // chain errors keep their code and message (no secrets: the chain never holds one); the rest is internal
    const shown = isSubnetkitError(err)
      ? err
      : new SubnetkitError('SK_INTERNAL', 'The dashboard failed to read the network; see the log.', {});
    return fail(c, shown, 500);
  });

  function fail(c: Context, err: SubnetkitError, status?: number): Response {
    const code =
      status ?? (err.code === 'SK_DASHBOARD_BAD_REQUEST' ? 400 : err.code === 'SK_DASHBOARD_NOT_FOUND' ? 404 : 500);
    if (c.req.path.startsWith('/api/')) return json(c, { error: { code: err.code, message: err.message } }, code);
    return html(c, errorPage(source.title, err.code, err.message), code);
  }

  return { app, hub };
}
