import { inArray } from 'drizzle-orm';
import { audioWaveform } from '../../drizzle/schema.js';
import type { Database } from './media.js';

/** Stored peaks of the given tracks (tracks without any are absent from the map). */
export async function peaksFor(db: Database, ids: string[]): Promise<Map<string, number[]>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(audioWaveform).where(inArray(audioWaveform.identifier, ids));
  return new Map(rows.map((r) => [r.identifier, r.peaks]));
}
