/**
 * The cleaned media record: one row of the API `image` / `audio` tables, and the part of
 * a search document that API results are built from. Field names are the column names,
 * so a Postgres row, a record and a document share one vocabulary.
 */
import type { LicenseSlug } from './licenses.js';

export const MEDIA_TYPES = ['image', 'audio'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export interface Tag {
  name: string;
  accuracy: number | null;
}

export interface AudioSet {
  title: string | null;
  foreign_landing_url: string | null;
  creator: string | null;
  creator_url: string | null;
  url: string | null;
  filesize: number | null;
  filetype: string | null;
}

interface CommonRecord {
  identifier: string;
  /** ISO 8601 UTC, e.g. `2022-08-27T17:39:48Z` (the API's `indexed_on`). */
  created_on: string;
  updated_on: string;
  foreign_identifier: string | null;
  title: string | null;
  description: string | null;
  foreign_landing_url: string | null;
  url: string | null;
  thumbnail: string | null;
  creator: string | null;
  creator_url: string | null;
  license: LicenseSlug;
  license_version: string | null;
  /** The provider's own deed URL (`meta_data.license_url`); null means "build it". */
  license_url: string | null;
  provider: string | null;
  source: string | null;
  category: string | null;
  filesize: number | null;
  filetype: string | null;
  tags: Tag[];
  /** Hidden unless the caller asks for sensitive results: provider flag, moderation, or text. */
  mature: boolean;
  /** A moderator marked the work sensitive after a report. */
  user_reported_sensitive: boolean;
  /** Title, description or tags contain a term of the sensitive list. */
  sensitive_text: boolean;
  /** Upstream popularity in [0, 1]. */
  standardized_popularity: number | null;
  /** Detected by the ingest (ISO 639-1; null when unsure); absent on records built elsewhere. */
  language?: string | null;
}

export interface ImageRecord extends CommonRecord {
  width: number | null;
  height: number | null;
}

export interface AudioRecord extends CommonRecord {
  genres: string[] | null;
  duration: number | null;
  bit_rate: number | null;
  sample_rate: number | null;
  alt_files: unknown[] | null;
  audio_set: AudioSet | null;
  audio_set_foreign_identifier: string | null;
}

export type MediaRecord = ImageRecord | AudioRecord;
export type RecordOf<M extends MediaType> = M extends 'image' ? ImageRecord : AudioRecord;

/** Route paths per media type (`/v1/images/`, `/v1/audio/`). */
export const MEDIA_PATH: Record<MediaType, string> = { image: 'images', audio: 'audio' };

/** Lowercase UUID v4, the only identifier form the API routes accept (§1). */
export const IDENTIFIER_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Formats a timestamp as the API's `indexed_on`: UTC, `Z`, fractional seconds only when
 * non-zero (Python's isoformat with `+00:00` rewritten). Accepts Postgres text output
 * (`2022-08-27 17:39:48.1+00`), ISO strings and Dates.
 */
export function formatTimestamp(value: string | Date | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return trimFraction(value.toISOString());
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(value.trim());
  if (!m) {
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? value : trimFraction(parsed.toISOString());
  }
  const [, date, time, fraction = '', zone] = m;
  const utc = !zone || zone === 'Z' || /^[+-]00(:?00)?$/.test(zone);
  if (!utc) return trimFraction(new Date(`${date}T${time}${fraction}${normalizeZone(zone)}`).toISOString());
  const micros = fraction.slice(1).padEnd(6, '0').slice(0, 6);
  return /^0*$/.test(micros) ? `${date}T${time}Z` : `${date}T${time}.${micros}Z`;
}

function normalizeZone(zone: string): string {
  if (/^[+-]\d{2}$/.test(zone)) return `${zone}:00`;
  if (/^[+-]\d{4}$/.test(zone)) return `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return zone;
}

function trimFraction(iso: string): string {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
  if (!m) return iso;
  const micros = (m[2] ?? '').slice(1).padEnd(6, '0');
  return /^0*$/.test(micros) ? `${m[1]}Z` : `${m[1]}.${micros}Z`;
}
