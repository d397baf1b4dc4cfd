#!/usr/bin/env node
import 'reflect-metadata';
import { forcedShutdownError } from '@subnetkit/core/light';
import { main } from './main.js';
import { reportError } from './output.js';
import { quietPolkadotConsole } from './polkadot-console.js';

quietPolkadotConsole(console, ['debug', 'trace'].includes(process.env.SUBNETKIT_LOG_LEVEL ?? ''));

// `subnetkit … | head -1`: the reader went away, so there is nobody left to print to; end quietly
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

// Ctrl-C aborts long-running commands (localnet, run), which then shut down gracefully.
const controller = new AbortController();
const stop = (signal: NodeJS.Signals): void => {
  if (controller.signal.aborted) {
    // a second signal forces the exit; the coded line says in-flight work was cut short
    reportError(forcedShutdownError(signal), process.stderr, process.argv.includes('--json'));
    process.exit(130);
  }
  controller.abort();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// A failure outside any command's await (a timer, a socket callback) is fatal too: say so once,
// let the command stop what it started, then exit non-zero.
let crashed = false;
const crash = (err: unknown): void => {
  if (crashed) return;
  crashed = true;
  process.exitCode = reportError(err, process.stderr, process.argv.includes('--json'));
  controller.abort();
  setTimeout(() => process.exit(process.exitCode ?? 1), 5_000).unref();
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

const code = await main(process.argv.slice(2), { shutdown: controller.signal });
process.exitCode = crashed ? (process.exitCode ?? 1) : code;
process.off('SIGINT', stop);
process.off('SIGTERM', stop);
// Tests check that a command stopped what it started before the exit below would hide a leak.
// (after the loop's close phase: a closed server's handle is released there, after its 'close')
if (process.env.SUBNETKIT_REPORT_HANDLES) await new Promise((resolve) => setImmediate(() => setTimeout(resolve, 0)));
if (process.env.SUBNETKIT_REPORT_HANDLES) {
  const network = process.getActiveResourcesInfo().filter((r) => /^(TCP|UDP)/.test(r));
  process.stderr.write(`open network handles: ${JSON.stringify(network)}\n`);
}
// Every command stops what it started; anything a library still holds open (a keep-alive
// socket, a stray timer) must not keep the process up after the command is done.
process.stdout.write('', () => process.exit());
