/**
 * Loads the generated demo catalog into the upstream `image` / `audio` tables.
 *
 * Rows go in as one JSON parameter per batch expanded server-side with
 * `json_populate_recordset`: one round trip and one parse per batch, no per-value
 * parameter binding, and it works over every transport we use. COPY FROM STDIN is not an
 * option because PGlite's socket server does not support the COPY sub-protocol (and `pg`
 * has no COPY support without an extra dependency).
 */
import type { ClientBase } from 'pg';
import { demoAudio, demoImages } from './catalog.js';
import { quoteIdent, UPSTREAM_AUDIO_COLUMNS, UPSTREAM_IMAGE_COLUMNS, upstreamDdl } from '../sources/upstream-schema.js';

export interface LoadDemoProgress {
  table: string;
  rows: number;
  total: number;
}

export interface LoadDemoOptions {
  /** Schema holding the upstream tables; created if missing. */
  schema: string;
  images: number;
  audio: number;
  mediaBaseUrl: string;
  seed?: number;
  /** Rows per INSERT statement (default 1000). */
  batchSize?: number;
  onProgress?: (p: LoadDemoProgress) => void;
}

const DEFAULT_BATCH_SIZE = 1000;

/**
 * Creates the schema if needed, replaces the contents of `image` and `audio` with the
 * generated catalog (ids restart at 1, so reloads are reproducible) and returns the row
 * counts. Runs in one transaction: a failed load leaves the previous contents intact.
 */
export async function loadDemoCatalog(client: ClientBase, opts: LoadDemoOptions): Promise<{ images: number; audio: number }> {
  const schema = quoteIdent(opts.schema);
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE);
  const genOpts = { mediaBaseUrl: opts.mediaBaseUrl, seed: opts.seed };

  await client.query(upstreamDdl(opts.schema));
  await client.query('BEGIN');
  let images: number;
  let audio: number;
  try {
    await client.query(`TRUNCATE ${schema}.image, ${schema}.audio RESTART IDENTITY`);
    images = await insertBatches(client, `${schema}.image`, UPSTREAM_IMAGE_COLUMNS, demoImages(opts.images, genOpts), {
      table: 'image',
      total: opts.images,
      batchSize,
      onProgress: opts.onProgress,
    });
    audio = await insertBatches(client, `${schema}.audio`, UPSTREAM_AUDIO_COLUMNS, demoAudio(opts.audio, genOpts), {
      table: 'audio',
      total: opts.audio,
      batchSize,
      onProgress: opts.onProgress,
    });
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  // Fresh statistics so the first ingest queries against the new rows plan sensibly.
  await client.query(`ANALYZE ${schema}.image, ${schema}.audio`);
  return { images, audio };
}

async function insertBatches(
  client: ClientBase,
  table: string,
  columns: readonly string[],
  rows: Iterable<object>,
  opts: { table: string; total: number; batchSize: number; onProgress?: (p: LoadDemoProgress) => void },
): Promise<number> {
  const cols = columns.map(quoteIdent).join(', ');
  // The table's own row type drives the JSON -> column conversion (uuid, timestamptz,
  // varchar[], jsonb); `id` is left out so the serial default applies.
  const sql = `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${table}, $1::json)`;
  let batch: object[] = [];
  let loaded = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await client.query(sql, [JSON.stringify(batch)]);
    loaded += batch.length;
    batch = [];
    opts.onProgress?.({ table: opts.table, rows: loaded, total: opts.total });
  };
  for (const row of rows) {
    batch.push(row);
    if (batch.length >= opts.batchSize) await flush();
  }
  await flush();
  return loaded;
}
