/**
 * What image and audio rows of the demo catalog share: the generation context, dates
 * before a fixed anchor, popularity, licence versions, link states and the
 * Wikimedia Commons user pool (both media types have Commons uploads).
 */
import { Rand, type Weighted } from './random.js';
import { cap, personName } from './text.js';
import { ADJECTIVES, TOPIC_NOUNS } from './words.js';

/** Fixed "now" of the demo catalog; rows are dated in the 3 years before it. */
export const ANCHOR_MS = Date.UTC(2026, 9, 1);
export const DAY_MS = 86_400_000;
const SPAN_MS = 3 * 365 * DAY_MS;

/** Seed and media base URL (no trailing slash) every row generator receives. */
export interface Ctx {
  seed: number;
  base: string;
}

export interface Creator {
  creator: string | null;
  creator_url: string | null;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** cc0/pdm/sampling+ only exist as 1.0; other licences take the provider's usual versions. */
export function licenseVersion(r: Rand, license: string, versions: Weighted<string>): string {
  if (license === 'cc0' || license === 'pdm' || license.endsWith('sampling+')) return '1.0';
  return r.weighted(versions);
}

/** created_on somewhere in the last ~3 years; updated_on the same or later. */
export function dates(r: Rand): { created: number; updated: number } {
  const created = ANCHOR_MS - Math.floor(r.next() * SPAN_MS);
  const updated = r.chance(0.4) ? created : created + Math.floor(r.next() * (ANCHOR_MS - created));
  return { created, updated };
}

/** Rows older than ~2.5 years came from Common Crawl, the rest from provider APIs. */
export function ingestionType(created: number): string {
  return created < ANCHOR_MS - 2.5 * 365 * DAY_MS ? 'commoncrawl' : 'provider_api';
}

/** Skewed popularity like the real catalog: most rows near 0, a few near 1. */
export function popularity(r: Rand): number {
  const x = r.next();
  return x * x * x * x;
}

type LinkState = 'ok' | 'dead' | 'slow' | 'gone';

/**
 * ~0.5 % of rows point at /dead/ (media server answers 404), and ~0.05 % each at /slow/
 * (hangs) and /gone/ (410), so dead-link filtering and timeouts have something to do.
 */
function linkState(r: Rand): LinkState {
  const x = r.next();
  if (x < 0.005) return 'dead';
  if (x < 0.0055) return 'slow';
  if (x < 0.006) return 'gone';
  return 'ok';
}

/** The media server's base URL for a row, under /dead/, /slow/ or /gone/ for a few. */
export function mediaPrefix(r: Rand, ctx: Ctx): string {
  const state = linkState(r);
  return state === 'ok' ? ctx.base : `${ctx.base}/${state}`;
}

export function wikimediaUser(ctx: Ctx, k: number): Creator {
  const r = new Rand(`${ctx.seed}:wikimedia-user:${k}`);
  const name = r.chance(0.6) ? personName(r) : `${cap(r.pick(ADJECTIVES))}${cap(r.pick(TOPIC_NOUNS.animals))}`;
  return { creator: name, creator_url: `https://commons.wikimedia.org/wiki/User:${name.replaceAll(' ', '_')}` };
}
