/**
 * API tables in Postgres (the source of truth for detail, sources and, later, reports
 * and keys). Property names are the column names so rows read as model records.
 * Index names follow Postgres's own convention (`<table>_<columns>_idx`), the names
 * `CREATE TABLE … LIKE … INCLUDING ALL` gives: the ingest's table swaps rename
 * `<table>_new_*` / `<table>_prev_*` indexes by that prefix.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  char,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });

const mediaColumns = {
  identifier: uuid('identifier').primaryKey(),
  created_on: ts('created_on').notNull(),
  updated_on: ts('updated_on').notNull(),
  foreign_identifier: varchar('foreign_identifier', { length: 1000 }),
  title: varchar('title', { length: 5000 }),
  description: text('description'),
  foreign_landing_url: varchar('foreign_landing_url', { length: 1000 }),
  url: varchar('url', { length: 1000 }).notNull(),
  thumbnail: varchar('thumbnail', { length: 1000 }),
  creator: varchar('creator', { length: 2000 }),
  creator_url: varchar('creator_url', { length: 2000 }),
  license: varchar('license', { length: 50 }).notNull(),
  license_version: varchar('license_version', { length: 25 }),
  license_url: varchar('license_url', { length: 1000 }),
  provider: varchar('provider', { length: 80 }),
  source: varchar('source', { length: 80 }),
  category: varchar('category', { length: 80 }),
  filesize: integer('filesize'),
  filetype: varchar('filetype', { length: 80 }),
  tags: jsonb('tags').$type<{ name: string; accuracy: number | null }[]>().notNull().default(sql`'[]'::jsonb`),
  mature: boolean('mature').notNull().default(false),
  user_reported_sensitive: boolean('user_reported_sensitive').notNull().default(false),
  sensitive_text: boolean('sensitive_text').notNull().default(false),
  standardized_popularity: doublePrecision('standardized_popularity'),
  /** Detected by the ingest (ISO 639-1), null when unsure (issue #20). */
  language: varchar('language', { length: 8 }),
};

export const image = pgTable(
  'image',
  {
    ...mediaColumns,
    width: integer('width'),
    height: integer('height'),
  },
  (t) => [index('image_source_idx').on(t.source), index('image_updated_on_idx').on(t.updated_on)],
);

export const audio = pgTable(
  'audio',
  {
    ...mediaColumns,
    genres: text('genres').array(),
    duration: integer('duration'),
    bit_rate: integer('bit_rate'),
    sample_rate: integer('sample_rate'),
    alt_files: jsonb('alt_files').$type<unknown[]>(),
    audio_set_foreign_identifier: varchar('audio_set_foreign_identifier', { length: 1000 }),
  },
  (t) => [
    index('audio_source_idx').on(t.source),
    index('audio_updated_on_idx').on(t.updated_on),
    index('audio_audio_set_foreign_identifier_provider_idx').on(t.audio_set_foreign_identifier, t.provider),
  ],
);

/** Albums and other sets audio tracks belong to, keyed like upstream. */
export const audioset = pgTable(
  'audioset',
  {
    foreign_identifier: varchar('foreign_identifier', { length: 1000 }).notNull(),
    provider: varchar('provider', { length: 80 }).notNull(),
    title: varchar('title', { length: 2000 }),
    foreign_landing_url: varchar('foreign_landing_url', { length: 1000 }),
    creator: varchar('creator', { length: 2000 }),
    creator_url: varchar('creator_url', { length: 2000 }),
    url: varchar('url', { length: 1000 }),
    filesize: integer('filesize'),
    filetype: varchar('filetype', { length: 80 }),
    thumbnail: varchar('thumbnail', { length: 1000 }),
  },
  (t) => [primaryKey({ name: 'audioset_pkey', columns: [t.foreign_identifier, t.provider] })],
);

/** Sources shown by `/stats/` (Openverse's `content_provider`). */
export const contentProvider = pgTable(
  'content_provider',
  {
    provider_identifier: varchar('provider_identifier', { length: 50 }).notNull(),
    media_type: varchar('media_type', { length: 80 }).notNull(),
    provider_name: varchar('provider_name', { length: 250 }).notNull(),
    domain_name: varchar('domain_name', { length: 500 }),
    logo_url: varchar('logo_url', { length: 1000 }),
    filter_content: boolean('filter_content').notNull().default(false),
    notes: text('notes'),
    created_on: ts('created_on').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'content_provider_pkey', columns: [t.provider_identifier, t.media_type] })],
);

/**
 * One row per media type: the generation currently served and the index holding the
 * previous one (kept for rollback). Cache keys include `generation`.
 */
export const searchGeneration = pgTable('search_generation', {
  media_type: varchar('media_type', { length: 16 }).primaryKey(),
  generation: integer('generation').notNull(),
  live_index: varchar('live_index', { length: 200 }).notNull(),
  /** Holds the generation before this one (and `<table>_prev` its rows), for rollback. */
  previous_index: varchar('previous_index', { length: 200 }),
  previous_generation: integer('previous_generation'),
  document_count: integer('document_count').notNull(),
  promoted_at: ts('promoted_at').notNull().defaultNow(),
  /** Upstream rows updated before this instant are in the live generation. */
  updated_through: ts('updated_through'),
  /**
   * Set (and committed) just before the index swap of a promotion and cleared with the
   * table swap: if a crash lands in between, the next run finds it and completes or
   * undoes the promotion.
   */
  pending_index: varchar('pending_index', { length: 200 }),
  pending_since: ts('pending_since'),
  /**
   * A generation built on a Meilisearch network: its shards in partition order, each the
   * names of the nodes holding it (replicas after the first). The live generation is then
   * `live_index` on those nodes, and this row is the switch the Worker reads (through its
   * KV copy): no per-node swap. Null for a generation on one node (served by its alias).
   */
  shards: jsonb('shards').$type<string[][]>(),
  previous_shards: jsonb('previous_shards').$type<string[][]>(),
});

/** Works taken down (deindexed): never served again, skipped by every refresh. */
export const deletedMedia = pgTable(
  'deleted_media',
  {
    media_type: varchar('media_type', { length: 16 }).notNull(),
    identifier: uuid('identifier').notNull(),
    reason: varchar('reason', { length: 200 }),
    created_on: ts('created_on').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'deleted_media_pkey', columns: [t.media_type, t.identifier] })],
);

/**
 * API applications (OAuth2 client credentials, §8). Secrets are stored only as SHA-256
 * digests: they are 128 random characters, so a fast hash is enough to make a leaked
 * table useless, and the token endpoint stays cheap.
 */
export const apiApplication = pgTable('api_application', {
  client_id: varchar('client_id', { length: 40 }).primaryKey(),
  client_secret_hash: varchar('client_secret_hash', { length: 64 }).notNull(),
  name: varchar('name', { length: 150 }).notNull().unique('api_application_name_key'),
  description: varchar('description', { length: 10000 }).notNull(),
  email: varchar('email', { length: 254 }).notNull(),
  verified: boolean('verified').notNull().default(false),
  rate_limit_model: varchar('rate_limit_model', { length: 20 }).notNull().default('standard'),
  created_on: ts('created_on').notNull().defaultNow(),
});

/** Pending email verifications; the code itself is only in the mail (stored hashed). */
export const apiVerification = pgTable('api_verification', {
  code_hash: varchar('code_hash', { length: 64 }).primaryKey(),
  client_id: varchar('client_id', { length: 40 })
    .notNull()
    .references(() => apiApplication.client_id, { onDelete: 'cascade' }),
  email: varchar('email', { length: 254 }).notNull(),
  created_on: ts('created_on').notNull().defaultNow(),
});

/** Access tokens (hashed), valid until `expires_at`. */
export const apiToken = pgTable(
  'api_token',
  {
    token_hash: varchar('token_hash', { length: 64 }).primaryKey(),
    client_id: varchar('client_id', { length: 40 })
      .notNull()
      .references(() => apiApplication.client_id, { onDelete: 'cascade' }),
    expires_at: ts('expires_at').notNull(),
    created_on: ts('created_on').notNull().defaultNow(),
  },
  (t) => [index('api_token_client_id_idx').on(t.client_id)],
);

/** Content reports from users (§7.5, §9); moderators resolve them with `npm run moderate`. */
export const contentReport = pgTable(
  'content_report',
  {
    id: serial('id').primaryKey(),
    media_type: varchar('media_type', { length: 16 }).notNull(),
    identifier: uuid('identifier').notNull(),
    reason: varchar('reason', { length: 20 }).notNull(),
    description: varchar('description', { length: 500 }),
    status: varchar('status', { length: 20 }).notNull().default('pending_review'),
    created_on: ts('created_on').notNull().defaultNow(),
    resolved_on: ts('resolved_on'),
  },
  (t) => [index('content_report_status_idx').on(t.status, t.media_type), index('content_report_identifier_idx').on(t.identifier)],
);

/** Works moderators marked sensitive: served as `mature`, kept so by every refresh. */
export const sensitiveMedia = pgTable(
  'sensitive_media',
  {
    media_type: varchar('media_type', { length: 16 }).notNull(),
    identifier: uuid('identifier').notNull(),
    created_on: ts('created_on').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'sensitive_media_pkey', columns: [t.media_type, t.identifier] })],
);

/** Waveform peaks of audio tracks (`/waveform/`, `peaks=true`), computed by `npm run waveforms`. */
export const audioWaveform = pgTable('audio_waveform', {
  identifier: uuid('identifier').primaryKey(),
  peaks: jsonb('peaks').$type<number[]>().notNull(),
  created_on: ts('created_on').notNull().defaultNow(),
});

/**
 * Dominant colours of images (`color=`, `colors=true`), computed by `npm run colors` from
 * `source_url` (the thumbnail, else the image): a row whose work now points elsewhere
 * is stale and computed again. Kept apart from `image`, so a refresh's table swap keeps it.
 */
export const imageColor = pgTable('image_color', {
  identifier: uuid('identifier').primaryKey(),
  source_url: varchar('source_url', { length: 1000 }).notNull(),
  colors: jsonb('colors').$type<{ name: string; hex: string; share: number }[]>().notNull(),
  created_on: ts('created_on').notNull().defaultNow(),
});

/**
 * Rows each API key exported per UTC day (`/v1/{images,audio}/export/`, issue #18),
 * metered against `EXPORT_ROWS_PER_DAY`. One upsert per exported page: exact under
 * concurrent exports of one key, in the database the export already reads.
 */
export const exportUsage = pgTable(
  'export_usage',
  {
    client_id: varchar('client_id', { length: 40 })
      .notNull()
      .references(() => apiApplication.client_id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    rows: bigint('rows', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ name: 'export_usage_pkey', columns: [t.client_id, t.day] })],
);

/**
 * The change feed (`/v1/changes/`, issue #18): one row per work added (`a`), updated
 * (`u`) or removed (`r`) by a refresh, update, rollback or moderation, ids only. `seq`
 * orders them; writers of one media type take a transaction lock first, so `seq`s
 * become visible in order and a reader never skips one. `generation` is the live
 * generation after the change.
 */
export const changeLog = pgTable(
  'change_log',
  {
    media_type: varchar('media_type', { length: 16 }).notNull(),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    op: char('op', { length: 1 }).notNull(),
    identifier: uuid('identifier').notNull(),
    generation: integer('generation').notNull(),
    changed_at: ts('changed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'change_log_pkey', columns: [t.media_type, t.seq] }), index('change_log_changed_at_idx').on(t.changed_at)],
);

/** Per media type, the last `seq` pruned from the feed: a token at or before it is gone (410). */
export const changeHorizon = pgTable('change_horizon', {
  media_type: varchar('media_type', { length: 16 }).primaryKey(),
  pruned_through: bigint('pruned_through', { mode: 'number' }).notNull(),
});
