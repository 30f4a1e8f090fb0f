/**
 * The command line of a background media job (`npm run waveforms`, `npm run colors`):
 * `--limit`, `--concurrency`, a progress line, a summary, the first failures by id.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { type IngestConfig, ingestConfig, readStackInfo } from '../config.js';
import type { MediaJobStats } from '../media-job.js';

export interface MediaJobCliOptions {
  limit?: number;
  concurrency?: number;
  allowPrivate: boolean;
  onProgress: (done: number, total: number) => void;
}

export async function runMediaJobCli<S extends MediaJobStats>(
  name: string,
  run: (client: pg.Client, opts: MediaJobCliOptions, config: IngestConfig) => Promise<S>,
  /** What the summary adds after the stored and failed counts (e.g. live documents updated). */
  more: (stats: S) => string = () => '',
): Promise<void> {
  let client: pg.Client | undefined;
  try {
    const { values } = parseArgs({ options: { limit: { type: 'string' }, concurrency: { type: 'string' } } });
    const config = ingestConfig();
    client = new pg.Client({ connectionString: config.databaseUrl });
    client.on('error', () => {});
    await client.connect();
    const started = Date.now();
    const stats = await run(
      client,
      {
        limit: values.limit ? Number(values.limit) : undefined,
        concurrency: values.concurrency ? Number(values.concurrency) : undefined,
        // Loopback media only for the local stack (its demo media server) or when asked.
        allowPrivate: process.env.ALLOW_PRIVATE_MEDIA === 'true' || (!process.env.DATABASE_URL && readStackInfo() !== null),
        onProgress: (done, total) => process.stderr.write(`\r${name} ${done}/${total}`),
      },
      config,
    );
    process.stderr.write('\n');
    console.log(
      `${name}: ${stats.done} stored, ${stats.failed.length} failed${more(stats)} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    for (const f of stats.failed.slice(0, 20)) console.log(`  failed ${f.id}: ${f.error}`);
    process.exitCode = 0;
  } catch (err) {
    // One line saying what to fix, no stack (an unknown option names itself).
    console.error(`${name} failed: ${(err as Error).message} (usage: npm run ${name} -- [--limit N] [--concurrency N])`);
    process.exitCode = 1;
  } finally {
    await client?.end().catch(() => {});
  }
}
