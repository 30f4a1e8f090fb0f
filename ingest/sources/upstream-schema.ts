/**
 * DDL for the Openverse catalog's upstream media tables (reference §10.9, `image_view` /
 * `audio_view`). The demo catalog and the ingest tests load into these tables so the
 * ingest path reads exactly what it would read from the real catalog.
 *
 * Plain SQL only (no extensions, no DO blocks): it has to run unchanged on PostgreSQL 15
 * and on PGlite (Postgres 17 in WASM), whose extension set differs.
 */
import { IngestError } from '../errors.js';

/** Upstream `image` columns in table order, without the serial `id`. */
export const UPSTREAM_IMAGE_COLUMNS = [
  'created_on',
  'updated_on',
  'identifier',
  'provider',
  'source',
  'foreign_identifier',
  'foreign_landing_url',
  'url',
  'thumbnail',
  'width',
  'height',
  'filesize',
  'license',
  'license_version',
  'creator',
  'creator_url',
  'title',
  'tags_list',
  'last_synced_with_source',
  'removed_from_source',
  'meta_data',
  'view_count',
  'tags',
  'watermarked',
  'filetype',
  'standardized_popularity',
  'ingestion_type',
  'category',
] as const;

/** Upstream `audio` columns in table order, without the serial `id`. */
export const UPSTREAM_AUDIO_COLUMNS = [
  'created_on',
  'updated_on',
  'identifier',
  'foreign_identifier',
  'title',
  'foreign_landing_url',
  'creator',
  'creator_url',
  'url',
  'filesize',
  'watermarked',
  'license',
  'license_version',
  'provider',
  'source',
  'last_synced_with_source',
  'removed_from_source',
  'view_count',
  'tags',
  'tags_list',
  'meta_data',
  'audio_set_position',
  'genres',
  'category',
  'duration',
  'bit_rate',
  'sample_rate',
  'alt_files',
  'thumbnail',
  'filetype',
  'audio_set_foreign_identifier',
  'standardized_popularity',
  'ingestion_type',
  'audio_set',
] as const;

export type UpstreamImageColumn = (typeof UPSTREAM_IMAGE_COLUMNS)[number];
export type UpstreamAudioColumn = (typeof UPSTREAM_AUDIO_COLUMNS)[number];

/** `tags` jsonb element; `accuracy` only on machine-generated tags. */
export interface UpstreamTag {
  name: string;
  provider: string;
  accuracy?: number;
}

/**
 * One upstream `image` row as loaded (no `id`; the database assigns it). Timestamps are
 * ISO 8601 strings, jsonb columns plain JSON values.
 */
export interface UpstreamImageRow {
  created_on: string;
  updated_on: string;
  identifier: string;
  provider: string | null;
  source: string | null;
  foreign_identifier: string | null;
  foreign_landing_url: string | null;
  url: string;
  thumbnail: string | null;
  width: number | null;
  height: number | null;
  filesize: number | null;
  license: string;
  license_version: string | null;
  creator: string | null;
  creator_url: string | null;
  title: string | null;
  tags_list: string[] | null;
  last_synced_with_source: string | null;
  removed_from_source: boolean;
  meta_data: Record<string, unknown> | null;
  view_count: number;
  tags: UpstreamTag[] | null;
  watermarked: boolean | null;
  filetype: string | null;
  standardized_popularity: number | null;
  ingestion_type: string | null;
  category: string | null;
}

/** Element of `audio.audio_set` (the fields `audioset_view` extracts, §10.9). */
export interface UpstreamAudioSet {
  foreign_identifier: string;
  title: string;
  foreign_landing_url: string;
  creator: string;
  creator_url: string;
  url: string;
  filesize: number | null;
  filetype: string | null;
  thumbnail: string | null;
}

/** One upstream `audio` row as loaded (no `id`). */
export interface UpstreamAudioRow {
  created_on: string;
  updated_on: string;
  identifier: string;
  foreign_identifier: string | null;
  title: string | null;
  foreign_landing_url: string | null;
  creator: string | null;
  creator_url: string | null;
  url: string;
  filesize: number | null;
  watermarked: boolean | null;
  license: string;
  license_version: string | null;
  provider: string | null;
  source: string | null;
  last_synced_with_source: string | null;
  removed_from_source: boolean;
  view_count: number;
  tags: UpstreamTag[] | null;
  tags_list: string[] | null;
  meta_data: Record<string, unknown> | null;
  audio_set_position: number | null;
  genres: string[] | null;
  category: string | null;
  duration: number | null;
  bit_rate: number | null;
  sample_rate: number | null;
  alt_files: Record<string, unknown>[] | null;
  thumbnail: string | null;
  filetype: string | null;
  audio_set_foreign_identifier: string | null;
  standardized_popularity: number | null;
  ingestion_type: string | null;
  audio_set: UpstreamAudioSet | null;
}

// Compile-time check that the row interfaces and the column lists name the same columns.
type SameKeys<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false;
const imageColumnsMatch: SameKeys<keyof UpstreamImageRow, UpstreamImageColumn> = true;
const audioColumnsMatch: SameKeys<keyof UpstreamAudioRow, UpstreamAudioColumn> = true;
void imageColumnsMatch;
void audioColumnsMatch;

/** Quotes an SQL identifier (schema names come from config, so never trust them raw). */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new IngestError(`invalid SQL identifier: ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * SQL creating schema `schema` and its upstream `image` and `audio` tables if missing.
 * Idempotent; several statements, so run it as a simple (unparameterised) query.
 */
export function upstreamDdl(schema: string): string {
  const s = quoteIdent(schema);
  return `
CREATE SCHEMA IF NOT EXISTS ${s};

CREATE TABLE IF NOT EXISTS ${s}.image (
  id serial PRIMARY KEY,
  created_on timestamptz,
  updated_on timestamptz,
  identifier uuid NOT NULL UNIQUE,
  provider varchar(80),
  source varchar(80),
  foreign_identifier varchar(1000),
  foreign_landing_url varchar(1000),
  url varchar(1000) UNIQUE,
  thumbnail varchar(1000),
  width integer,
  height integer,
  filesize integer,
  license varchar(50) NOT NULL,
  license_version varchar(25),
  creator varchar(2000),
  creator_url varchar(2000),
  title varchar(2000),
  tags_list varchar(255)[],
  last_synced_with_source timestamptz,
  removed_from_source boolean NOT NULL,
  meta_data jsonb,
  view_count integer DEFAULT 0,
  tags jsonb,
  watermarked boolean,
  filetype varchar(80),
  standardized_popularity double precision,
  ingestion_type varchar(1000),
  -- Not in the mock image_view (§10.9 ambiguity) but present in the real catalog.
  category varchar(80),
  UNIQUE (foreign_identifier, provider)
);
CREATE INDEX IF NOT EXISTS image_updated_on_idx ON ${s}.image (updated_on);

CREATE TABLE IF NOT EXISTS ${s}.audio (
  id serial PRIMARY KEY,
  created_on timestamptz,
  updated_on timestamptz,
  identifier uuid NOT NULL UNIQUE,
  foreign_identifier varchar(1000),
  title varchar(2000),
  foreign_landing_url varchar(1000),
  creator varchar(2000),
  creator_url varchar(2000),
  url varchar(1000) UNIQUE,
  filesize integer,
  watermarked boolean,
  license varchar(50) NOT NULL,
  license_version varchar(25),
  provider varchar(80),
  source varchar(80),
  last_synced_with_source timestamptz,
  removed_from_source boolean NOT NULL,
  view_count integer DEFAULT 0,
  tags jsonb,
  tags_list varchar(255)[],
  meta_data jsonb,
  audio_set_position integer,
  genres varchar(80)[],
  category varchar(80),
  duration integer,
  bit_rate integer,
  sample_rate integer,
  alt_files jsonb,
  thumbnail varchar(1000),
  filetype varchar(80),
  audio_set_foreign_identifier varchar(1000),
  standardized_popularity double precision,
  ingestion_type varchar(1000),
  audio_set jsonb,
  UNIQUE (foreign_identifier, provider)
);
CREATE INDEX IF NOT EXISTS audio_updated_on_idx ON ${s}.audio (updated_on);
`;
}
