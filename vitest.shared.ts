import { fileURLToPath } from 'node:url';

/**
 * Per-project time limits, sized for a CI machine with 2 cores that runs other work beside the suite
 * (load 10-15 makes a test 4-8x slower than on a quiet machine). They catch hangs, not slowness:
 * speed goals live in bench/. Set here, per project, rather than test by test; hooks need their own
 * limit because a tag's timeout applies to tests only.
 */
export const UNIT = { testTimeout: 60_000, hookTimeout: 120_000 };
/** Projects that start child processes, servers, chains, whole networks or npm. */
export const INTEGRATION = { testTimeout: 600_000, hookTimeout: 600_000 };

/** core's build, reached through the workspace link: vite would inline it, as it is outside node_modules. */
export const CORE_DIST = /\/packages\/core\/dist\//;

/**
 * How the CLI and subnet projects get @subnetkit/core. By default from its build (dist/), loaded by
 * Node itself: `npm test` and `npm run test:fast` build first, and vite then neither transforms core's
 * source again in every project nor re-processes its JavaScript (dist/ is reached through a workspace
 * link, outside node_modules, so vite would otherwise inline it). Measured on subnet-predict: 24-25
 * CPU-s from source, 19-22 from dist inlined, 17.5-18.6 from dist external. After changing core,
 * rebuild (`npx tsc -b`), or set SUBNETKIT_TEST_CORE_SRC=1 to run the subnet tests against its source.
 */
export function coreImports(): {
  alias: { find: RegExp; replacement: string }[];
  server: { deps: { external: RegExp[] } };
} {
  if (process.env.SUBNETKIT_TEST_CORE_SRC !== '1') {
    return { alias: [], server: { deps: { external: [CORE_DIST] } } };
  }
  const core = (path: string) => fileURLToPath(new URL(`./packages/core/src/${path}`, import.meta.url));
  return {
    alias: [
      { find: /^@subnetkit\/core\/testing$/, replacement: core('testing/index.ts') },
      { find: /^@subnetkit\/core$/, replacement: core('index.ts') },
    ],
    server: { deps: { external: [] } },
  };
}
