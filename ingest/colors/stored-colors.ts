/**
 * Images' dominant colours in Postgres (`image_color`): what the colour job writes and
 * the pipeline reads back when it serialises documents, so colours survive refreshes.
 * A row counts only while the work still points at the picture it was computed from.
 */
import type pg from 'pg';
import type { DominantColor } from '../../model/colors.js';
import { colorFields } from '../../model/document.js';
import type { ImageRecord } from '../../model/record.js';
import { type Placement, updateDocuments } from '../shards/placement.js';

/** The picture an image's colours are computed from: its thumbnail, else the image itself. */
export const COLOR_SOURCE_SQL = 'coalesce(i.thumbnail, i.url)';
export function colorSourceOf(record: Pick<ImageRecord, 'thumbnail' | 'url'>): string {
  return record.thumbnail ?? record.url ?? '';
}

/** Stored colours of these images, by identifier (images without any, or stale ones, are absent). */
export async function storedColors(
  client: pg.ClientBase,
  records: Pick<ImageRecord, 'identifier' | 'thumbnail' | 'url'>[],
): Promise<Map<string, DominantColor[]>> {
  if (records.length === 0) return new Map();
  const { rows } = await client.query<{ identifier: string; colors: DominantColor[] }>(
    `select c.identifier::text, c.colors from image_color c
       join unnest($1::uuid[], $2::text[]) as w(identifier, source_url) using (identifier, source_url)`,
    [records.map((r) => r.identifier), records.map(colorSourceOf)],
  );
  return new Map(rows.map((r) => [r.identifier, r.colors]));
}

/** Records (or replaces) an image's colours and the picture they came from. */
export async function storeColors(client: pg.ClientBase, identifier: string, sourceUrl: string, colors: DominantColor[]): Promise<void> {
  await client.query(
    `insert into image_color (identifier, source_url, colors) values ($1, $2, $3::jsonb)
     on conflict (identifier) do update set source_url = excluded.source_url, colors = excluded.colors, created_on = now()`,
    [identifier, sourceUrl, JSON.stringify(colors)],
  );
}

/**
 * Colours the job stored since `since` (while a refresh ran: their live update went to
 * the generation being replaced), set on the generation being built, for the works of
 * its staging table that still show the same picture.
 */
export async function reapplyColors(api: pg.ClientBase, target: Placement, since: string): Promise<void> {
  const { rows } = await api.query<{ identifier: string; colors: DominantColor[] }>(
    `select c.identifier::text, c.colors from image_color c join image_new i using (identifier)
      where c.created_on >= $1 and c.source_url = ${COLOR_SOURCE_SQL}`,
    [since],
  );
  await updateDocuments(
    target,
    rows.map((r) => ({ id: r.identifier, ...colorFields(r.colors) })),
    { existingOnly: true },
  );
}
