/**
 * `node --import tsx bench/engine-shapes.ts --url <node> --key <master key> [--rounds 2] [--only suggest|facets]`
 *
 * Two engine-only comparisons on a built index (issue #20), by the engine's own
 * `processingTimeMs` through the official client, one request at a time:
 *
 * - suggest: the Worker's suggestion query (worker/search/suggest.ts `suggestRequest`)
 *   with 40, 20 and 10 hits, without match positions, and with `matchingStrategy:
 *   last`, over prefixes and one-letter typos of the words of bench/queries.json;
 * - facets: the image searches of bench/queries.json without facets, with the seven
 *   engine facets and with `creator` alone, at `maxValuesPerFacet` 200, 21, 101 and 200
 *   again (the index's setting is restored at the end).
 *
 * Prints p50/p95/max per shape. `--key` must be able to change settings for `facets`.
 */
import { Meilisearch, type SearchParams } from 'meilisearch';
import { cliOptions } from '../harness/args.js';
import { stats } from '../harness/load/phase.js';
import { loadQueries } from '../harness/queries.js';
import { IMAGE_FACETS, engineFacets } from '../worker/search/facets.js';
import { suggestRequest } from '../worker/search/suggest.js';

const USAGE = 'usage: node --import tsx bench/engine-shapes.ts --url <node> --key <master key> [--rounds 2] [--only suggest|facets]';
const args = cliOptions(
  { url: { type: 'string' }, key: { type: 'string' }, rounds: { type: 'string', default: '2' }, only: { type: 'string' } },
  USAGE,
);
if (!args.url || !args.key) throw new Error(USAGE);
const rounds = Number(args.rounds);
const client = new Meilisearch({ host: args.url, apiKey: args.key });
const images = (await client.getRawIndexes({ limit: 1000 })).results.map((r) => r.uid).find((u) => u.endsWith('images'));
if (!images) throw new Error(`no images index on ${args.url}`);
const line = (label: string, xs: number[]) => {
  const s = stats(xs);
  console.log(`${label}: p50 ${s.p50} p95 ${s.p95} max ${Math.max(...xs)} ms (n=${s.n})`);
};

const file = loadQueries(new URL('./queries.json', import.meta.url).pathname);
if (!file) throw new Error('bench/queries.json is missing');

if (!args.only || args.only === 'suggest') {
  // The same inputs as bench/all-search.ts: a 3–5 letter prefix and a one-letter typo of each word.
  const words = [
    ...new Set(
      file.searches
        .filter((s) => s.media === 'image')
        .flatMap((s) => (s.params.find(([k]) => k === 'q')?.[1] ?? '').toLowerCase().match(/\p{L}{6,}/gu) ?? []),
    ),
  ];
  const inputs = words.flatMap((w, i) => [w.slice(0, 3 + (i % 3)), w.slice(0, 3) + w.slice(4)]);
  const shapes: [string, Partial<SearchParams>][] = [
    ['40 hits', { limit: 40 }],
    ['20 hits', { limit: 20 }],
    ['10 hits', { limit: 10 }],
    ['40 hits without match positions', { limit: 40, showMatchesPosition: false }],
    ['40 hits, matchingStrategy last', { limit: 40, matchingStrategy: 'last' }],
    ['40 hits (again, last)', { limit: 40 }],
  ];
  for (const [label, change] of shapes) {
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const q of inputs) {
        const { q: _q, ...request } = { ...suggestRequest(q), ...change };
        times.push((await client.index(images).search(q, request as SearchParams)).processingTimeMs);
      }
    }
    line(`suggest, ${label}`, times);
  }
}

if (!args.only || args.only === 'facets') {
  const searches = file.searches.filter((s) => s.media === 'image').map((s) => s.meili as SearchParams & { q?: string });
  // Every image facet as the engine counts it: seven attributes (`license_type` is read from `license`).
  const seven = engineFacets(IMAGE_FACETS);
  const kept = (await client.index(images).getFaceting()).maxValuesPerFacet;
  try {
    for (const max of [200, 21, 101, 200]) {
      await client.index(images).updateFaceting({ maxValuesPerFacet: max }).waitTask();
      const none: number[] = [];
      const all: number[] = [];
      const creator: number[] = [];
      for (let r = 0; r < rounds; r++) {
        for (const { q, ...params } of searches) {
          none.push((await client.index(images).search(q ?? '', params)).processingTimeMs);
          all.push((await client.index(images).search(q ?? '', { ...params, facets: seven })).processingTimeMs);
          creator.push((await client.index(images).search(q ?? '', { ...params, facets: ['creator'] })).processingTimeMs);
        }
      }
      line(`maxValuesPerFacet ${max}, no facets`, none);
      line(`maxValuesPerFacet ${max}, 7 facets`, all);
      line(`maxValuesPerFacet ${max}, creator alone`, creator);
    }
  } finally {
    await client
      .index(images)
      .updateFaceting({ maxValuesPerFacet: kept ?? 200 })
      .waitTask();
  }
}
