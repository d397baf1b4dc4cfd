#!/usr/bin/env node
import 'reflect-metadata';
import { main } from './main.js';
import { quietPolkadotConsole } from './polkadot-console.js';

quietPolkadotConsole(console, ['debug', 'trace'].includes(process.env.SUBNETKIT_LOG_LEVEL ?? ''));

// Ctrl-C aborts long-running commands (localnet, run), which then shut down gracefully.
const controller = new AbortController();
const stop = (): void => {
  if (controller.signal.aborted) process.exit(130); // a second Ctrl-C forces the exit
  controller.abort();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

process.exitCode = await main(process.argv.slice(2), { shutdown: controller.signal });
process.off('SIGINT', stop);
process.off('SIGTERM', stop);
