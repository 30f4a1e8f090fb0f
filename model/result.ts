/**
 * API results (§5): built from a record or a search document, in the contract's key
 * order. The search path and the detail path both serialize through here.
 */
import { attributionText } from './attribution.js';
import type { DominantColor } from './colors.js';
import { buildLicenseUrl } from './licenses.js';
import { MEDIA_PATH, formatTimestamp } from './record.js';
import type { AudioRecord, AudioSet, ImageRecord, MediaRecord, MediaType, Tag } from './record.js';
import { outputUrl } from './urls.js';

export interface ResultContext {
  /** Scheme + host the request came in on, without a trailing slash (§2.6). */
  baseUrl: string;
  /** Searched fields that matched, sorted (`title`, `description`, `tags.name`). */
  fieldsMatched?: string[];
  /** Stored waveform peaks; present only when the caller asked with `peaks=true`. */
  peaks?: number[];
  /** Add `unstable__sensitivity` (asked for with `unstable__include_sensitive_results`). */
  sensitivity?: boolean;
  /** An image's dominant colours; present only when the caller asked with `colors=true`. */
  colors?: DominantColor[];
}

/** A value JSON can hold (what catalog JSON columns parse to). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type SensitivityReason = 'user_reported_sensitive' | 'sensitive_text';

/** Why a work counts as sensitive, as the newer Openverse API reports it. */
export function sensitivityOf(record: MediaRecord): SensitivityReason[] {
  const reasons: SensitivityReason[] = [];
  if (record.user_reported_sensitive) reasons.push('user_reported_sensitive');
  if (record.sensitive_text) reasons.push('sensitive_text');
  return reasons;
}

export interface ImageResult {
  id: string;
  title: string | null;
  indexed_on: string;
  foreign_landing_url: string | null;
  url: string | null;
  creator: string | null;
  creator_url: string | null;
  license: string;
  license_version: string | null;
  license_url: string;
  provider: string | null;
  source: string | null;
  category: string | null;
  filesize: number | null;
  filetype: string | null;
  tags: Tag[];
  attribution: string;
  fields_matched: string[];
  mature: boolean;
  height: number | null;
  width: number | null;
  thumbnail: string;
  detail_url: string;
  related_url: string;
  unstable__sensitivity?: SensitivityReason[];
  colors?: DominantColor[];
}

export interface AudioResult {
  id: string;
  title: string | null;
  indexed_on: string;
  foreign_landing_url: string | null;
  url: string | null;
  creator: string | null;
  creator_url: string | null;
  license: string;
  license_version: string | null;
  license_url: string;
  provider: string | null;
  source: string | null;
  category: string | null;
  genres: string[] | null;
  filesize: number | null;
  filetype: string | null;
  tags: Tag[];
  alt_files: JsonValue[] | null;
  attribution: string;
  fields_matched: string[];
  mature: boolean;
  audio_set: AudioSet | null;
  duration: number | null;
  bit_rate: number | null;
  sample_rate: number | null;
  thumbnail: string | null;
  detail_url: string;
  related_url: string;
  waveform: string;
  peaks?: number[];
  unstable__sensitivity?: SensitivityReason[];
}

function licenseUrlOf(record: MediaRecord): string {
  return record.license_url || buildLicenseUrl(record.license, record.license_version);
}

function audioSetOf(set: AudioSet | null): AudioSet | null {
  if (!set) return null;
  return {
    ...set,
    foreign_landing_url: outputUrl(set.foreign_landing_url),
    creator_url: outputUrl(set.creator_url),
    url: outputUrl(set.url),
  };
}

function tagsOf(record: MediaRecord): Tag[] {
  return (record.tags ?? []).map((t) => ({ name: t.name, accuracy: t.accuracy ?? null }));
}

/**
 * The document fields results are built from: a search asks the engine for these only
 * (descriptions, derived ranking fields and duplicates stay in the index), which is less
 * for the engine to serialise and the Worker to parse. `identifier` and `id` are the same
 * value; `id` is the engine's key.
 */
const COMMON_RESULT_FIELDS = [
  'id',
  'identifier',
  'title',
  'created_on',
  'foreign_landing_url',
  'url',
  'creator',
  'creator_url',
  'license',
  'license_version',
  'license_url',
  'provider',
  'source',
  'category',
  'filesize',
  'filetype',
  'tags',
  'mature',
  'user_reported_sensitive',
  'sensitive_text',
  'thumbnail',
] as const;
export const RESULT_FIELDS: Record<MediaType, readonly string[]> = {
  image: [...COMMON_RESULT_FIELDS, 'height', 'width'],
  audio: [...COMMON_RESULT_FIELDS, 'genres', 'alt_files', 'audio_set', 'duration', 'bit_rate', 'sample_rate'],
};

export function imageResult(record: ImageRecord, ctx: ResultContext): ImageResult {
  const license = record.license.toLowerCase();
  const licenseUrl = licenseUrlOf(record);
  const base = `${ctx.baseUrl}/v1/${MEDIA_PATH.image}/${record.identifier}`;
  const result: ImageResult = {
    id: record.identifier,
    title: record.title,
    indexed_on: formatTimestamp(record.created_on),
    foreign_landing_url: outputUrl(record.foreign_landing_url),
    url: outputUrl(record.url),
    creator: record.creator,
    creator_url: outputUrl(record.creator_url),
    license,
    license_version: record.license_version,
    license_url: licenseUrl,
    provider: record.provider,
    source: record.source,
    category: record.category,
    filesize: record.filesize,
    filetype: record.filetype,
    tags: tagsOf(record),
    attribution: attributionText({
      title: record.title,
      creator: record.creator,
      license,
      licenseVersion: record.license_version,
      licenseUrl,
    }),
    fields_matched: ctx.fieldsMatched ?? [],
    mature: record.mature,
    height: record.height,
    width: record.width,
    thumbnail: `${base}/thumb/`,
    detail_url: `${base}/`,
    related_url: `${base}/related/`,
  };
  if (ctx.sensitivity) result.unstable__sensitivity = sensitivityOf(record);
  if (ctx.colors) result.colors = ctx.colors;
  return result;
}

export function audioResult(record: AudioRecord, ctx: ResultContext): AudioResult {
  const license = record.license.toLowerCase();
  const licenseUrl = licenseUrlOf(record);
  const base = `${ctx.baseUrl}/v1/${MEDIA_PATH.audio}/${record.identifier}`;
  const result: AudioResult = {
    id: record.identifier,
    title: record.title,
    indexed_on: formatTimestamp(record.created_on),
    foreign_landing_url: outputUrl(record.foreign_landing_url),
    url: outputUrl(record.url),
    creator: record.creator,
    creator_url: outputUrl(record.creator_url),
    license,
    license_version: record.license_version,
    license_url: licenseUrl,
    provider: record.provider,
    source: record.source,
    category: record.category,
    genres: record.genres,
    filesize: record.filesize,
    filetype: record.filetype,
    tags: tagsOf(record),
    // Parsed from the catalog's JSON column: JSON values all the way down.
    alt_files: record.alt_files as JsonValue[] | null,
    attribution: attributionText({
      title: record.title,
      creator: record.creator,
      license,
      licenseVersion: record.license_version,
      licenseUrl,
    }),
    fields_matched: ctx.fieldsMatched ?? [],
    mature: record.mature,
    audio_set: audioSetOf(record.audio_set),
    duration: record.duration,
    bit_rate: record.bit_rate,
    sample_rate: record.sample_rate,
    // The ingest falls back to the audio set's artwork, so this is non-null whenever
    // `/thumb/` has something to serve (the original nulled it for set artwork).
    thumbnail: record.thumbnail ? `${base}/thumb/` : null,
    detail_url: `${base}/`,
    related_url: `${base}/related/`,
    waveform: `${base}/waveform/`,
  };
  if (ctx.peaks) result.peaks = ctx.peaks;
  if (ctx.sensitivity) result.unstable__sensitivity = sensitivityOf(record);
  return result;
}

export function mediaResult(mediaType: MediaType, record: MediaRecord, ctx: ResultContext): ImageResult | AudioResult {
  return mediaType === 'image' ? imageResult(record as ImageRecord, ctx) : audioResult(record as AudioRecord, ctx);
}
