import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { passwordFromEnv, Secret } from '@subnetkit/core';
import type { CliContext } from './context.js';

/** Prompts only when a person is there: both stdin and the command's stdout are terminals. */
export function canPrompt(ctx: CliContext): boolean {
  return Boolean(process.stdin.isTTY) && ctx.out.isTTY;
}

/** Reads a line without echoing it (passwords, mnemonics). */
export async function promptHidden(ctx: CliContext, question: string): Promise<Secret> {
  ctx.out.info(question);
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return new Secret(await new Promise<string>((res) => rl.question('', res)));
  } finally {
    rl.close();
  }
}

/** Password for an existing keyfile: the environment (read by core), else a prompt on a terminal. */
export async function existingPassword(ctx: CliContext, file: string): Promise<Secret | undefined> {
  if (passwordFromEnv(file, ctx.env) || !canPrompt(ctx)) return undefined;
  return promptHidden(ctx, `Password for ${file}:`);
}

/** Asks a yes/no question on a terminal; false when nobody can answer. */
export async function confirm(ctx: CliContext, question: string): Promise<boolean> {
  if (!canPrompt(ctx)) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((res) => rl.question(`${question} [y/N] `, res));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
