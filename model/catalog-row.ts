/**
 * Catalog row → cleaned record (§10.4, §10.6 and what real rows need). A row that cannot
 * be repaired is rejected with a reason code; the ingest counts and reports it by id.
 */
import { decodeHtmlEntities } from './html-entities.js';
import { normalizeLicense } from './licenses.js';
import { formatTimestamp } from './record.js';
import type { AudioRecord, AudioSet, ImageRecord, MediaRecord, MediaType, Tag } from './record.js';
import { repairUrl } from './urls.js';

/** A row as read from the upstream `image` / `audio` tables or a dump of them. */
export type CatalogRow = Record<string, unknown>;

export type SkipReason = 'invalid_identifier' | 'unknown_license' | 'invalid_url' | 'removed_from_source' | 'invalid_timestamp' | 'deleted';

export type CleanResult<R> = { ok: true; record: R } | { ok: false; id: string; reason: SkipReason };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_DESCRIPTION = 2000;
const MIN_TAG_ACCURACY = 0.9;
const DENIED_TAGS = new Set([
  'no person',
  'squareformat',
  'uploaded:by=flickrmobile',
  'uploaded:by=instagram',
  'flickriosapp:filter=flamingo',
]);
// Substrings that mark machine or licence tags; plain `by` is left out on purpose so
// "baby" and "hobby" survive (the original dropped them, §10.4).
const DENIED_TAG_PARTS = ['flickriosapp', 'uploaded', ':', '=', 'cc0', 'by-nc', 'by-nd', 'by-sa', 'pdm'];

function str(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value).trim();
  return s.length ? s : null;
}

function text(value: unknown): string | null {
  const s = str(value);
  return s === null ? null : decodeHtmlEntities(s);
}

function int(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n >= 0 && n <= 2_147_483_647 ? Math.round(n) : null;
}

function json(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  if (!value.trim()) return null;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}

function bool(value: unknown): boolean {
  return value === true || value === 't' || value === 'true' || value === 1 || value === '1';
}

function object(value: unknown): Record<string, unknown> | null {
  const v = json(value);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** Postgres array literal `{rock,"hip hop"}` or a JS array → strings. */
function stringArray(value: unknown): string[] | null {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  const s = str(value);
  if (!s) return null;
  if (s.startsWith('[')) {
    const parsed = json(s);
    return Array.isArray(parsed) ? parsed.map(String) : null;
  }
  if (!s.startsWith('{') || !s.endsWith('}')) return [s];
  const items: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|([^,]+)/g;
  for (const m of s.slice(1, -1).matchAll(re)) {
    const item = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2].trim();
    if (item && item !== 'NULL') items.push(item);
  }
  return items.length ? items : null;
}

/** Machine-tag and licence-tag cleanup of §10.4; names are decoded and de-duplicated. */
export function cleanTags(value: unknown): Tag[] {
  const raw = json(value);
  if (!Array.isArray(raw)) return [];
  const seen = new Set<string>();
  const tags: Tag[] = [];
  for (const item of raw) {
    if (!item || typeof item !== 'object') continue;
    const { name, accuracy } = item as { name?: unknown; accuracy?: unknown };
    if (typeof name !== 'string') continue;
    const clean = decodeHtmlEntities(name.trim());
    const lower = clean.toLowerCase();
    if (!clean || DENIED_TAGS.has(lower) || DENIED_TAG_PARTS.some((p) => lower.includes(p))) continue;
    const acc = accuracy === null || accuracy === undefined || accuracy === '' ? null : Number(accuracy);
    if (acc !== null && (!Number.isFinite(acc) || acc < MIN_TAG_ACCURACY)) continue;
    if (seen.has(lower)) continue;
    seen.add(lower);
    tags.push({ name: clean, accuracy: acc });
  }
  return tags;
}

/** Keeps the provider's deed URL only when it names the same licence as the row. */
function licenseUrlFor(meta: Record<string, unknown> | null, slug: string): string | null {
  const raw = repairUrl(str(meta?.license_url));
  if (!raw) return null;
  if (!raw.includes('creativecommons.org')) return raw;
  const path = raw.toLowerCase();
  const expected = slug === 'cc0' ? '/zero/' : slug === 'pdm' ? '/mark/' : `/licenses/${slug}/`;
  return path.includes(expected) ? raw : null;
}

function timestamp(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const formatted = formatTimestamp(value instanceof Date ? value : String(value));
  return Number.isNaN(Date.parse(formatted)) ? null : formatted;
}

type CommonFields = Omit<MediaRecord, 'width' | 'height' | keyof AudioOnly>;
type AudioOnly = Omit<AudioRecord, keyof ImageRecord | 'identifier'>;

function cleanCommon(row: CatalogRow): CleanResult<CommonFields> {
  const rawId = str(row.identifier)?.toLowerCase() ?? '';
  const id = rawId || str(row.foreign_identifier) || '(no identifier)';
  if (!UUID.test(rawId)) return { ok: false, id, reason: 'invalid_identifier' };
  if (bool(row.removed_from_source)) return { ok: false, id, reason: 'removed_from_source' };
  const license = normalizeLicense(str(row.license));
  if (!license) return { ok: false, id, reason: 'unknown_license' };
  const url = repairUrl(str(row.url));
  if (!url) return { ok: false, id, reason: 'invalid_url' };
  const created = timestamp(row.created_on) ?? timestamp(row.updated_on);
  if (!created) return { ok: false, id, reason: 'invalid_timestamp' };
  const meta = object(row.meta_data);
  const description = text(meta?.description);
  const popularity = Number(row.standardized_popularity);
  return {
    ok: true,
    record: {
      identifier: rawId,
      created_on: created,
      updated_on: timestamp(row.updated_on) ?? created,
      foreign_identifier: str(row.foreign_identifier),
      title: text(row.title),
      description: description ? description.slice(0, MAX_DESCRIPTION) : null,
      foreign_landing_url: repairUrl(str(row.foreign_landing_url)),
      url,
      thumbnail: repairUrl(str(row.thumbnail)),
      creator: text(row.creator),
      creator_url: repairUrl(str(row.creator_url)),
      license,
      license_version: str(row.license_version),
      license_url: licenseUrlFor(meta, license),
      provider: str(row.provider)?.toLowerCase() ?? null,
      source: (str(row.source) ?? str(row.provider))?.toLowerCase() ?? null,
      category: str(row.category)?.toLowerCase() ?? null,
      filesize: int(row.filesize),
      filetype: str(row.filetype)?.toLowerCase() ?? null,
      tags: cleanTags(row.tags),
      mature: bool(meta?.mature),
      user_reported_sensitive: false,
      sensitive_text: false,
      standardized_popularity: Number.isFinite(popularity) ? Math.min(1, Math.max(0, popularity)) : null,
    },
  };
}

export function cleanImageRow(row: CatalogRow): CleanResult<ImageRecord> {
  const common = cleanCommon(row);
  if (!common.ok) return common;
  return {
    ok: true,
    record: { ...common.record, width: int(row.width) || null, height: int(row.height) || null } as ImageRecord,
  };
}

/**
 * The audio set a track belongs to. Two shapes exist upstream: the catalog's
 * `{foreign_identifier, title, url, thumbnail, …}` and Jamendo's
 * `{audio_set, set_url, set_thumbnail, set_position}`.
 */
function audioSetOf(value: unknown): { set: AudioSet | null; foreignId: string | null; thumbnail: string | null } {
  const raw = object(value);
  if (!raw) return { set: null, foreignId: null, thumbnail: null };
  // The set's URLs get the same repair as the work's (a `javascript:` link is dropped).
  const set: AudioSet = {
    title: text(raw.title ?? raw.audio_set),
    foreign_landing_url: repairUrl(str(raw.foreign_landing_url ?? raw.set_url)),
    creator: text(raw.creator),
    creator_url: repairUrl(str(raw.creator_url)),
    url: repairUrl(str(raw.url ?? raw.set_url)),
    filesize: int(raw.filesize),
    filetype: str(raw.filetype),
  };
  // The key is the upstream text as given: it joins the set back in Postgres.
  const foreignId = str(raw.foreign_identifier) ?? str(raw.url ?? raw.set_url);
  const empty = Object.values(set).every((v) => v === null);
  return { set: empty ? null : set, foreignId: empty ? null : foreignId, thumbnail: repairUrl(str(raw.thumbnail ?? raw.set_thumbnail)) };
}

export function cleanAudioRow(row: CatalogRow): CleanResult<AudioRecord> {
  const common = cleanCommon(row);
  if (!common.ok) return common;
  const { set, foreignId, thumbnail } = audioSetOf(row.audio_set);
  const alt = json(row.alt_files);
  const record: AudioRecord = {
    ...(common.record as Omit<AudioRecord, keyof AudioOnly>),
    // The set's artwork stands in for a track without its own (served by `/thumb/`).
    thumbnail: common.record.thumbnail ?? thumbnail,
    genres: stringArray(row.genres),
    duration: int(row.duration),
    bit_rate: int(row.bit_rate),
    sample_rate: int(row.sample_rate),
    alt_files: Array.isArray(alt) && alt.length ? alt : null,
    // Without a key the set cannot be joined back from Postgres, so it is not kept.
    audio_set: set && (str(row.audio_set_foreign_identifier) ?? foreignId) ? set : null,
    audio_set_foreign_identifier: set ? (str(row.audio_set_foreign_identifier) ?? foreignId) : null,
  };
  return { ok: true, record };
}

export function cleanRow(mediaType: MediaType, row: CatalogRow): CleanResult<MediaRecord> {
  return mediaType === 'image' ? cleanImageRow(row) : cleanAudioRow(row);
}
