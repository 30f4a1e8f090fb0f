/**
 * Reads the upstream catalog tables (Openverse catalog schema, §10.9) in id order, in
 * batches. Keyset paging (`id > last`) keeps memory flat, holds no long transaction
 * open on the upstream database, and works on PGlite as well as on Postgres.
 */
import type pg from 'pg';
import type { CatalogRow } from '../../model/catalog-row.js';
import type { MediaType } from '../../model/record.js';
import type { CatalogSource } from './source.js';
import { IngestError } from '../errors.js';

export interface UpstreamOptions {
  schema: string;
  batchSize?: number;
  /** Only rows updated at or after this instant (incremental updates). */
  since?: string;
}

function tableOf(schema: string, mediaType: MediaType): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new IngestError(`invalid upstream schema name: ${schema}`);
  return `"${schema}"."${mediaType}"`;
}

export async function countUpstream(client: pg.ClientBase, mediaType: MediaType, opts: UpstreamOptions): Promise<number> {
  const where = opts.since ? 'where updated_on >= $1' : '';
  const { rows } = await client.query<{ n: string }>(
    `select count(*)::text as n from ${tableOf(opts.schema, mediaType)} ${where}`,
    opts.since ? [opts.since] : [],
  );
  return Number(rows[0].n);
}

async function* readUpstream(client: pg.ClientBase, mediaType: MediaType, opts: UpstreamOptions): AsyncGenerator<CatalogRow[]> {
  const batchSize = opts.batchSize ?? 5000;
  const table = tableOf(opts.schema, mediaType);
  let last = 0;
  for (;;) {
    const params: unknown[] = [last, batchSize];
    let where = 'id > $1';
    if (opts.since) {
      params.push(opts.since);
      where += ' and updated_on >= $3';
    }
    // Timestamps as text so the document model formats them without Date rounding.
    const { rows } = await client.query<CatalogRow>(
      `select *, created_on::text as created_on, updated_on::text as updated_on
         from ${table} where ${where} order by id limit $2`,
      params,
    );
    if (rows.length === 0) return;
    last = Number(rows[rows.length - 1].id);
    yield rows;
    if (rows.length < batchSize) return;
  }
}

export function upstreamPostgresSource(client: pg.ClientBase, mediaType: MediaType, opts: UpstreamOptions): CatalogSource {
  return {
    describe: `postgres ${opts.schema}.${mediaType}`,
    count: () => countUpstream(client, mediaType, opts),
    batches: () => readUpstream(client, mediaType, opts),
  };
}
