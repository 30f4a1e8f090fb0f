import { eq } from 'drizzle-orm';
import { searchGeneration } from '../../drizzle/schema.js';
import type { MediaType } from '../../model/record.js';
import type { Database } from './media.js';

/** The live generation's index and shards as the ingest last switched them; null before any refresh. */
export async function readGenerationPointer(
  db: Database,
  mediaType: MediaType,
): Promise<{ index: string; shards: string[][] | null } | null> {
  const [row] = await db
    .select({ index: searchGeneration.live_index, shards: searchGeneration.shards })
    .from(searchGeneration)
    .where(eq(searchGeneration.media_type, mediaType));
  return row ? { index: row.index, shards: row.shards ?? null } : null;
}
