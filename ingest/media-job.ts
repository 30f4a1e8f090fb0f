/**
 * The loop of a background media job (waveforms, colours): works through rows with a
 * few downloads at once, writes through one Postgres connection one query at a time,
 * and reports each failure by id without stopping.
 */

export interface MediaJobStats {
  done: number;
  failed: { id: string; error: string }[];
}

/** Runs one row's work; `serially` queues a database write behind the others. */
export type MediaJobStep<R> = (row: R, serially: <T>(write: () => Promise<T>) => Promise<T>) => Promise<void>;

export async function runMediaJob<R extends { identifier: string }>(
  rows: R[],
  step: MediaJobStep<R>,
  opts: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<MediaJobStats> {
  const stats: MediaJobStats = { done: 0, failed: [] };
  // One connection runs one query at a time: downloads overlap, writes queue here (pg's
  // own queue for overlapping client.query calls is deprecated and goes in pg 9).
  let last: Promise<unknown> = Promise.resolve();
  const serially = <T>(f: () => Promise<T>): Promise<T> => {
    const run = last.then(f, f);
    last = run.catch(() => {});
    return run;
  };
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++];
      try {
        await step(row, serially);
        stats.done++;
      } catch (err) {
        stats.failed.push({ id: row.identifier, error: (err as Error).message });
      }
      opts.onProgress?.(stats.done + stats.failed.length, rows.length);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  return stats;
}
