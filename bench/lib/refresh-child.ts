/**
 * `refresh --media image` as ingest/tasks/run-task.ts runs it (same connections, same upstream
 * source, same progress and summary lines), but with the refresh's tuning options from
 * the environment: BENCH_BATCH_BYTES and BENCH_MAX_IN_FLIGHT. For what-if runs of
 * bench/ingest-stages.ts; the production path is ingest/bin/ingest.ts.
 */
import pg from 'pg';
import { progressLine, summaryLines } from '../../ingest/tasks/format.js';
import { MeiliAdmin } from '../../ingest/meili-admin.js';
import { refresh } from '../../ingest/generations/refresh.js';
import { upstreamPostgresSource } from '../../ingest/sources/upstream-postgres.js';

async function main(): Promise<void> {
  const env = (k: string) => {
    const v = process.env[k];
    if (!v) throw new Error(`${k} is not set`);
    return v;
  };
  const number = (k: string) => (process.env[k] ? Number(process.env[k]) : undefined);
  const connect = async () => {
    const c = new pg.Client({ connectionString: env('DATABASE_URL'), connectionTimeoutMillis: 10_000 });
    c.on('error', () => {});
    await c.connect();
    return c;
  };
  const api = await connect();
  const upstream = await connect();
  try {
    const stats = await refresh({
      mediaType: 'image',
      source: upstreamPostgresSource(upstream, 'image', { schema: 'upstream' }),
      api,
      meili: new MeiliAdmin(env('MEILI_URL'), env('MEILI_MASTER_KEY')),
      indexPrefix: process.env.INDEX_PREFIX ?? '',
      batchBytes: number('BENCH_BATCH_BYTES'),
      maxInFlight: number('BENCH_MAX_IN_FLIGHT'),
      onProgress: (p) => process.stderr.write(`${progressLine('image', p)}\n`),
    });
    for (const line of summaryLines(stats)) console.log(line);
  } finally {
    await api.end().catch(() => {});
    await upstream.end().catch(() => {});
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`refresh failed: ${err.message}`);
    process.exit(1);
  },
);
