/**
 * The search mix of the soak runs: the searches of bench/queries.json (every workload of
 * the search benchmark: common and rare words, phrases, field search, filters, pages,
 * audio). Nine requests in ten are a variant the Worker has not seen in the last minute
 * (its cache is defeated, so Meilisearch does the work); one in ten is one of a small
 * popular set, which the Worker serves from its cache once it is admitted.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { interleave, loadQueries, variant, VARIANTS, workerPath, type SearchEntry } from '../queries.js';
import type { SoakRequest } from './soak.js';

export const QUERIES_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'queries.json');
export const POPULAR = 24;

export function loadMix(): SearchEntry[] {
  const file = loadQueries(QUERIES_FILE);
  if (!file) throw new Error(`${QUERIES_FILE} is missing: run \`npm run bench -- --regen-queries\` once`);
  return interleave(file.searches);
}

/** The popular set's paths (the first `POPULAR` searches of the interleaved mix). */
export function popularPaths(mix: SearchEntry[]): string[] {
  return mix.slice(0, POPULAR).map((q) => q.path);
}

/**
 * `next()` for the load: request k is popular when k % 10 = 9, else base query
 * k mod B in variant 1 + ⌊k/B⌋ mod 159 (a distinct URL for the first B × 159 requests).
 * `start` lets consecutive phases continue the rotation instead of repeating it.
 */
export function searchMix(mix: SearchEntry[], start = 0): { next: () => SoakRequest; position: () => number } {
  const B = mix.length;
  const popular = popularPaths(mix);
  let k = start;
  let u = start;
  let p = 0;
  return {
    next: () => {
      if (k++ % 10 === 9) return { method: 'GET', path: popular[p++ % popular.length], tag: 'popular' };
      const i = u % B;
      const v = 1 + (Math.floor(u / B) % (VARIANTS - 1));
      u++;
      return { method: 'GET', path: workerPath(mix[i].media, variant(mix[i].params, v)), tag: mix[i].tag === 'audio' ? 'audio' : 'search' };
    },
    position: () => k,
  };
}

/** Asks for the popular set until every answer is a cache HIT (or 20 rounds passed). */
export async function warmPopular(baseUrl: string, paths: string[]): Promise<number> {
  let hits = 0;
  for (let round = 0; round < 20; round++) {
    hits = 0;
    for (const p of paths) {
      const res = await fetch(`${baseUrl}${p}`);
      await res.arrayBuffer();
      if (res.headers.get('x-cache') === 'HIT') hits++;
    }
    if (hits === paths.length) break;
    // The Worker writes at most 5 entries a second and one per key a second.
    await new Promise((r) => setTimeout(r, 1100));
  }
  return hits;
}
