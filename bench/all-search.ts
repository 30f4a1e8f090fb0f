/**
 * `npm run bench:all-search -- [--docs 100000] [--rounds 3] [--no-record]`
 *
 * Issue #20: the cost of one search over all media and of suggestions, in one run.
 * `npm start` on a state folder of its own (`--docs` demo images, a quarter as many
 * tracks), then, at concurrency 1, alternated:
 *
 * - every `q` image search of bench/queries.json (tags common, rare, two_words,
 *   three_words, phrase), as `/v1/images/?…` and as `/v1/search/?…` with the same
 *   parameters: through the Worker (`npm start`'s, wrangler dev; a new variant of each
 *   query every round, so no answer comes from a cache) and on the raw engine (the
 *   Worker's own plans, query.ts / all-search.ts, sent through its engine, meili.ts:
 *   one search against one federated multi-search over both indexes);
 * - suggestions for a prefix (3–5 letters) and a one-letter typo of words of those
 *   queries: the engine's `processingTimeMs` of the suggestion query (suggest.ts, through
 *   the same engine) and the Worker's wall time of `/v1/{images,audio}/suggest/`
 *   (each query once: no cache).
 * - the same Worker's deployable bundle in bare workerd (bench/search/bare-workerd.ts:
 *   the runtime Cloudflare runs, without wrangler dev's proxies): the image search, the
 *   `/v1/search/` form, the image search with `facets=` every image facet and with the
 *   issue's seven (no `creator`), and the suggestions.
 *
 * Prints p50/p95 and the ratios against the image search of the same run (target for
 * `/v1/search/`: p50 ≤ 1.5 × the image search + 2 ms); appends a section to
 * bench/RESULTS.md unless `--no-record`.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliOptions, commandLine } from '../harness/args.js';
import { loadAvg, machine } from '../harness/proc.js';
import { loadQueries, variant, workerPath, type SearchEntry } from '../harness/queries.js';
import { runBench, type Cleanups } from '../harness/lifecycle.js';
import { startIdleStack } from '../harness/stack.js';
import { freePort } from '../scripts/stack/ports.js';
import { buildAllMediaPlan } from '../worker/search/all-search.js';
import { IMAGE_FACETS } from '../worker/search/facets.js';
import { createMeiliClient, type SearchEngine } from '../worker/search/meili.js';
import { buildSearchPlan } from '../worker/search/query.js';
import { suggest } from '../worker/search/suggest.js';
import { startBareWorkerd } from './search/bare-workerd.js';
import { AllSearchQuerySchema, ImageSearchQuerySchema, type SearchQuery } from '../worker/routes/media/schema.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_FILE = path.join(ROOT, 'bench', 'RESULTS.md');
const MACHINE_POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const USAGE = `usage: npm run bench:all-search -- [--docs N] [--rounds N] [--no-record]
  --docs      images in the demo catalog (default 100000; audio is a quarter of it)
  --rounds    rounds over the query mix (default 3)
  --no-record print only, do not append to bench/RESULTS.md`;

const args = cliOptions(
  {
    docs: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    'no-record': { type: 'boolean', default: false },
  },
  USAGE,
);
const docs = Number(args.docs);
const rounds = Number(args.rounds);
const log = (line: string) => console.log(`[bench:all-search] ${line}`);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;
const fmt = (xs: number[]) => `${pct(xs, 50).toFixed(1)} / ${pct(xs, 95).toFixed(1)}`;

/** An engine that records the engine's own time of every answer. */
function recording(engine: SearchEngine, into: number[]): SearchEngine {
  return {
    ...engine,
    async search(index, request) {
      const r = await engine.search(index, request);
      into.push(r.processingTimeMs);
      return r;
    },
    async searchFederated(members, window, facets) {
      const r = await engine.searchFederated(members, window, facets);
      into.push(r.processingTimeMs);
      return r;
    },
  } as SearchEngine;
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await f();
  return [performance.now() - start, value];
}

async function fetchOk(url: string): Promise<void> {
  const res = await fetch(url);
  const text = await res.text();
  if (!res.ok) throw new Error(`${url} → ${res.status}: ${text.slice(0, 300)}`);
}

function paramsOf(entry: SearchEntry, v: number): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [k, value] of variant(entry.params, v)) raw[k] = value;
  return raw;
}

async function main(cleanups: Cleanups): Promise<void> {
  const file = loadQueries(path.join(ROOT, 'bench', 'queries.json'));
  if (!file) throw new Error('bench/queries.json is missing');
  const searches = file.searches.filter((s) => s.media === 'image' && s.params.some(([k]) => k === 'q'));
  const words = [
    ...new Set(searches.flatMap((s) => (s.params.find(([k]) => k === 'q')?.[1] ?? '').toLowerCase().match(/\p{L}{6,}/gu) ?? [])),
  ];
  const loadAtStart = loadAvg();
  const startedAt = new Date();
  log(
    `${docs.toLocaleString('en')} images (+${Math.floor(docs / 4).toLocaleString('en')} audio); ${searches.length} q searches × ${rounds} rounds`,
  );

  const stateDir = path.join(ROOT, '.bench', `all-search-${docs}`);
  const stack = await startIdleStack({
    root: ROOT,
    stateDir,
    adminUrl: MACHINE_POSTGRES,
    database: `edgeverse_bench_allsearch_${docs}`,
    images: docs,
    cleanups,
    log,
  });
  log(`stack ready in ${stack.readySeconds.toFixed(1)} s`);

  const bare = await startBareWorkerd({ root: ROOT, stateDir, port: await freePort(), log });
  cleanups.add(() => bare.stop());

  const engine = createMeiliClient({ url: stack.meiliUrl, apiKey: stack.meiliMasterKey, timeoutMs: 10_000 });
  const wall = { image: [] as number[], all: [] as number[] };
  // Through bare workerd: the same searches, and with facets (every image facet; the seven without `creator`).
  const facetsAll = IMAGE_FACETS.join(',');
  const facetsSeven = IMAGE_FACETS.filter((f) => f !== 'creator').join(',');
  const bareForms = {
    image: (p: string) => p,
    all: (p: string) => p.replace('/v1/images/', '/v1/search/'),
    facetsAll: (p: string) => `${p}&facets=${facetsAll}`,
    facetsSeven: (p: string) => `${p}&facets=${facetsSeven}`,
  };
  type BareForm = keyof typeof bareForms;
  const bareWall: Record<BareForm, number[]> = { image: [], all: [], facetsAll: [], facetsSeven: [] };
  const raw = { image: [] as number[], all: [] as number[], imageEngine: [] as number[], allEngine: [] as number[] };
  // Warm-up: one pass of each form (variant 0: `filter_dead=false`, as every measured variant).
  for (const s of searches) {
    const imagePath = workerPath('image', variant(s.params, 0));
    await fetchOk(`${stack.apiUrl}${imagePath}`);
    await fetchOk(`${stack.apiUrl}${imagePath.replace('/v1/images/', '/v1/search/')}`);
    for (const form of Object.values(bareForms)) await fetchOk(`${bare.url}${form(imagePath)}`);
  }
  for (let round = 1; round <= rounds; round++) {
    for (const [i, s] of searches.entries()) {
      const v = 1 + ((round * searches.length + i) % 79);
      const imagePath = workerPath('image', variant(s.params, v));
      const allPath = imagePath.replace('/v1/images/', '/v1/search/');
      // Which goes first alternates, so neither always runs on a warmer engine.
      const order = (round + i) % 2 ? (['image', 'all'] as const) : (['all', 'image'] as const);
      for (const form of order) {
        wall[form].push((await timed(() => fetchOk(`${stack.apiUrl}${form === 'image' ? imagePath : allPath}`)))[0]);
      }
      const params = paramsOf(s, 0);
      const imagePlan = buildSearchPlan('image', ImageSearchQuerySchema.parse(params) as SearchQuery, { authenticated: false });
      const allPlan = buildAllMediaPlan(AllSearchQuerySchema.parse(params), { authenticated: false });
      for (const form of order) {
        if (form === 'image') {
          const [ms, r] = await timed(() =>
            imagePlan.union
              ? engine.searchFederated(
                  imagePlan.union.map((m) => ({ ...m, index: 'images' })),
                  { offset: 0, limit: 20 },
                )
              : engine.search('images', imagePlan.request),
          );
          raw.image.push(ms);
          raw.imageEngine.push(r.processingTimeMs);
        } else {
          const [ms, r] = await timed(() => engine.searchFederated(allPlan.members, { offset: 0, limit: 20 }));
          raw.all.push(ms);
          raw.allEngine.push(r.processingTimeMs);
        }
      }
      // Bare workerd: the four forms, in an order that rotates.
      const forms = Object.keys(bareForms) as BareForm[];
      for (let k = 0; k < forms.length; k++) {
        const form = forms[(i + round + k) % forms.length];
        bareWall[form].push((await timed(() => fetchOk(`${bare.url}${bareForms[form](imagePath)}`)))[0]);
      }
    }
    log(`round ${round}: Worker p50 image ${pct(wall.image, 50).toFixed(1)} ms, all ${pct(wall.all, 50).toFixed(1)} ms`);
  }

  // Suggestions: prefixes and typos of the mix's words, each asked once per media type.
  const suggestEngine: number[] = [];
  const suggestWall: number[] = [];
  const suggestBare: number[] = [];
  const recorder = recording(engine, suggestEngine);
  const typo = (w: string) => w.slice(0, 3) + w.slice(4);
  const inputs = words.flatMap((w, i) => [w.slice(0, 3 + (i % 3)), typo(w)]);
  for (const [i, q] of inputs.entries()) {
    await suggest(recorder, ['images'], q);
    await suggest(recorder, ['audio'], q);
    // The Worker: each input once per media type (a cache never answers).
    const media = i % 2 ? 'audio' : 'images';
    suggestWall.push((await timed(() => fetchOk(`${stack.apiUrl}/v1/${media}/suggest/?q=${encodeURIComponent(q)}`)))[0]);
    suggestBare.push((await timed(() => fetchOk(`${bare.url}/v1/${media}/suggest/?q=${encodeURIComponent(q)}`)))[0]);
  }

  const target = 1.5 * pct(wall.image, 50) + 2;
  const rawTarget = 1.5 * pct(raw.image, 50) + 2;
  const bareTarget = 1.5 * pct(bareWall.image, 50) + 2;
  const ratio = (xs: number[]) => `${(pct(xs, 50) / pct(bareWall.image, 50)).toFixed(2)}×`;
  const mach = machine();
  const lines = [
    `## ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC — one search over all media and suggestions (issue #20), ${docs.toLocaleString('en')} images + ${Math.floor(docs / 4).toLocaleString('en')} tracks`,
    '',
    `\`${commandLine('bench:all-search')}\`; ${mach.cpus} × ${mach.cpuModel}; load average ${loadAtStart} → ${loadAvg()}; Meilisearch 1.21.0, one node; the Worker of \`npm start\` (wrangler dev). ${searches.length} \`q\` image searches of bench/queries.json × ${rounds} rounds at concurrency 1, each as \`/v1/images/\` and \`/v1/search/\` with the same parameters, alternated; a new variant of each query every round (no cache answers).`,
    '',
    '| form | Worker p50 / p95 ms | raw engine wall p50 / p95 ms | engine processingTimeMs p50 / p95 |',
    '|---|---|---|---|',
    `| image search (baseline) | ${fmt(wall.image)} | ${fmt(raw.image)} | ${fmt(raw.imageEngine)} |`,
    `| /v1/search/ (one federated search over images and audio) | ${fmt(wall.all)} | ${fmt(raw.all)} | ${fmt(raw.allEngine)} |`,
    `| ratio p50 | ${(pct(wall.all, 50) / pct(wall.image, 50)).toFixed(2)}× | ${(pct(raw.all, 50) / pct(raw.image, 50)).toFixed(2)}× | ${(pct(raw.allEngine, 50) / Math.max(1, pct(raw.imageEngine, 50))).toFixed(2)}× |`,
    '',
    `- Target \`/v1/search/\` p50 ≤ 1.5 × image + 2 ms: through the Worker ${target.toFixed(1)} ms → ${pct(wall.all, 50) <= target ? 'met' : 'not met'}; raw engine ${rawTarget.toFixed(1)} ms → ${pct(raw.all, 50) <= rawTarget ? 'met' : 'not met'}.`,
    `- Suggestions (${inputs.length} inputs: prefixes of 3–5 letters and one-letter typos of ${words.length} words of the mix; each on images and audio): engine processingTimeMs p50 / p95 ${fmt(suggestEngine)} ms (${suggestEngine.length} queries); through the Worker p50 / p95 ${fmt(suggestWall)} ms (${suggestWall.length} requests, uncached).`,
    '',
    `The deployable Worker in bare workerd (\`wrangler deploy --dry-run\` bundle; bundle ${bare.bundle.upload}), the same searches in the same rounds, four forms in rotating order:`,
    '',
    '| form (bare workerd) | p50 / p95 ms | p50 / image search |',
    '|---|---|---:|',
    `| image search (baseline) | ${fmt(bareWall.image)} | 1.00× |`,
    `| /v1/search/ | ${fmt(bareWall.all)} | ${ratio(bareWall.all)} |`,
    `| image search, \`facets=${facetsAll}\` | ${fmt(bareWall.facetsAll)} | ${ratio(bareWall.facetsAll)} |`,
    `| image search, \`facets=${facetsSeven}\` | ${fmt(bareWall.facetsSeven)} | ${ratio(bareWall.facetsSeven)} |`,
    `| suggestions (the inputs above, uncached) | ${fmt(suggestBare)} | — |`,
    '',
    `- Targets: \`/v1/search/\` p50 ≤ ${bareTarget.toFixed(1)} ms (1.5 × image + 2) → ${pct(bareWall.all, 50) <= bareTarget ? 'met' : 'not met'}; facets p50 ≤ 2 × image → every facet ${pct(bareWall.facetsAll, 50) <= 2 * pct(bareWall.image, 50) ? 'met' : 'not met'}, the seven ${pct(bareWall.facetsSeven, 50) <= 2 * pct(bareWall.image, 50) ? 'met' : 'not met'}; suggestions p95 < 20 ms → ${pct(suggestBare, 95) < 20 ? 'met' : 'not met'}.`,
    '',
  ];
  console.log(lines.join('\n'));
  if (!args['no-record']) appendFileSync(RESULTS_FILE, `\n${lines.join('\n')}`);
}

runBench('bench:all-search', main);
