/**
 * Per-project time limits, sized for a CI machine with 2 cores that runs other work beside the suite
 * (load 10-15 makes a test 4-8x slower than on a quiet machine). They catch hangs, not slowness:
 * speed goals live in bench/. Set here, per project, rather than test by test; hooks need their own
 * limit because a tag's timeout applies to tests only.
 */
export const UNIT = { testTimeout: 60_000, hookTimeout: 120_000 };
/** Projects that start child processes, servers, chains, whole networks or npm. */
export const INTEGRATION = { testTimeout: 600_000, hookTimeout: 600_000 };
