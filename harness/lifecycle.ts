/**
 * A benchmark's run and its clean-ups: stacks, databases and copies it made are removed
 * in reverse order when it ends, fails or is interrupted (Ctrl-C, SIGTERM); a clean-up
 * that fails is logged and the others still run.
 */
export interface Cleanups {
  add(cleanup: () => Promise<void> | void): void;
}

export function runBench(name: string, main: (cleanups: Cleanups) => Promise<void>): void {
  const pending: (() => Promise<void> | void)[] = [];
  const teardown = async () => {
    while (pending.length) {
      try {
        await pending.pop()!();
      } catch (err) {
        console.error(`[${name}] cleanup: ${(err as Error).message}`);
      }
    }
  };
  let interrupted = false;
  const stop = (code: number) => {
    interrupted = true;
    void teardown().then(() => process.exit(code));
  };
  process.once('SIGINT', () => stop(130));
  process.once('SIGTERM', () => stop(143));
  main({ add: (cleanup) => void pending.push(cleanup) })
    .then(teardown)
    .catch(async (err: Error) => {
      // After Ctrl-C, a step failing because its stack or database went away is expected.
      if (!interrupted) console.error(`[${name}] failed: ${err.stack ?? err.message}`);
      await teardown();
      process.exit(1);
    });
}
