/**
 * Catalog dumps as sources: the Openverse CSV export (with a header) and the catalog
 * TSV formats (COPY text, no header: legacy 17 columns, 20 columns, and rows of the
 * upstream `image` table). Streamed; never read whole into memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { CatalogRow } from '../../model/catalog-row.js';
import { parseCopyLine, parseCsv, parseLines } from './delimited.js';
import type { CatalogSource } from './source.js';

export const LEGACY_TSV_COLUMNS = [
  'foreign_identifier',
  'foreign_landing_url',
  'url',
  'thumbnail',
  'width',
  'height',
  'filesize',
  'license',
  'license_version',
  'creator',
  'creator_url',
  'title',
  'meta_data',
  'tags',
  'watermarked',
  'provider',
  'source',
] as const;

export const TSV20_COLUMNS = [
  'foreign_identifier',
  'foreign_landing_url',
  'url',
  'thumbnail',
  'filetype',
  'filesize',
  'license',
  'license_version',
  'creator',
  'creator_url',
  'title',
  'meta_data',
  'tags',
  'category',
  'watermarked',
  'provider',
  'source',
  'ingestion_type',
  'width',
  'height',
] as const;

export const IMAGE_TABLE_TSV_COLUMNS = [
  'identifier',
  'created_on',
  'updated_on',
  'ingestion_type',
  '_unused_1',
  'foreign_identifier',
  'foreign_landing_url',
  'url',
  'thumbnail',
  'width',
  'height',
  'filesize',
  'license',
  '_unused_2',
  'license_version',
  'creator',
  'creator_url',
  'title',
  'provider',
  'source',
] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Provider dumps carry no identifier (the catalog assigns one on insert); derive a
 * stable UUID v4-shaped one from provider + foreign id so re-ingesting a file
 * updates rather than duplicates.
 */
export function derivedIdentifier(provider: string, foreignId: string): string {
  const h = createHash('sha1').update(`${provider.toLowerCase()}\u0000${foreignId}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function columnsFor(fields: (string | null)[]): readonly string[] | null {
  if (fields.length === LEGACY_TSV_COLUMNS.length) return LEGACY_TSV_COLUMNS;
  if (fields.length === 20) return fields[0] && UUID.test(fields[0]) ? IMAGE_TABLE_TSV_COLUMNS : TSV20_COLUMNS;
  return null;
}

function withDefaults(row: CatalogRow, addedOn: string): CatalogRow {
  // Dumps of provider output have no catalog timestamps: the file's time stands in, so
  // re-ingesting the same file keeps `indexed_on` stable.
  row.created_on ??= addedOn;
  row.updated_on ??= addedOn;
  if (!row.identifier && row.foreign_identifier) {
    row.identifier = derivedIdentifier(String(row.provider ?? row.source ?? ''), String(row.foreign_identifier));
  }
  row.removed_from_source ??= false;
  return row;
}

async function* rowsOf(path: string): AsyncGenerator<CatalogRow> {
  const addedOn = statSync(path).mtime.toISOString();
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  if (path.endsWith('.csv')) {
    let header: string[] | null = null;
    for await (const record of parseCsv(stream)) {
      if (!header) {
        header = record.map((h) => h.trim());
        continue;
      }
      const row: CatalogRow = {};
      for (const [i, name] of header.entries()) row[name] = record[i] === '' ? null : record[i];
      yield withDefaults(row, addedOn);
    }
    return;
  }
  let line = 0;
  for await (const text of parseLines(stream)) {
    line++;
    const fields = parseCopyLine(text);
    const columns = columnsFor(fields);
    const row: CatalogRow = { _line: line };
    if (!columns) {
      // Unknown layout: handed on without an identifier, so cleanup skips and reports it.
      row.foreign_identifier = `${path}:${line}`;
      yield row;
      continue;
    }
    for (const [i, name] of columns.entries()) row[name] = fields[i];
    yield withDefaults(row, addedOn);
  }
}

export function fileSource(path: string, batchSize = 5000): CatalogSource {
  return {
    describe: path,
    async count() {
      // Cheap estimate for progress: newlines in the file (CSV rows may span lines).
      let n = 0;
      for await (const chunk of createReadStream(path)) for (const b of chunk as Buffer) if (b === 10) n++;
      return path.endsWith('.csv') ? Math.max(0, n - 1) : n;
    },
    async *batches() {
      let batch: CatalogRow[] = [];
      for await (const row of rowsOf(path)) {
        batch.push(row);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
  };
}
