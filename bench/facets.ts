/**
 * `node --import tsx bench/facets.ts --url http://127.0.0.1:7700 --key <master or search key> [--rounds 5]`
 *
 * Raw-engine cost of facet counts (issue #20): every single-request search of
 * bench/queries.json, sent to Meilisearch as the Worker sends it, without and with the
 * facets a `facets=` of every facet adds (images: 7 attributes; audio: 6), alternated
 * at concurrency 1 (`--facets a,b` for a subset). Prints p50/p95 of the wall time and of
 * `processingTimeMs`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Meilisearch, type SearchParams } from 'meilisearch';
import { AUDIO_FACETS, IMAGE_FACETS, engineFacets } from '../worker/search/facets.js';

const { values } = parseArgs({
  options: { url: { type: 'string' }, key: { type: 'string' }, rounds: { type: 'string', default: '5' }, facets: { type: 'string' } },
});
if (!values.url || !values.key) throw new Error('--url and --key are required');
const queries = JSON.parse(readFileSync(new URL('./queries.json', import.meta.url), 'utf8')) as {
  searches: { media: 'image' | 'audio'; meili?: Record<string, unknown> }[];
};

// The official client, as the Worker sends searches (worker/search/meili.ts).
const client = new Meilisearch({ host: values.url, apiKey: values.key });

async function once(index: string, body: Record<string, unknown>): Promise<[number, number]> {
  const { q, ...params } = body as SearchParams & { q?: string };
  const start = performance.now();
  const res = await client.index(index).search(q ?? '', params);
  return [performance.now() - start, res.processingTimeMs];
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

for (const media of ['image', 'audio'] as const) {
  const offered: readonly string[] = media === 'image' ? IMAGE_FACETS : AUDIO_FACETS;
  const facets = engineFacets(values.facets ? values.facets.split(',').filter((f) => offered.includes(f)) : offered);
  const index = media === 'image' ? 'images' : 'audio';
  const mine = queries.searches.filter((s) => s.media === media && s.meili);
  const out = { without: { wall: [] as number[], engine: [] as number[] }, with: { wall: [] as number[], engine: [] as number[] } };
  for (const s of mine) await once(index, s.meili!); // warm-up
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const s of mine) {
      const plain = await once(index, s.meili!);
      const faceted = await once(index, { ...s.meili!, facets });
      out.without.wall.push(plain[0]);
      out.without.engine.push(plain[1]);
      out.with.wall.push(faceted[0]);
      out.with.engine.push(faceted[1]);
    }
  }
  const line = (k: 'without' | 'with') =>
    `${k}: wall p50 ${pct(out[k].wall, 50).toFixed(1)} ms, p95 ${pct(out[k].wall, 95).toFixed(1)} ms; engine p50 ${pct(out[k].engine, 50)} ms, p95 ${pct(out[k].engine, 95)} ms`;
  console.log(`${media} (${mine.length} searches × ${values.rounds}, ${facets.length} facets: ${facets.join(', ')})`);
  console.log(`  ${line('without')}\n  ${line('with')}`);
  console.log(
    `  ratio p50 wall ${(pct(out.with.wall, 50) / pct(out.without.wall, 50)).toFixed(2)}×, engine ${(pct(out.with.engine, 50) / Math.max(1, pct(out.without.engine, 50))).toFixed(2)}×`,
  );
}
