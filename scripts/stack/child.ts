/**
 * Stopping the processes the stack, the benchmarks and the tests start: politely first,
 * by force if they do not go.
 */
import type { ChildProcess } from 'node:child_process';

/** Resolves once `child` has exited (at once if it already has). */
export function exitOf(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/**
 * Sends `signal` (SIGTERM), then SIGKILL if the child is still running after `graceMs`,
 * and resolves once it has exited. `kill` sends a signal: to the child by default; to its
 * process group for a child that starts processes of its own.
 */
export async function stopChild(
  child: ChildProcess,
  opts: { signal?: NodeJS.Signals; graceMs?: number; kill?: (signal: NodeJS.Signals) => void } = {},
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const kill = opts.kill ?? ((s: NodeJS.Signals) => void child.kill(s));
  const exited = exitOf(child);
  kill(opts.signal ?? 'SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), opts.graceMs ?? 5000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
