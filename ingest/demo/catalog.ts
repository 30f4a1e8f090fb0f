/**
 * Deterministic generated demo catalog: upstream `image` / `audio` rows (§10.9 columns)
 * that look like the real Openverse catalog (provider, licence and popularity mixes,
 * machine tags, missing dimensions, dead links) without shipping any real data.
 *
 * Every row is generated from its own PRNG stream keyed by (seed, media type, index), so
 * row N is the same whatever the count, and the same seed always gives byte-identical
 * output. Nothing here reads the clock: dates are spread over the ~3 years before a fixed
 * anchor date.
 *
 * Media URLs point at the stack's media server (scripts/stack/media-server.ts) and carry
 * the size / duration in the query string so the server can render them without a DB.
 *
 * This module holds the entry points; the generator's parts are `random.ts` (seeded
 * PRNG), `words.ts` (vocabularies), `text.ts` (titles, descriptions, tags), `rows.ts`
 * (what both media types share), `images.ts`, `audio.ts` and `languages.ts` (works in
 * other languages than English).
 */
import type { UpstreamAudioRow, UpstreamImageRow } from '../sources/upstream-schema.js';
import { demoAudioAt } from './audio.js';
import { demoImageAt } from './images.js';
import { localizeImageRow } from './languages.js';
import type { Ctx } from './rows.js';

/** Bump whenever the generator's output changes, so stacks reload their demo catalog. */
export const DEMO_CATALOG_VERSION = '2026-12-07.lang';

export const DEFAULT_DEMO_SEED = 20240521;

export interface DemoCatalogOptions {
  /** Base URL of the media server, e.g. `http://127.0.0.1:8790` (no trailing slash needed). */
  mediaBaseUrl: string;
  seed?: number;
}

export interface DemoFingerprintOptions extends DemoCatalogOptions {
  images: number;
  audio: number;
}

/**
 * A stable string identifying a generated catalog: equal fingerprints mean equal rows,
 * so a stack can skip reloading when nothing changed.
 */
export function demoCatalogFingerprint(opts: DemoFingerprintOptions): string {
  return JSON.stringify({
    v: DEMO_CATALOG_VERSION,
    images: opts.images,
    audio: opts.audio,
    seed: opts.seed ?? DEFAULT_DEMO_SEED,
    mediaBaseUrl: normalizeBase(opts.mediaBaseUrl),
  });
}

export function* demoImages(count: number, opts: DemoCatalogOptions): Generator<UpstreamImageRow> {
  const ctx = context(opts);
  for (let i = 0; i < count; i++) yield localizeImageRow(i, demoImageAt(i, ctx));
}

export function* demoAudio(count: number, opts: DemoCatalogOptions): Generator<UpstreamAudioRow> {
  const ctx = context(opts);
  for (let i = 0; i < count; i++) yield demoAudioAt(i, ctx);
}

function normalizeBase(url: string): string {
  return url.replace(/\/+$/, '');
}

function context(opts: DemoCatalogOptions): Ctx {
  return { seed: opts.seed ?? DEFAULT_DEMO_SEED, base: normalizeBase(opts.mediaBaseUrl) };
}
