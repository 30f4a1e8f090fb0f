/**
 * Loads cleaned records into the API tables without touching what is served: rows go
 * to `<table>_new`, and `swapTables` replaces the live tables inside the promotion
 * transaction, renaming indexes back so later migrations find them by name.
 */
import type pg from 'pg';
import type { AudioRecord, MediaRecord, MediaType } from '../model/record.js';

export const MEDIA_TABLES: Record<MediaType, string[]> = { image: ['image'], audio: ['audio', 'audioset'] };

const staging = (table: string) => `${table}_new`;

export async function createStagingTables(client: pg.ClientBase, mediaType: MediaType): Promise<void> {
  for (const table of MEDIA_TABLES[mediaType]) {
    await client.query(`drop table if exists ${staging(table)}`);
    await client.query(`create table ${staging(table)} (like ${table} including all)`);
  }
}

export async function dropStagingTables(client: pg.ClientBase, mediaType: MediaType): Promise<void> {
  for (const table of MEDIA_TABLES[mediaType]) await client.query(`drop table if exists ${staging(table)}`);
}

let columnCache = new Map<string, string[]>();

async function columnsOf(client: pg.ClientBase, table: string): Promise<string[]> {
  const cached = columnCache.get(table);
  if (cached) return cached;
  const { rows } = await client.query<{ column_name: string }>(
    `select column_name from information_schema.columns
      where table_schema = current_schema() and table_name = $1 order by ordinal_position`,
    [table],
  );
  const cols = rows.map((r) => r.column_name);
  columnCache.set(table, cols);
  return cols;
}

/** Forgets cached column lists (after migrations in long-lived processes and tests). */
export function resetColumnCache(): void {
  columnCache = new Map();
}

/**
 * Upserts one batch with a single JSON parameter: `json_populate_recordset` maps keys to
 * columns (unknown keys ignored), which is fast on Postgres and on PGlite alike.
 * Later duplicates of an identifier win, as they do in the search index.
 */
async function upsertJson(
  client: pg.ClientBase,
  table: string,
  key: string[],
  rows: Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const cols = await columnsOf(client, table);
  const updates = cols.filter((c) => !key.includes(c)).map((c) => `"${c}" = excluded."${c}"`);
  await client.query(
    `insert into ${table} select * from json_populate_recordset(null::${table}, $1::json)
     on conflict (${key.join(', ')}) do update set ${updates.join(', ')}`,
    [JSON.stringify(rows)],
  );
}

/** Keeps the last occurrence of each key, so one statement never updates a row twice. */
function lastByKey<T>(items: T[], keyOf: (item: T) => string): T[] {
  const map = new Map<string, T>();
  for (const item of items) map.set(keyOf(item), item);
  return [...map.values()];
}

export async function loadRecords(
  client: pg.ClientBase,
  mediaType: MediaType,
  records: MediaRecord[],
  opts: { live?: boolean } = {},
): Promise<number> {
  const target = (t: string) => (opts.live ? t : staging(t));
  const unique = lastByKey(records, (r) => r.identifier);
  await upsertJson(client, target(mediaType), ['identifier'], unique as unknown as Record<string, unknown>[]);
  if (mediaType === 'audio') {
    const sets = (unique as AudioRecord[])
      .filter((r) => r.audio_set && r.audio_set_foreign_identifier && r.provider)
      .map((r) => ({ ...r.audio_set, foreign_identifier: r.audio_set_foreign_identifier, provider: r.provider, thumbnail: r.thumbnail }));
    await upsertJson(client, target('audioset'), ['foreign_identifier', 'provider'], lastByKey(sets, (s) => `${s.foreign_identifier}\u0000${s.provider}`));
  }
  return unique.length;
}

export async function countStaging(client: pg.ClientBase, mediaType: MediaType): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`select count(*)::text as n from ${staging(mediaType)}`);
  return Number(rows[0].n);
}

async function indexesOf(client: pg.ClientBase, table: string): Promise<Map<string, string>> {
  const { rows } = await client.query<{ indexname: string; indexdef: string }>(
    `select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = $1`,
    [table],
  );
  // Keyed by definition with the names taken out, so staging and live indexes pair up.
  return new Map(
    rows.map((r) => [r.indexdef.replace(`INDEX ${r.indexname} ON`, 'INDEX ON').replace(/ ON (\S+\.)?\S+ USING/, ' ON USING'), r.indexname]),
  );
}

/**
 * Replaces the live tables by the staging ones; call inside the promotion transaction.
 * Staging indexes get the live indexes' names back (matched by definition).
 */
export async function swapTables(client: pg.ClientBase, mediaType: MediaType): Promise<void> {
  for (const table of MEDIA_TABLES[mediaType]) {
    const live = await indexesOf(client, table);
    const next = await indexesOf(client, staging(table));
    await client.query(`drop table ${table}`);
    await client.query(`alter table ${staging(table)} rename to ${table}`);
    for (const [def, name] of next) {
      const original = live.get(def);
      if (!original || original === name) continue;
      const constraint = await client.query(`select 1 from pg_constraint where conname = $1 and conrelid = $2::regclass`, [name, table]);
      // Constraint-backed indexes (primary keys) are renamed through their constraint.
      if (constraint.rowCount) await client.query(`alter table ${table} rename constraint "${name}" to "${original}"`);
      else await client.query(`alter index "${name}" rename to "${original}"`);
    }
  }
}
