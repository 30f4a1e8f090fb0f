/**
 * Single-record reads for the detail path: Postgres is the source of truth.
 */
import { and, eq } from 'drizzle-orm';
import type { NeonDatabase } from 'drizzle-orm/neon-serverless';
import { audio, audioset, image } from '../../drizzle/schema.js';
import { formatTimestamp, type AudioRecord, type ImageRecord, type MediaRecord, type MediaType } from '../../model/record.js';
import type { LicenseSlug } from '../../model/licenses.js';

export type Database = NeonDatabase<Record<string, never>>;

type ImageRow = typeof image.$inferSelect;
type AudioRow = typeof audio.$inferSelect;
type AudioSetRow = typeof audioset.$inferSelect;

function common(row: ImageRow | AudioRow) {
  return {
    ...row,
    created_on: formatTimestamp(row.created_on),
    updated_on: formatTimestamp(row.updated_on),
    license: row.license as LicenseSlug,
    tags: row.tags ?? [],
  };
}

export function imageRecordFromRow(row: ImageRow): ImageRecord {
  return common(row) as ImageRecord;
}

export function audioRecordFromRow(row: AudioRow, set: AudioSetRow | null): AudioRecord {
  return {
    ...common(row),
    audio_set: set
      ? {
          title: set.title,
          foreign_landing_url: set.foreign_landing_url,
          creator: set.creator,
          creator_url: set.creator_url,
          url: set.url,
          filesize: set.filesize,
          filetype: set.filetype,
        }
      : null,
  } as AudioRecord;
}

export async function findRecord(db: Database, mediaType: MediaType, identifier: string): Promise<MediaRecord | null> {
  if (mediaType === 'image') {
    const rows = await db.select().from(image).where(eq(image.identifier, identifier)).limit(1);
    return rows[0] ? imageRecordFromRow(rows[0]) : null;
  }
  const rows = await db
    .select()
    .from(audio)
    .leftJoin(audioset, and(eq(audioset.foreign_identifier, audio.audio_set_foreign_identifier), eq(audioset.provider, audio.provider)))
    .where(eq(audio.identifier, identifier))
    .limit(1);
  return rows[0] ? audioRecordFromRow(rows[0].audio, rows[0].audioset) : null;
}
