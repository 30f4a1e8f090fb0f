/**
 * The upstream catalog a benchmark ingests: migrations, then N generated demo images in
 * `upstream.image` (no audio), settled (vacuumed, analysed, checkpointed) as a
 * long-lived production table would be.
 */
import type pg from 'pg';
import { applyMigrations } from '../../drizzle/migrate.js';
import { loadDemoCatalog } from '../../ingest/demo/load-demo.js';

export const SCHEMA = 'upstream';
/** Never fetched by the benchmarks; only stored in the rows' URLs. */
export const MEDIA_BASE = 'http://127.0.0.1:9';

/** Returns the seconds `loadDemoCatalog` took (migrations and vacuum not included). */
export async function prepareCatalog(
  client: pg.ClientBase,
  databaseUrl: string,
  rows: number,
  log: (line: string) => void,
): Promise<number> {
  await applyMigrations(databaseUrl);
  log(`loading ${rows.toLocaleString('en-US')} demo images into ${SCHEMA}.image…`);
  let lastTenth = 0;
  const started = performance.now();
  await loadDemoCatalog(client, {
    schema: SCHEMA,
    images: rows,
    audio: 0,
    mediaBaseUrl: MEDIA_BASE,
    batchSize: 1000,
    onProgress: (p) => {
      const tenth = Math.floor((10 * p.rows) / Math.max(1, p.total));
      if (p.table === 'image' && tenth > lastTenth && tenth % 2 === 0) {
        lastTenth = tenth;
        log(`  demo load ${tenth * 10}%`);
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  log(`demo load: ${seconds.toFixed(1)} s`);
  // A settled upstream table, as in production: hint bits set, no checkpoint pending.
  await client.query(`vacuum (analyze) ${SCHEMA}.image`);
  await client.query('checkpoint').catch(() => {});
  for (const table of ['deleted_media', 'sensitive_media']) {
    const { rows } = await client.query<{ n: string }>(`select count(*)::text as n from ${table}`).catch(() => ({ rows: [{ n: '0' }] }));
    if (rows[0].n !== '0') throw new Error(`${table} is not empty: the baseline documents would differ`);
  }
  return seconds;
}
