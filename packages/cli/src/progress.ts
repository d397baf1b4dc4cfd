/**
 * Shows that a long wait (model loads, registration, key derivation) is alive: a spinner with
 * the elapsed seconds on a terminal, one line elsewhere (logs and pipes get no animation).
 * Returns what `work` returns; the spinner ends with ✔ or ✖.
 */
export async function withProgress<T>(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  text: string,
  work: Promise<T>,
): Promise<T> {
  // a terminal that reports no width (some pseudo-terminals) gets plain lines: spinners need it
  if (!stream.isTTY || !stream.columns) {
    stream.write(`${text}…\n`);
    return work;
  }
  // ora (and its terminal helpers) loads only when a spinner is shown: pipes and tests never pay for it
  const { default: ora } = await import('ora');
  const started = Date.now();
  const spinner = ora({ text, stream: stream as NodeJS.WritableStream, discardStdin: false }).start();
  const tick = setInterval(() => {
    spinner.text = `${text} (${Math.round((Date.now() - started) / 1000)} s)`;
  }, 1000);
  try {
    const value = await work;
    spinner.succeed(`${text} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return value;
  } catch (err) {
    spinner.fail(text);
    throw err;
  } finally {
    clearInterval(tick);
  }
}
