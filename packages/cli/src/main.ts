/** Runs the CLI and returns the exit code. */
export async function main(_argv: string[]): Promise<number> {
  return 0;
}
