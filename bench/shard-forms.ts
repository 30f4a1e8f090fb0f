/**
 * `npm run bench:shard-forms -- [--docs 100000] [--rounds 2] [--no-record]`
 *
 * Where a search's CPU goes on a Meilisearch network, engine only (issue #14): one node
 * and a network of three (`npm start` with `SHARDS=1` and `SHARDS=3`, the demo catalog of
 * `--docs` images), and the q searches of bench/queries.json sent one at a time through
 * the official client in these forms:
 *
 * 1. one node, the Worker's request (its result attributes and match positions): the baseline;
 * 2. one node, without match positions;
 * 3. one node, every attribute (no `attributesToRetrieve`);
 * 4. three shards, the Worker's federated request (sharded-engine.ts `networkSearchBody`);
 * 5. three shards, without match positions;
 * 6. three shards, every attribute;
 * 7. three shards in two steps: (5), then match positions for the page's works only,
 *    each shard asked for its own works (`id IN [...]`): what "format only the hits that
 *    are kept" would cost. Its match positions are checked against (4).
 *
 * Prints, per form, the wall time per search (p50, mean) and the CPU time per search of
 * every Meilisearch process together, and their ratio to the baseline.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Meilisearch, type SearchParams } from 'meilisearch';
import pg from 'pg';
import { readGeneration } from '../ingest/generations/records.js';
import type { MediaType } from '../model/record.js';
import { RESULT_FIELDS } from '../model/result.js';
import { liveIndexName } from '../model/search-index.js';
import { cliOptions, commandLine } from '../harness/args.js';
import { cpuDelta, cpuSnapshot, loadAvg, machine } from '../harness/proc.js';
import { loadQueries } from '../harness/queries.js';
import { runBench, type Cleanups } from '../harness/lifecycle.js';
import { stats } from '../harness/load/phase.js';
import { startIdleStack, type Stack } from '../harness/stack.js';
import type { MeiliSearchRequest } from '../worker/search/meili.js';
import { networkSearchBody, windowOf, type Placement } from '../worker/search/sharded-engine.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_FILE = path.join(ROOT, 'bench', 'RESULTS.md');
const MACHINE_POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const USAGE = 'usage: npm run bench:shard-forms -- [--docs N] [--rounds N] [--no-record]';
const args = cliOptions(
  {
    docs: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '2' },
    'no-record': { type: 'boolean', default: false },
  },
  USAGE,
);
const docs = Number(args.docs);
const rounds = Number(args.rounds);
if (!Number.isInteger(docs) || docs < 1000 || !Number.isInteger(rounds) || rounds < 1) {
  console.error(`--docs must be a whole number ≥ 1000 and --rounds ≥ 1\n\n${USAGE}`);
  process.exit(2);
}
const log = (msg: string) => console.log(`[bench:shard-forms] ${msg}`);

interface Layout {
  stack: Stack;
  client: Meilisearch;
  /** Where each media type is served: the index, and the node of each shard (null: one node). */
  placement: Map<string, Placement>;
}

type Hit = { id: string; _matchesPosition?: Record<string, unknown>; _federation?: { remote?: string } };
type Answer = { hits: Hit[] };

async function layout(n: number, cleanups: Cleanups): Promise<Layout> {
  log(`layout ${n === 1 ? 'one node' : `${n} shards`}: npm start (SHARDS=${n})`);
  const stack = await startIdleStack({
    root: ROOT,
    stateDir: path.join(ROOT, '.bench', `shard-forms-${docs}-${n}`),
    adminUrl: MACHINE_POSTGRES,
    database: `edgeverse_bench_forms_${docs}_${n}`,
    images: docs,
    shards: n,
    cleanups,
    log,
    stackLog: (line) => console.log(line),
  });
  const api = new pg.Client({ connectionString: stack.databaseUrl });
  await api.connect();
  const placement = new Map<string, Placement>();
  try {
    for (const media of ['image', 'audio'] as const) {
      const row = await readGeneration(api, media);
      placement.set(
        media,
        row?.shards ? { index: row.live_index, nodes: row.shards.map((s) => s[0]) } : { index: liveIndexName(media), nodes: null },
      );
    }
  } finally {
    await api.end();
  }
  return { stack, client: new Meilisearch({ host: stack.meiliUrl, apiKey: stack.meiliMasterKey }), placement };
}

/** The Worker's one-node request for a query of bench/queries.json. */
function workerRequest(media: MediaType, meili: MeiliSearchRequest): MeiliSearchRequest {
  return { ...meili, attributesToRetrieve: [...RESULT_FIELDS[media]] };
}

function federated(l: Layout, media: MediaType, request: MeiliSearchRequest) {
  const { body } = networkSearchBody([{ index: media, request }], l.placement, windowOf(request));
  return l.client.multiSearch(body as never) as unknown as Promise<Answer>;
}

/** Match positions of a page's works, each shard asked for its own (step 2 of form 7). */
async function matchesOf(
  l: Layout,
  media: MediaType,
  request: MeiliSearchRequest,
  hits: Hit[],
): Promise<Map<string, Hit['_matchesPosition']>> {
  if (hits.length === 0) return new Map();
  const byShard = new Map<string, Hit[]>();
  for (const h of hits) byShard.set(h._federation!.remote!, [...(byShard.get(h._federation!.remote!) ?? []), h]);
  const { q, attributesToSearchOn, matchingStrategy, locales } = request;
  const index = l.placement.get(media)!.index;
  const queries = [...byShard].map(([remote, onShard]) => ({
    indexUid: index,
    q,
    attributesToSearchOn,
    matchingStrategy,
    locales,
    filter: `id IN [${onShard.map((h) => JSON.stringify(h.id)).join(', ')}]`,
    attributesToRetrieve: ['id'],
    showMatchesPosition: true,
    federationOptions: { remote },
  }));
  const r = (await l.client.multiSearch({ federation: { limit: hits.length }, queries } as never)) as unknown as Answer;
  return new Map(r.hits.map((h) => [h.id, h._matchesPosition]));
}

/** The request without its attribute list: the engine returns every displayed attribute. */
function everyAttribute(r: MeiliSearchRequest): MeiliSearchRequest {
  const { attributesToRetrieve: _, ...rest } = r;
  return rest;
}

const fieldsOf = (m: Hit['_matchesPosition']) =>
  Object.keys(m ?? {})
    .sort()
    .join(',');

async function main(cleanups: Cleanups): Promise<void> {
  const startedAt = new Date();
  const mach = machine();
  const one = await layout(1, cleanups);
  const net = await layout(3, cleanups);
  const file = loadQueries(path.join(ROOT, 'bench', 'queries.json'));
  if (!file) throw new Error('bench/queries.json is missing: run `npm run bench -- --regen-queries` once');
  const searches = file.searches.filter((s) => s.meili.q);
  log(`${searches.length} q searches of bench/queries.json, ${rounds} round(s) per form`);

  const forms: [string, Layout, (media: MediaType, r: MeiliSearchRequest) => Promise<unknown>][] = [
    [
      'one node, the Worker’s request (baseline)',
      one,
      (m, r) => one.client.index(one.placement.get(m)!.index).search(r.q, r as SearchParams),
    ],
    [
      'one node, without match positions',
      one,
      (m, r) => one.client.index(one.placement.get(m)!.index).search(r.q, { ...r, showMatchesPosition: false } as SearchParams),
    ],
    [
      'one node, every attribute (no `attributesToRetrieve`)',
      one,
      (m, r) => one.client.index(one.placement.get(m)!.index).search(r.q, everyAttribute(r) as SearchParams),
    ],
    ['3 shards, the Worker’s federated request', net, (m, r) => federated(net, m, r)],
    ['3 shards, without match positions', net, (m, r) => federated(net, m, { ...r, showMatchesPosition: false })],
    ['3 shards, every attribute (no `attributesToRetrieve`)', net, (m, r) => federated(net, m, everyAttribute(r))],
    [
      '3 shards, two steps: without, then positions of the page’s works',
      net,
      async (m, r) => {
        const page = await federated(net, m, { ...r, showMatchesPosition: false });
        const positions = await matchesOf(net, m, r, page.hits);
        // Checked against the one-step answer after the timed rounds, once per search.
        return { page, positions };
      },
    ],
  ];
  const rows: { form: string; p50: number; mean: number; cpu: number }[] = [];
  for (const [form, l, call] of forms) {
    for (const s of searches.slice(0, 20)) await call(s.media, workerRequest(s.media, s.meili));
    const t: number[] = [];
    const before = cpuSnapshot(l.stack.tree());
    for (let round = 0; round < rounds; round++) {
      for (const s of searches) {
        const started = performance.now();
        await call(s.media, workerRequest(s.media, s.meili));
        t.push(performance.now() - started);
      }
    }
    const cpuMs = ((cpuDelta(before, cpuSnapshot(l.stack.tree())).cpu.meilisearch ?? 0) * 1000) / t.length;
    const wall = stats(t);
    rows.push({ form, p50: wall.p50, mean: wall.mean, cpu: cpuMs });
    log(`${form}: p50 ${wall.p50.toFixed(2)} ms, CPU ${cpuMs.toFixed(2)} ms per search`);
  }
  // Two steps give the same match positions (by field) as one: checked on every search once.
  let differing = 0;
  for (const s of searches) {
    const r = workerRequest(s.media, s.meili);
    const oneStep = await federated(net, s.media, r);
    const page = await federated(net, s.media, { ...r, showMatchesPosition: false });
    const positions = await matchesOf(net, s.media, r, page.hits);
    const a = oneStep.hits.map((h) => `${h.id}:${fieldsOf(h._matchesPosition)}`).join(' ');
    const b = page.hits.map((h) => `${h.id}:${fieldsOf(positions.get(h.id))}`).join(' ');
    if (a !== b) differing++;
  }

  const base = rows[0];
  const lines = [
    `\n## ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC — where a sharded search's CPU goes (issue #14), ${docs.toLocaleString('en')} images\n`,
    `\`${commandLine('bench:shard-forms')}\`; ${mach.cpus} × ${mach.cpuModel}; load average ${loadAvg()}; ${searches.length} q searches × ${rounds} rounds per form, one at a time, through the official client; CPU = every Meilisearch process of the layout.\n`,
    '| form | p50 ms | mean ms | Meilisearch CPU ms per search | CPU / baseline |',
    '|---|---:|---:|---:|---:|',
    ...rows.map(
      (r) => `| ${r.form} | ${r.p50.toFixed(2)} | ${r.mean.toFixed(2)} | ${r.cpu.toFixed(2)} | ${(r.cpu / base.cpu).toFixed(2)}× |`,
    ),
    '\n- Wall times go through the official client from Node, which shows a ~43 ms floor on answers of this size (bench/RESULTS.md, 2026-12-07 06:12): compare the CPU column.',
    `- Two steps against one: the same works with the same matched fields for ${searches.length - differing} of ${searches.length} searches.`,
  ];
  const text = lines.join('\n');
  console.log(text);
  if (!args['no-record']) appendFileSync(RESULTS_FILE, `${text}\n`);
}

runBench('bench:shard-forms', main);
