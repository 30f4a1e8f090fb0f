/**
 * Preloaded into the benchmarked ingest process (`--import`): when the process exits it
 * writes its own getrusage figures (peak RSS, CPU time) to $BENCH_RUSAGE_FILE. A
 * cross-check of the /proc polling, which can miss the last 100 ms before exit.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RUSAGE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({ maxRssBytes: u.maxRSS * 1024, userSeconds: u.userCPUTime / 1e6, systemSeconds: u.systemCPUTime / 1e6 }),
    );
  });
}
