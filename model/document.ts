/**
 * Search documents: what the ingest pushes to Meilisearch and what the Worker builds
 * search results from (no Postgres round trip on the search path). A document is the
 * record plus the derived fields the engine filters and ranks on (§10.6).
 */
import type { ColorName, DominantColor } from './colors.js';
import type { AudioRecord, ImageRecord, MediaRecord, MediaType } from './record.js';

export type AspectRatio = 'tall' | 'wide' | 'square';
export type ImageSize = 'small' | 'medium' | 'large';
export type AudioLength = 'shortest' | 'short' | 'medium' | 'long';

interface DerivedFields {
  /** Meilisearch primary key: the record identifier. */
  id: string;
  /** Flattened tag names, the field `tags` field-search runs on. */
  tag_names: string[];
  /** `created_on` as epoch seconds, for `unstable__sort_by=indexed_on`. */
  indexed_on_ts: number;
  /** Popularity scaled to [0, 100]; 0 when unknown so the ranking rule sees a number. */
  popularity: number;
  extension: string | string[] | null;
  /** The detected language (ISO 639-1), filterable; null when unknown (`language=` prefers one). */
  language: string | null;
}

export type ImageDocument = ImageRecord &
  DerivedFields & { aspect_ratio: AspectRatio | null; size: ImageSize | null } & Partial<ColorFields>;

/**
 * An image's dominant colours in its document (absent until the colour job computed
 * them): `colors` as results show them, `color_names` what `color=` filters on.
 */
export interface ColorFields {
  colors: DominantColor[];
  color_names: ColorName[];
}

/** The colour fields a refresh serialises and the colour job's live update sets: one shape for both. */
export function colorFields(colors: DominantColor[]): ColorFields {
  return { colors, color_names: colors.map((c) => c.name) };
}
export type AudioDocument = AudioRecord & DerivedFields & { length: AudioLength | null };
export type SearchDocument = ImageDocument | AudioDocument;

export function aspectRatioOf(width: number | null, height: number | null): AspectRatio | null {
  if (!width || !height) return null;
  if (height > width) return 'tall';
  if (height < width) return 'wide';
  return 'square';
}

/** Size buckets by pixel count: < 640×480 small, < 1600×900 medium, else large. */
export function sizeOf(width: number | null, height: number | null): ImageSize | null {
  if (!width || !height) return null;
  const pixels = width * height;
  if (pixels < 307_200) return 'small';
  if (pixels < 1_440_000) return 'medium';
  return 'large';
}

/** Length buckets by duration in ms: < 30 s, < 2 min, < 10 min, longer. */
export function lengthOf(durationMs: number | null): AudioLength | null {
  if (!durationMs) return null;
  if (durationMs < 30_000) return 'shortest';
  if (durationMs < 120_000) return 'short';
  if (durationMs < 600_000) return 'medium';
  return 'long';
}

/**
 * File extension from the URL path. Unlike the original (§10.6 quirk) the query string
 * is dropped, so `photo.jpg?w=1` filters as `jpg`.
 */
export function extensionOf(url: string | null): string | null {
  if (!url) return null;
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split(/[?#]/)[0];
  }
  const dot = path.lastIndexOf('.');
  if (dot < 0) return null;
  const ext = path.slice(dot + 1).toLowerCase();
  return ext && !ext.includes('/') ? ext : null;
}

function derived(record: MediaRecord): DerivedFields {
  const popularity = record.standardized_popularity ?? 0;
  const ts = Date.parse(record.created_on);
  return {
    id: record.identifier,
    tag_names: record.tags.map((t) => t.name),
    indexed_on_ts: Number.isNaN(ts) ? 0 : Math.floor(ts / 1000),
    popularity: Math.min(100, Math.max(0, popularity * 100)),
    extension: null,
    language: record.language ?? null,
  };
}

export function imageDocument(record: ImageRecord, colors?: DominantColor[]): ImageDocument {
  const base = derived(record);
  return {
    ...record,
    ...base,
    extension: record.filetype?.toLowerCase() || extensionOf(record.url),
    aspect_ratio: aspectRatioOf(record.width, record.height),
    size: sizeOf(record.width, record.height),
    ...(colors?.length ? colorFields(colors) : {}),
  };
}

export function audioDocument(record: AudioRecord): AudioDocument {
  const base = derived(record);
  // Unlike the original, the main filetype is included alongside the alternates.
  const altTypes = (record.alt_files ?? [])
    .map((f) => (f && typeof f === 'object' ? (f as { filetype?: unknown }).filetype : null))
    .filter((t): t is string => typeof t === 'string' && t.length > 0)
    .map((t) => t.toLowerCase());
  const main = record.filetype?.toLowerCase() || extensionOf(record.url);
  const all = [...new Set([main, ...altTypes].filter((t): t is string => !!t))];
  return {
    ...record,
    ...base,
    extension: all.length === 0 ? null : all.length === 1 ? all[0] : all,
    length: lengthOf(record.duration),
  };
}

/** `colors`: an image's stored dominant colours, when the colour job has computed them. */
export function toDocument(mediaType: MediaType, record: MediaRecord, colors?: DominantColor[]): SearchDocument {
  return mediaType === 'image' ? imageDocument(record as ImageRecord, colors) : audioDocument(record as AudioRecord);
}
