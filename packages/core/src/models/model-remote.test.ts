import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isSubnetkitError } from '../errors/subnetkit-error.js';
import { FIXTURE_MODELS_DIR } from './fixtures.js';
import { createModelRuntime } from './model-runtime.js';
import { captureLogger, expectClose, tmpDir } from './test-helpers.test.util.js';
import type { DownloadProgress } from './types.js';

// These tests point transformers.js at a local HTTP "hub" (a mirror URL), so nothing leaves the machine.
const slow = { tags: ['slow'] };

/** Serves `<org>/<name>/resolve/main/<file>` from a fixture folder; `hang` answers nothing. */
async function fakeHub(mode: 'serve' | 'hang'): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (mode === 'hang') return;
    const m = /^\/acme\/tiny-bert\/resolve\/main\/(.+)$/.exec(req.url ?? '');
    const file = m ? join(FIXTURE_MODELS_DIR, 'tiny-bert', decodeURIComponent(m[1] as string)) : null;
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { 'content-length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests };
}

describe('remote model loading', () => {
  it('downloads a missing model into modelsDir with progress, then serves it offline', slow, async () => {
    const hub = await fakeHub('serve');
    const modelsDir = tmpDir('remote');
    const progress: DownloadProgress[] = [];
    const cap = captureLogger();
    const online = createModelRuntime({
      logger: cap.logger,
      modelsDir,
      allowRemote: true,
      remoteHost: hub.url,
      onProgress: (p) => progress.push(p),
    });
    const decl = { embed: { task: 'feature-extraction', model: 'acme/tiny-bert' } } as const;
    const [v] = await (await online.load(decl)).embed('a cat');
    await online.dispose();
    expect(v).toHaveLength(32);
    expect(hub.requests.some((r) => r.includes('onnx/model.onnx'))).toBe(true);
    expect(existsSync(join(modelsDir, 'acme', 'tiny-bert', 'onnx', 'model.onnx'))).toBe(true);
    const last = progress.at(-1);
    expect(last?.percent).toBe(100);
    expect(last?.loadedBytes).toBe(last?.totalBytes);
    expect(cap.lines.some((l) => l.event === 'model.download')).toBe(true);

    // Offline now, the same declaration resolves to the downloaded copy with no request.
    const seen = hub.requests.length;
    const offline = createModelRuntime({ logger: cap.logger, modelsDir });
    const h = await offline.load(decl);
    expect((await h.embed.info()).source).toEqual({ kind: 'local', path: join(modelsDir, 'acme', 'tiny-bert') });
    const [w] = await h.embed('a cat');
    await offline.dispose();
    expect(hub.requests.length).toBe(seen);
    expectClose(w, v, 6);
  });

  it('gives up on a hub that never answers with SK_MODEL_NOT_FOUND instead of hanging', slow, async () => {
    const hub = await fakeHub('hang');
    const cap = captureLogger();
    const rt = createModelRuntime({
      logger: cap.logger,
      modelsDir: tmpDir('hang'),
      allowRemote: true,
      remoteHost: hub.url,
      fetchTimeoutMs: 300,
    });
    const err = await rt
      .load({ embed: { task: 'feature-extraction', model: 'acme/silent-bert' } })
      .catch((e: unknown) => e);
    await rt.dispose();
    expect(isSubnetkitError(err, 'SK_MODEL_NOT_FOUND')).toBe(true);
    expect(hub.requests.length).toBeGreaterThan(0);
  });

  it('reports a model missing from the hub as SK_MODEL_NOT_FOUND', slow, async () => {
    const hub = await fakeHub('serve');
    const cap = captureLogger();
    const rt = createModelRuntime({
      logger: cap.logger,
      modelsDir: tmpDir('404'),
      allowRemote: true,
      remoteHost: hub.url,
    });
    const err = await rt
      .load({ x: { task: 'feature-extraction', model: 'acme/nothing-here' } })
      .catch((e: unknown) => e);
    await rt.dispose();
    expect(isSubnetkitError(err, 'SK_MODEL_NOT_FOUND')).toBe(true);
  });
});
