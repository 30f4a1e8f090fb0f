/**
 * Rollback: the previous generation (kept beside the live one) becomes live again, and
 * the rolled-back one takes its place, so a second rollback undoes the first. On one
 * node that is one index swap and one table exchange, like a promotion; on a network,
 * one transaction flipping the row's pointer and the tables (layout.ts).
 */
import type pg from 'pg';
import type { MediaType } from '../../model/record.js';
import { generationLayout, type LayoutOptions } from './layout.js';
import { noPreviousGeneration, readGeneration } from './records.js';

export interface RollbackResult {
  mediaType: MediaType;
  from: number;
  to: number;
  documents: number;
}

export async function rollback(opts: LayoutOptions & { api: pg.ClientBase }): Promise<RollbackResult> {
  const { api, mediaType } = opts;
  const layout = generationLayout(opts);
  await layout.recover(api);
  const row = await readGeneration(api, mediaType);
  if (!row?.previous_index || row.previous_generation === null) throw noPreviousGeneration(mediaType);
  const { documents } = await layout.rollback(api, row);
  return { mediaType, from: row.generation, to: row.previous_generation, documents };
}
