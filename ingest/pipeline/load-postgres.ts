/**
 * Loads cleaned records into the API tables without touching what is served: rows go
 * to `<table>_new`, and `swapTables` replaces the live tables inside the promotion
 * transaction, renaming indexes back so later migrations find them by name.
 */
import type pg from 'pg';
import type { AudioRecord, MediaRecord, MediaType } from '../../model/record.js';
import { sourceInfo } from '../../model/sources.js';
import { IngestError } from '../errors.js';

export const MEDIA_TABLES: Record<MediaType, string[]> = { image: ['image'], audio: ['audio', 'audioset'] };

/** The table a refresh loads before it is promoted. */
export const staging = (table: string) => `${table}_new`;

export async function createStagingTables(client: pg.ClientBase, mediaType: MediaType): Promise<void> {
  for (const table of MEDIA_TABLES[mediaType]) {
    await client.query(`drop table if exists ${staging(table)}`);
    await client.query(`create table ${staging(table)} (like ${table} including all)`);
  }
}

export async function dropStagingTables(client: pg.ClientBase, mediaType: MediaType): Promise<void> {
  for (const table of MEDIA_TABLES[mediaType]) await client.query(`drop table if exists ${staging(table)}`);
}

/**
 * Column lists per connection: looked up once per table by each connection (a task
 * opens its own), so a migration run between tasks is always seen.
 */
const columnCache = new WeakMap<pg.ClientBase, Map<string, string[]>>();

async function columnsOf(client: pg.ClientBase, table: string): Promise<string[]> {
  let tables = columnCache.get(client);
  if (!tables) columnCache.set(client, (tables = new Map()));
  const cached = tables.get(table);
  if (cached) return cached;
  const { rows } = await client.query<{ column_name: string }>(
    `select column_name from information_schema.columns
      where table_schema = current_schema() and table_name = $1 order by ordinal_position`,
    [table],
  );
  const cols = rows.map((r) => r.column_name);
  tables.set(table, cols);
  return cols;
}

/**
 * Upserts one batch with a single JSON parameter: `json_populate_recordset` maps keys to
 * columns (unknown keys ignored), which is fast on Postgres and on PGlite alike.
 * Later duplicates of an identifier win, as they do in the search index.
 */
async function upsertJson(client: pg.ClientBase, table: string, key: string[], rows: Record<string, unknown>[]): Promise<void> {
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
    await upsertJson(
      client,
      target('audioset'),
      ['foreign_identifier', 'provider'],
      lastByKey(sets, (s) => `${s.foreign_identifier}\u0000${s.provider}`),
    );
  }
  return unique.length;
}

export async function countStaging(client: pg.ClientBase, mediaType: MediaType): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`select count(*)::text as n from ${staging(mediaType)}`);
  return Number(rows[0].n);
}

/**
 * Renames a table and its indexes (`<from>_*` → `<to>_*`, constraints included), so a
 * table's indexes always carry its current name.
 */
async function renameTable(client: pg.ClientBase, from: string, to: string): Promise<void> {
  await client.query(`alter table ${from} rename to ${to}`);
  const { rows } = await client.query<{ indexname: string }>(
    `select indexname from pg_indexes where schemaname = current_schema() and tablename = $1`,
    [to],
  );
  for (const { indexname } of rows) {
    if (!indexname.startsWith(`${from}_`)) continue;
    const renamed = `${to}_${indexname.slice(from.length + 1)}`;
    const constraint = await client.query(`select 1 from pg_constraint where conname = $1 and conrelid = $2::regclass`, [indexname, to]);
    // Constraint-backed indexes (primary keys) are renamed through their constraint.
    if (constraint.rowCount) await client.query(`alter table ${to} rename constraint "${indexname}" to "${renamed}"`);
    else await client.query(`alter index "${indexname}" rename to "${renamed}"`);
  }
}

/** The table holding the previous generation's rows, for rollback. */
export const previous = (table: string) => `${table}_prev`;

export async function tableExists(client: pg.ClientBase, table: string): Promise<boolean> {
  const { rows } = await client.query<{ t: string | null }>(`select to_regclass($1)::text as t`, [table]);
  return rows[0].t !== null;
}

export async function stagingExists(client: pg.ClientBase, mediaType: MediaType): Promise<boolean> {
  return tableExists(client, staging(mediaType));
}

/**
 * Promotes the staging tables: live → `<table>_prev` (kept for rollback, replacing the
 * one before), staging → live. Call inside the promotion transaction.
 */
export async function swapTables(client: pg.ClientBase, mediaType: MediaType): Promise<void> {
  for (const table of MEDIA_TABLES[mediaType]) {
    await client.query(`drop table if exists ${previous(table)}`);
    await renameTable(client, table, previous(table));
    await renameTable(client, staging(table), table);
  }
}

/** Exchanges live and `<table>_prev` (rollback, and roll-forward again). */
export async function exchangePrevious(client: pg.ClientBase, mediaType: MediaType): Promise<void> {
  for (const table of MEDIA_TABLES[mediaType]) {
    if (!(await tableExists(client, previous(table)))) {
      throw new IngestError(`no previous ${table} table to roll back to`);
    }
    await renameTable(client, table, `${table}_swap`);
    await renameTable(client, previous(table), table);
    await renameTable(client, `${table}_swap`, previous(table));
  }
}

/** Adds sources a refresh saw for the first time to `content_provider`. */
export async function upsertSources(client: pg.ClientBase, mediaType: MediaType, seen: Map<string, number>): Promise<void> {
  const rows = [...seen.keys()].map((id) => {
    const info = sourceInfo(id);
    return { provider_identifier: id, media_type: mediaType, provider_name: info.name, domain_name: info.url };
  });
  if (rows.length === 0) return;
  await client.query(
    `insert into content_provider (provider_identifier, media_type, provider_name, domain_name)
     select provider_identifier, media_type, provider_name, domain_name
       from json_populate_recordset(null::content_provider, $1::json)
     on conflict (provider_identifier, media_type) do nothing`,
    [JSON.stringify(rows)],
  );
}
