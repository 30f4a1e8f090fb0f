/**
 * The promotion state of each media type (`search_generation`): the live generation,
 * the one kept for rollback, and the promotion in progress (`pending_index`), which
 * `recover` finds after a crash (promote.ts says how a promotion goes). On a Meilisearch
 * network the row is the switch itself: `live_index` on the nodes of `shards` is what
 * search serves (generations/pointer.ts).
 */
import type pg from 'pg';
import type { MediaType } from '../../model/record.js';
import { IngestError } from '../errors.js';

export interface GenerationRow {
  media_type: MediaType;
  generation: number;
  live_index: string;
  previous_index: string | null;
  previous_generation: number | null;
  document_count: number;
  updated_through: string | null;
  pending_index: string | null;
  pending_since: string | null;
  /** On a network: the live generation's shards in partition order, each its nodes' names. */
  shards: string[][] | null;
  previous_shards: string[][] | null;
}

export async function readGeneration(api: pg.ClientBase, mediaType: MediaType): Promise<GenerationRow | null> {
  const { rows } = await api.query<GenerationRow>(
    `select media_type, generation, live_index, previous_index, previous_generation, document_count,
            updated_through::text, pending_index, pending_since::text, shards, previous_shards
       from search_generation where media_type = $1`,
    [mediaType],
  );
  return rows[0] ?? null;
}

export async function markPending(api: pg.ClientBase, mediaType: MediaType, live: string, target: string): Promise<void> {
  await api.query(
    `insert into search_generation (media_type, generation, live_index, document_count, pending_index, pending_since)
     values ($1, 0, $2, 0, $3, now())
     on conflict (media_type) do update set pending_index = excluded.pending_index, pending_since = now()`,
    [mediaType, live, target],
  );
}

export interface PromotionRecord {
  generation: number;
  live: string;
  previousIndex: string | null;
  previousGeneration: number | null;
  documentCount: number;
  updatedThrough: string | null;
  /** The shards of `live` and of `previousIndex` on a network (null or absent on one node). */
  shards?: string[][] | null;
  previousShards?: string[][] | null;
}

/** Step 3: call inside the promotion transaction, after the index swap. */
export async function recordPromotion(api: pg.ClientBase, mediaType: MediaType, p: PromotionRecord): Promise<void> {
  await api.query(
    `insert into search_generation (media_type, generation, live_index, previous_index, previous_generation,
        document_count, promoted_at, updated_through, pending_index, pending_since, shards, previous_shards)
     values ($1, $2, $3, $4, $5, $6, now(), $7, null, null, $8::jsonb, $9::jsonb)
     on conflict (media_type) do update set generation = excluded.generation, live_index = excluded.live_index,
       previous_index = excluded.previous_index, previous_generation = excluded.previous_generation,
       document_count = excluded.document_count, promoted_at = now(), updated_through = excluded.updated_through,
       pending_index = null, pending_since = null, shards = excluded.shards, previous_shards = excluded.previous_shards`,
    [
      mediaType,
      p.generation,
      p.live,
      p.previousIndex,
      p.previousGeneration,
      p.documentCount,
      p.updatedThrough,
      p.shards ? JSON.stringify(p.shards) : null,
      p.previousShards ? JSON.stringify(p.previousShards) : null,
    ],
  );
}

/** Forgets the promotion in progress (it was undone, or never got past its index swap). */
export async function clearPending(api: pg.ClientBase, mediaType: MediaType): Promise<void> {
  await api.query('update search_generation set pending_index = null, pending_since = null where media_type = $1', [mediaType]);
}

/** A rollback finds no kept previous generation (`why` says what is missing, when known). */
export function noPreviousGeneration(mediaType: MediaType, why?: string): IngestError {
  return new IngestError(`no previous ${mediaType} generation is kept${why ? ` (${why})` : ''}: nothing to roll back to`);
}
