/**
 * `npm run bench -- [--docs 10000|100000|1000000] [--quick] [--reuse]`
 *
 * Search latency and throughput of the Worker against raw Meilisearch on the same
 * queries: brings up the local stack (`npm start`) on a benchmark state folder, drives
 * it with autocannon at fixed concurrency levels, and reports p50/p95/p99 and req/s for
 * raw Meilisearch, the Worker with its cache defeated, and the Worker serving cached
 * answers; related and detail requests separately; no-op requests to show the fixed
 * cost of the local Worker chain; CPU per request of each process; the Worker bundle
 * size, Meilisearch's RSS and index size. Appends a dated section to bench/RESULTS.md.
 * See bench/README.md.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { MeiliAdmin, requestCapture, type RawRequest, type SearchParams } from '../ingest/meili-admin.js';
import { searchOnlyKey } from '../scripts/stack/meilisearch.js';
import { createMeiliClient, unionSearchBody, type MeiliSearchRequest } from '../worker/search/meili.js';
import { runPlan } from '../worker/search/query.js';
import { cliOptions, commandLine } from '../harness/args.js';
import { freePort } from '../scripts/stack/ports.js';
import { runPhase, stats, type LoadRequest, type PhaseResult } from '../harness/load/phase.js';
import { cpuOf, diskUsage, listeningPorts, loadAvg, machine, machineBusySeconds, memOf, otherBenchmarks } from '../harness/proc.js';
import {
  generateQueries,
  indexOf,
  interleave,
  loadQueries,
  meiliPlanFor,
  meiliRequestFor,
  saveQueries,
  variant,
  VARIANTS,
  workerPath,
  type SearchEntry,
} from '../harness/queries.js';
import {
  cachedSubsetLine,
  cpuTable,
  fmtMs,
  headlineTable,
  LIMITED_NOOP,
  overheadBreakdown,
  probeTable,
  routeTable,
  verdicts,
  workloadLegend,
  workloadTable,
  type Level,
  type Probe,
} from './search/report.js';
import { startBareWorkerd, type BareWorkerd } from './search/bare-workerd.js';
import { ownDatabase, prepareStateDir, snapshotSource, startStack, waitUntilIdle, type Stack } from '../harness/stack.js';
import { stopChild } from '../scripts/stack/child.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const QUERIES_FILE = path.join(ROOT, 'bench', 'queries.json');
const RESULTS_FILE = path.join(ROOT, 'bench', 'RESULTS.md');
const MACHINE_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

// ------------------------------------------------------------------ arguments

const USAGE = `usage: npm run bench -- [--docs 10000|100000|1000000] [--quick] [--reuse] [options]

  --docs N          demo images (audio: N/4); default 10000
  --quick           concurrency 1 and 8, 5 s each (default: 1, 4, 16 for 20 s each)
  --reuse           keep the catalog and indexes of .state/bench-<N> (and its database)
  --connections L   comma-separated concurrency levels (overrides the default)
  --duration S      seconds per measured phase (overrides the default)
  --pg machine|embedded   Postgres for the stack (default: embedded PGlite below 1M docs,
                    the machine's server at 1M: a database of its own, dropped unless --reuse)
  --regen-queries   regenerate bench/queries.json from this catalog
  --no-wait         do not wait for a running bench/ingest to finish
  --no-record       do not append to bench/RESULTS.md`;
const args = cliOptions(
  {
    docs: { type: 'string' },
    quick: { type: 'boolean' },
    reuse: { type: 'boolean' },
    connections: { type: 'string' },
    duration: { type: 'string' },
    pg: { type: 'string' },
    'regen-queries': { type: 'boolean' },
    'no-wait': { type: 'boolean' },
    'no-record': { type: 'boolean' },
  },
  USAGE,
);
const docs = Number(args.docs ?? 10_000);
if (!Number.isInteger(docs) || docs < 1000) throw new Error(`--docs ${args.docs}: give a whole number ≥ 1000`);
const quick = args.quick ?? false;
const reuse = args.reuse ?? false;
const levels = (args.connections ?? (quick ? '1,8' : '1,4,16')).split(',').map(Number);
const seconds = Number(args.duration ?? (quick ? 5 : 20));
const pgChoice = args.pg ?? (docs >= 1_000_000 ? 'machine' : 'embedded');
const record = !args['no-record'];
const command = commandLine('bench');

// ------------------------------------------------------------------ helpers

const t0 = Date.now();
const log = (msg: string) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let waitedMs = 0;
/** A phase during which other processes used more CPU than this is repeated (up to twice). */
const OTHERS_LIMIT = 0.3;

/** Waits (at most 5 minutes) until processes outside the benchmark use under 0.2 CPUs. */
async function waitForQuietMachine(): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < 300_000) {
    const ours = () =>
      (stack ? stack.tree().reduce((a, p) => a + (cpuOf(p.pid) ?? 0), 0) : 0) +
      process.cpuUsage().user / 1e6 +
      process.cpuUsage().system / 1e6;
    const b0 = machineBusySeconds();
    const o0 = ours();
    await sleep(5000);
    const others = (machineBusySeconds() - b0 - (ours() - o0)) / 5;
    if (others < 0.2) break;
  }
  waitedMs += Date.now() - started;
}
async function waitForOtherBenchmarks(): Promise<void> {
  if (args['no-wait']) return;
  let said = false;
  const started = Date.now();
  for (;;) {
    const others = otherBenchmarks();
    if (!others.length) {
      waitedMs += Date.now() - started;
      if (said) log(`the other benchmark is done: going on (waited ${((Date.now() - started) / 1000).toFixed(0)} s)`);
      return;
    }
    if (!said) log(`waiting for another benchmark to finish: ${others.map((l) => l.slice(0, 90)).join(' | ')}`);
    said = true;
    await sleep(5000);
  }
}

function shuffled<T>(xs: T[], seed: number): T[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function version(pkg: string): string {
  try {
    const file = path.join(ROOT, 'node_modules', pkg, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'n/a';
  }
}

const mb = (bytes: number | null | undefined) => (bytes == null || Number.isNaN(bytes) ? 'n/a' : `${(bytes / 1024 ** 2).toFixed(0)} MB`);

/** bench/search/app-server.ts in a child process: the Worker's app on Node. */
async function startNodeApp(
  root: string,
  meiliUrl: string,
  searchKey: string,
): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './bench/search/text-hooks.mjs', 'bench/search/app-server.ts'], {
    cwd: root,
    env: { ...process.env, MEILI_URL: meiliUrl, MEILI_SEARCH_KEY: searchKey },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`app-server did not start: ${err}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening (\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`app-server exited (${code}): ${err}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () => stopChild(child),
  };
}

// ------------------------------------------------------------------ main

const stateDir = path.join(ROOT, '.state', `bench-${docs}`);
const cleanups: (() => Promise<void>)[] = [];
let stack: Stack | null = null;
let tearingDown: Promise<void> | null = null;

function teardown(): Promise<void> {
  tearingDown ??= (async () => {
    while (cleanups.length) {
      try {
        await cleanups.pop()!();
      } catch (err) {
        console.error(`[bench] teardown: ${(err as Error).message}`);
      }
    }
  })();
  return tearingDown;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n[bench] ${signal}: stopping the stack…`);
    void teardown().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

async function main(): Promise<void> {
  const mach = machine();
  log(
    `search benchmark: ${docs.toLocaleString('en')} images + ${Math.floor(docs / 4).toLocaleString('en')} audio, levels ${levels.join('/')}, ${seconds} s per phase${quick ? ' (quick)' : ''}${reuse ? ', reusing the catalog' : ''}`,
  );
  await waitForOtherBenchmarks();
  const loadAtStart = loadAvg();
  const startedAt = new Date();

  // State folder (startStack keeps the media port in it between runs).
  prepareStateDir(stateDir, reuse);

  let databaseUrl: string | null = null;
  let pgLabel = `embedded PGlite ${version('@electric-sql/pglite')}`;
  if (pgChoice === 'machine') {
    const db = await ownDatabase(MACHINE_POSTGRES, `edgeverse_bench_search_${docs}`, reuse);
    databaseUrl = db.url;
    if (!reuse) cleanups.push(() => db.drop());
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    pgLabel = `machine PostgreSQL (${(await c.query<{ v: string }>('select version() as v')).rows[0].v.split(' on ')[0]}), database ${new URL(db.url).pathname.slice(1)}${reuse ? ' (kept for --reuse)' : ' (dropped at the end)'}`;
    await c.end();
  }

  const src = snapshotSource(ROOT);
  cleanups.push(async () => src.remove());
  log(`code under test: ${src.describe}`);
  log(`starting the stack (npm start, state ${path.relative(ROOT, stateDir)}, ${pgLabel.split(',')[0]})`);
  stack = await startStack({
    root: src.dir,
    stateDir,
    images: docs,
    audio: Math.floor(docs / 4),
    databaseUrl,
    readyTimeoutMs: Math.max(300_000, docs * 8),
    log: (line) => console.log(line),
  });
  const s = stack;
  cleanups.push(() => s.stop());
  log(`stack ready in ${s.readySeconds.toFixed(1)} s (API ${s.apiUrl}, Meilisearch ${s.meiliUrl})`);

  // npm start keeps working for a while after "ready in": measure once it is idle.
  const settleSeconds = await waitUntilIdle(s, { databaseUrl, log, timeoutMs: 3 * 3_600_000 });
  if (settleSeconds > 5) log(`stack idle after ${settleSeconds.toFixed(0)} s`);

  const master = s.meiliMasterKey;
  const searchKey = await searchOnlyKey(s.meiliUrl, master);
  const admin = new MeiliAdmin(s.meiliUrl, master);
  const meiliVersion = await admin.version();
  const counts = { images: await admin.documentCount('images'), audio: await admin.documentCount('audio') };
  log(`indexes: images ${counts.images}, audio ${counts.audio}`);

  // wrangler dev puts a proxy Worker (its own workerd) in front of the user Worker's
  // workerd; the latter's entry socket is found to measure the Worker without that hop.
  let directUrl: string | null = null;
  for (const p of s.tree().filter((x) => x.role === 'workerd')) {
    for (const port of listeningPorts(p.pid)) {
      if (port === s.ports.PORT) continue;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/nope/`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 404 && res.headers.get('x-request-id')) directUrl ??= `http://127.0.0.1:${port}`;
      } catch {
        /* not an HTTP entry */
      }
    }
  }
  log(`user Worker's own workerd entry (behind wrangler's proxy): ${directUrl ?? 'not found'}`);

  // ---------------------------------------------------------------- the queries
  let queries = args['regen-queries'] ? null : loadQueries(QUERIES_FILE);
  if (!queries) {
    log('generating bench/queries.json from this catalog');
    queries = await generateQueries(s.meiliUrl, master);
    saveQueries(QUERIES_FILE, queries);
  }
  let drift = 0;
  for (const q of queries.searches) {
    const now = meiliRequestFor(q.media, q.params);
    if (JSON.stringify(now) !== JSON.stringify(q.meili)) drift++;
    q.meili = now;
  }
  if (drift)
    log(
      `note: the Worker now builds a different Meilisearch request for ${drift} queries than when bench/queries.json was made; using today's`,
    );
  const base: SearchEntry[] = interleave(queries.searches);
  const B = base.length;
  log(`query mix: ${B} searches (${queries.catalog.images} images when generated)`);

  // Raw searches with the Worker's key, through the Worker's own engine wrapper.
  const rawEngine = createMeiliClient({ url: s.meiliUrl, apiKey: searchKey, timeoutMs: 30_000 });
  const rawSearch = (media: 'image' | 'audio', body: MeiliSearchRequest) => rawEngine.search<{ id: string }>(indexOf(media), body);

  // Ids for related and detail, found by searching.
  const idSet = new Set<string>();
  for (const q of base) {
    if (q.media !== 'image') continue;
    const r = await rawSearch('image', { ...q.meili, page: 1, hitsPerPage: 100, attributesToRetrieve: ['id'], showMatchesPosition: false });
    for (const h of r.hits) idSet.add(h.id);
  }
  const ids = shuffled([...idSet].sort(), 7);
  log(`ids for related/detail: ${ids.length} found by the mix's searches`);

  // Same answers both ways (also the warm-up of every query).
  let mismatches = 0;
  const mismatchExamples: string[] = [];
  for (const q of base) {
    const w = await fetch(`${s.apiUrl}${workerPath(q.media, variant(q.params, 0))}`);
    const wb = (await w.json()) as { results?: { id: string }[]; result_count?: number };
    const rb = await runPlan<{ id: string }>(rawEngine, indexOf(q.media), meiliPlanFor(q.media, q.params), {
      page: q.meili.page ?? 1,
      hitsPerPage: q.meili.hitsPerPage ?? 20,
    });
    const a = (wb.results ?? []).map((x) => x.id).join(',');
    const b = rb.hits.map((x) => x.id).join(',');
    if (w.status !== 200 || a !== b) {
      mismatches++;
      if (mismatchExamples.length < 3)
        mismatchExamples.push(`${q.path}: Worker ${w.status} ${wb.results?.length ?? '-'} results, raw ${rb.hits.length} hits`);
    }
  }
  for (const id of ids.slice(0, 5)) {
    for (const p of [`/v1/images/${id}/`, `/v1/images/${id}/related/`]) {
      const res = await fetch(`${s.apiUrl}${p}`);
      await res.arrayBuffer();
      if (res.status !== 200) {
        mismatches++;
        mismatchExamples.push(`${p}: ${res.status}`);
      }
    }
  }
  log(
    `equivalence: ${B - mismatches}/${B} searches give the same ids through the Worker as raw${mismatches ? ` — ${mismatchExamples.join('; ')}` : ''}`,
  );

  // ---------------------------------------------------------------- request rotations
  // Uncached: request k is base query k mod B in variant 1 + ⌊k/B⌋ mod 159 — a URL the
  // Worker has not seen in the last minute, so its admission rule (cache after a second
  // sighting within 60 s) never stores it. The raw phase replays the same k's.
  let searchK = 0;
  const searchAt = (k: number) => {
    const i = k % B;
    const v = 1 + (Math.floor(k / B) % (VARIANTS - 1));
    return { i, v, q: base[i] };
  };
  // The raw twin of every variant, as the client would send it (autocannon asks for each
  // request synchronously, so they are captured before the phases). A field search with
  // several words is a union: its raw twin is the same multi-search.
  const capture = requestCapture(s.meiliUrl, searchKey);
  const rawRequests = new Map<number, RawRequest>();
  for (let i = 0; i < B; i++) {
    const q = base[i];
    for (let v = 1; v < VARIANTS; v++) {
      const plan = meiliPlanFor(q.media, variant(q.params, v));
      const window = { offset: ((plan.request.page ?? 1) - 1) * (plan.request.hitsPerPage ?? 20), limit: plan.request.hitsPerPage ?? 20 };
      rawRequests.set(
        i * VARIANTS + v,
        await capture((c) =>
          plan.union
            ? c.multiSearch(unionSearchBody(indexOf(q.media), plan.union, window))
            : c.index(indexOf(q.media)).search(plan.request.q, plan.request as SearchParams),
        ),
      );
    }
  }
  const meiliHealthRequest = await capture((c) => c.health());
  const rawRequest = (k: number): LoadRequest => {
    const { i, v, q } = searchAt(k);
    return { ...rawRequests.get(i * VARIANTS + v)!, tag: q.tag, key: i };
  };
  const workerRequest = (k: number): LoadRequest => {
    const { i, v, q } = searchAt(k);
    return { method: 'GET', path: workerPath(q.media, variant(q.params, v)), tag: q.tag, key: i };
  };
  // Cached: a small set, each made a HIT before measuring.
  const cachedSet = base.slice(0, 24).map((q, i) => ({ q, i }));
  let relatedK = 0;
  let detailK = 0;

  const phase = async (
    name: string,
    url: string,
    connections: number,
    secs: number,
    next: () => LoadRequest,
    okStatus?: number,
    before?: () => Promise<void>,
  ) => {
    const tree = () => [
      ...s.tree(),
      ...(nodeAppPid ? [{ pid: nodeAppPid, ppid: process.pid, role: 'nodeapp', cmdline: 'app-server' }] : []),
      ...(bare ? [{ pid: bare.pid, ppid: process.pid, role: 'bareworkerd', cmdline: 'workerd serve' }] : []),
    ];
    let p: PhaseResult;
    // A phase during which another benchmark started is thrown away and run again once
    // that benchmark is done (at most 3 times).
    for (let attempt = 1; ; attempt++) {
      await waitForOtherBenchmarks();
      if (before) await before();
      p = await runPhase({ name, baseUrl: url, connections, seconds: secs, next, tree, okStatus });
      // Requests through the API port under /v1/ each add an entry to the rate limiter's log.
      if (url === s.apiUrl && !name.includes('/nope/') && name !== 'Worker limited 400') limiterLogged += p.count + p.errors;
      const others = otherBenchmarks();
      const busyMachine = p.othersCpu > OTHERS_LIMIT;
      if ((!others.length && !busyMachine) || attempt === 3) {
        if (others.length) skewed.push(`${name} c=${connections} (${others[0].slice(0, 60)})`);
        else if (busyMachine) skewed.push(`${name} c=${connections} (other processes used ${p.othersCpu.toFixed(2)} CPUs)`);
        break;
      }
      const why = others.length
        ? `another benchmark started during the phase (${others[0].slice(0, 60)})`
        : `other processes used ${p.othersCpu.toFixed(2)} CPUs during the phase`;
      repeated.push(`${name} c=${connections}`);
      log(`  ${name} c=${connections}: ${why}: repeating it when the machine is quiet`);
      await waitForQuietMachine();
    }
    log(
      `  ${name.padEnd(16)} c=${String(connections).padEnd(3)} ${p.rps.toFixed(0).padStart(5)} req/s  p50 ${fmtMs(p.all.p50)}  p95 ${fmtMs(p.all.p95)}  p99 ${fmtMs(p.all.p99)} ms  errors ${p.errors}${p.errorDetail ? ` (${p.errorDetail})` : ''}  [other processes: ${p.othersCpu.toFixed(2)} CPUs${p.restarted.length ? `; restarted: ${p.restarted.join(',')}` : ''}]`,
    );
    return p;
  };

  let nodeAppPid = 0;
  let bare: BareWorkerd | null = null;
  let limiterLogged = B + 10; // the equivalence check
  const repeated: string[] = [];
  const skewed: string[] = [];
  // Warm-up (not recorded): JIT, connection pools, page cache.
  log('warm-up');
  const warm = Math.min(2, seconds);
  const kWarm = searchK;
  await phase('warm raw', s.meiliUrl, 4, warm, () => rawRequest(kWarm + searchK++));
  const kWarm2 = searchK;
  searchK = kWarm;
  await phase('warm Worker', s.apiUrl, 4, warm, () => workerRequest(searchK++));
  searchK = Math.max(searchK, kWarm2);
  await phase('warm related', s.apiUrl, 4, warm, () => ({
    method: 'GET',
    path: `/v1/images/${ids[relatedK++ % ids.length]}/related/`,
    tag: 'related',
    key: -1,
  }));
  await phase('warm detail', s.apiUrl, 4, warm, () => ({
    method: 'GET',
    path: `/v1/images/${ids[detailK++ % ids.length]}/`,
    tag: 'detail',
    key: -1,
  }));

  // Entries are fresh for 5 minutes, so this is redone before every cached phase (a
  // stale entry answers MISS once and is rewritten).
  const makeHits = async (quiet = false, baseUrl = s.apiUrl) => {
    if (!quiet) log(`making the cached set (${cachedSet.length} searches) HITs`);
    for (let round = 0; round < 15; round++) {
      let hits = 0;
      for (const { q } of cachedSet) {
        const res = await fetch(`${baseUrl}${q.path}`);
        await res.arrayBuffer();
        if (res.headers.get('x-cache') === 'HIT') hits++;
      }
      if (hits === cachedSet.length) return;
      await sleep(1100); // the Worker writes at most 5 entries a second, one per key a second
    }
    log('warning: the cached set did not become all HITs');
  };
  await makeHits();

  // The same app code served by Node (no wrangler/workerd, no Durable Object, no local KV).
  const nodeApp = await startNodeApp(src.dir, s.meiliUrl, searchKey);
  cleanups.push(() => nodeApp.stop());
  nodeAppPid = nodeApp.pid;
  await phase('warm Node app', nodeApp.url, 4, warm, () => workerRequest(searchK++));

  // The deployable bundle in bare workerd: the Worker without local dev plumbing.
  bare = await startBareWorkerd({ root: src.dir, stateDir, port: await freePort(), log });
  const bareUrl = bare.url;
  cleanups.push(() => bare!.stop());
  await phase('warm bare workerd', bareUrl, 4, warm, () => workerRequest(searchK++));
  await makeHits(true, bareUrl);

  // ---------------------------------------------------------------- measure
  const results: Level[] = [];
  const probes: Probe[] = [];
  const allPhases: PhaseResult[] = [];
  const probeSecs = quick ? 3 : 10;
  let limiterLate: { connections: number; logged: number; p: PhaseResult } | null = null;

  const outputBefore = s.outputSince();
  s.markOutput();
  let measuredRequests = 0;
  const probeSet = async (c: number, when: 'early' | 'end') => {
    const meiliHealth = await phase('Meili health', s.meiliUrl, c, probeSecs, () => ({ ...meiliHealthRequest, tag: 'noop', key: -1 }));
    const workerNoop = await phase(
      'Worker /nope/',
      s.apiUrl,
      c,
      probeSecs,
      () => ({ method: 'GET', path: '/nope/', tag: 'noop', key: -1 }),
      404,
    );
    const logged = limiterLogged;
    const workerNoopLimited = await phase(
      'Worker limited 400',
      s.apiUrl,
      c,
      probeSecs,
      () => ({ method: 'GET', path: LIMITED_NOOP, tag: 'noop', key: -1 }),
      400,
    );
    const directNoop = directUrl
      ? await phase('direct /nope/', directUrl, c, probeSecs, () => ({ method: 'GET', path: '/nope/', tag: 'noop', key: -1 }), 404)
      : null;
    const bareNoop = await phase(
      'bare /nope/',
      bareUrl,
      c,
      probeSecs,
      () => ({ method: 'GET', path: '/nope/', tag: 'noop', key: -1 }),
      404,
    );
    const bareLimited = await phase(
      'bare limited 400',
      bareUrl,
      c,
      probeSecs,
      () => ({ method: 'GET', path: LIMITED_NOOP, tag: 'noop', key: -1 }),
      400,
    );
    probes.push({
      connections: c,
      when,
      limiterLogged: logged,
      meiliHealth,
      workerNoop,
      workerNoopLimited,
      directNoop,
      bareNoop,
      bareLimited,
    });
    allPhases.push(...[meiliHealth, workerNoop, workerNoopLimited, directNoop, bareNoop, bareLimited].filter((x): x is PhaseResult => !!x));
  };
  // No-op requests (the fixed cost of each hop) at the lowest level, before the load:
  // what the lowest level's searches are compared with.
  await probeSet(levels[0], 'early');
  for (const c of levels) {
    await waitForOtherBenchmarks();
    const k0 = searchK;
    let k = k0;
    const raw = await phase('raw Meilisearch', s.meiliUrl, c, seconds, () => rawRequest(k++));
    const kRawEnd = k;
    k = k0;
    const uncached = await phase('Worker uncached', s.apiUrl, c, seconds, () => workerRequest(k++));
    const kWorkerEnd = k;
    k = kWorkerEnd;
    const direct = directUrl ? await phase('Worker direct', directUrl, c, seconds, () => workerRequest(k++)) : null;
    const kDirectEnd = k;
    // Bare workerd has its own caches: the raw phase's own queries, in the same order.
    k = k0;
    const bareUncached = await phase('bare uncached', bareUrl, c, seconds, () => workerRequest(k++));
    k = k0;
    const nodeApp_ = await phase('Worker code Node', nodeApp.url, c, seconds, () => workerRequest(k++));
    searchK = Math.max(k, kRawEnd, kWorkerEnd, kDirectEnd);
    let ci = 0;
    const cached = await phase(
      'Worker cached',
      s.apiUrl,
      c,
      seconds,
      () => {
        const { q, i } = cachedSet[ci++ % cachedSet.length];
        return { method: 'GET', path: q.path, tag: q.tag, key: i };
      },
      undefined,
      () => makeHits(true),
    );
    let bi = 0;
    const bareCached = await phase(
      'bare cached',
      bareUrl,
      c,
      seconds,
      () => {
        const { q, i } = cachedSet[bi++ % cachedSet.length];
        return { method: 'GET', path: q.path, tag: q.tag, key: i };
      },
      undefined,
      () => makeHits(true, bareUrl),
    );
    const related = await phase('related', s.apiUrl, c, seconds, () => ({
      method: 'GET',
      path: `/v1/images/${ids[relatedK++ % ids.length]}/related/`,
      tag: 'related',
      key: -1,
    }));
    const detail = await phase('detail', s.apiUrl, c, seconds, () => ({
      method: 'GET',
      path: `/v1/images/${ids[detailK++ % ids.length]}/`,
      tag: 'detail',
      key: -1,
    }));
    const rawOfCachedSet = stats(cachedSet.flatMap(({ i }) => raw.byKey.get(i) ?? []));
    results.push({
      connections: c,
      raw,
      uncached,
      direct,
      nodeApp: nodeApp_,
      cached,
      bare: bareUncached,
      bareCached,
      related,
      detail,
      rawOfCachedSet,
    });
    allPhases.push(
      ...[raw, uncached, direct, nodeApp_, cached, bareUncached, bareCached, related, detail].filter((x): x is PhaseResult => !!x),
    );
    measuredRequests += uncached.count + cached.count + related.count + detail.count;
    if (uncached.xcache.HIT) log(`  warning: ${uncached.xcache.HIT} uncached requests were cache HITs`);
    if (cached.xcache.HIT !== cached.count)
      log(`  warning: ${cached.count - (cached.xcache.HIT ?? 0)} cached-phase requests were not HITs`);
    if (bareUncached.xcache.HIT) log(`  warning: ${bareUncached.xcache.HIT} bare uncached requests were cache HITs`);
    if (bareCached.xcache.HIT !== bareCached.count)
      log(`  warning: ${bareCached.count - (bareCached.xcache.HIT ?? 0)} bare cached requests were not HITs`);
  }
  const stackLinesDuringLoad = s.outputSince();

  // No-op requests: the fixed cost of each hop, at the lowest and highest level.
  // At the end: the highest level, and the rate limiter again at the lowest (its cost
  // grows with the requests it has logged).
  const last = levels[levels.length - 1];
  await probeSet(last, 'end');
  if (last !== levels[0]) {
    const logged = limiterLogged;
    const late = await phase(
      'Worker limited 400',
      s.apiUrl,
      levels[0],
      probeSecs,
      () => ({ method: 'GET', path: LIMITED_NOOP, tag: 'noop', key: -1 }),
      400,
    );
    limiterLate = { connections: levels[0], logged, p: late };
    allPhases.push(late);
  }

  // Memory and disk.
  const tree = s.tree();
  const meiliProc = tree.find((p) => p.role === 'meilisearch');
  const meiliMem = meiliProc ? memOf(meiliProc.pid) : null;
  const workerdMem = tree.filter((p) => p.role === 'workerd').map((p) => memOf(p.pid)?.rss ?? 0);
  const meiliCpuTotal = meiliProc ? cpuOf(meiliProc.pid) : null;
  const meiliDisk = diskUsage(path.join(stateDir, 'meilisearch'));
  const loadAtEnd = loadAvg();

  const bundle = bare!.bundle;
  log('stopping the stack');
  await teardown();
  stack = null;
  const totalSeconds = (Date.now() - t0 - waitedMs) / 1000;

  // ---------------------------------------------------------------- report
  const v = verdicts(results);
  const restarts = allPhases.filter((p) => p.restarted.length).map((p) => `${p.name} c=${p.connections} (${p.restarted.join('/')})`);
  const lines: string[] = [];
  const date = startedAt.toISOString().replace('T', ' ').slice(0, 16);
  lines.push(`## ${date} UTC — search: Worker vs raw Meilisearch, ${docs.toLocaleString('en')} images${quick ? ' (quick)' : ''}`);
  lines.push('');
  lines.push(
    `- command: \`${command}\` — ${totalSeconds.toFixed(0)} s in all${waitedMs > 1000 ? ` (plus ${(waitedMs / 1000).toFixed(0)} s waiting for bench/ingest)` : ''} (stack ready after ${s.readySeconds.toFixed(1)} s${reuse ? ', reused catalog' : ''}, idle ${settleSeconds.toFixed(0)} s later; the waveform backfill is off for benchmarks)`,
  );
  lines.push(
    `- machine: ${mach.cpus} CPUs (${mach.cpuModel}), ${mach.memoryGiB.toFixed(1)} GiB RAM, ${mach.kernel}; load average at start ${loadAtStart}, at end ${loadAtEnd}; the load generator (autocannon, in this Node process) shares the CPUs with the stack`,
  );
  lines.push(
    `- code: ${src.describe.replace(/ \(\d+ files copied.*$/, '')}; the stack ran from that copy, so edits during the run could not restart the Worker${restarts.length ? ` — yet processes restarted during: ${restarts.join(', ')}` : ''}`,
  );
  lines.push(
    `- versions: Node ${process.version}, Meilisearch ${meiliVersion}, wrangler ${version('wrangler')} (workerd ${version('workerd')}), hono ${version('hono')}, autocannon ${version('autocannon')}; Postgres: ${pgLabel}`,
  );
  lines.push(
    `- catalog: ${counts.images.toLocaleString('en')} images and ${counts.audio.toLocaleString('en')} audio documents indexed; query mix: ${B} searches from bench/queries.json (${workloadLegend()}); ${ids.length} ids for related/detail`,
  );
  lines.push(
    `- phases: ${seconds} s each at ${levels.join(', ')} connections (pipelining 1), after a warm-up; equivalence check: ${B - mismatches}/${B} searches return the same ids through the Worker as raw${mismatches ? ` (${mismatchExamples.join('; ')})` : ''}`,
  );
  lines.push(
    `- Worker bundle (\`wrangler deploy --dry-run\`): ${bundle.upload}; output folder ${(bundle.bytes / 1024).toFixed(0)} KiB (bundle + source map). Meilisearch: RSS ${mb(meiliMem?.rss)} (peak ${mb(meiliMem?.hwm)}), data folder ${mb(meiliDisk)}, ${meiliCpuTotal?.toFixed(0) ?? 'n/a'} CPU s since start; workerd RSS ${mb(workerdMem.reduce((a, b) => a + b, 0))}`,
  );
  const others = allPhases.map((p) => p.othersCpu);
  const othersLine = `other processes on the machine used ${(others.reduce((a, b) => a + b, 0) / others.length).toFixed(2)} CPUs on average during the phases (max ${Math.max(...others).toFixed(2)}; per phase in the CPU table)`;
  lines.push(
    `- disturbance: a phase during which a bench/ingest process ran or other processes used more than ${OTHERS_LIMIT} CPUs was thrown away and run again when the machine was quiet (up to 3 attempts)${repeated.length ? `; repeated: ${repeated.join(', ')}` : '; none needed'}${skewed.length ? `; still disturbed after 3 attempts: ${skewed.join(', ')}` : ''}; stack output during load: ${stackLinesDuringLoad} lines for ${measuredRequests} Worker requests (${outputBefore} before); ${othersLine}`,
  );
  lines.push('');
  lines.push(
    '**Search mix** (raw = the search request the Worker builds, sent by the official client straight to Meilisearch, search-only key):',
  );
  lines.push('');
  lines.push(headlineTable(results));
  lines.push('');
  lines.push(
    '**Targets** (Worker uncached p50 ≤ 1.3 × raw p50 + 3 ms; p95 ≤ 1.5 × raw p95 + 5 ms; cached p50 < 0.5 × raw p50). The headline is the Worker in workerd as deployed (its `wrangler deploy` bundle in bare workerd: bench/search/bare-workerd.ts); the same rules are also applied to the Worker as `npm start` serves it (through wrangler dev, whose local proxy and Miniflare plumbing cost milliseconds a request that production does not pay), and, for diagnosis, to the Worker reached behind the wrangler proxy and to its code on Node:',
  );
  lines.push('');
  for (const x of v) lines.push(`- c=${x.connections} ${x.text}`);
  for (const l of results) lines.push(`- c=${l.connections} ${cachedSubsetLine(l)}`);
  lines.push('');
  for (const l of results) {
    lines.push(`**Per workload, c=${l.connections}** (req/s = that workload's share of the mix's throughput):`);
    lines.push('');
    lines.push(workloadTable(l));
    lines.push('');
  }
  lines.push(
    '**Related and detail** (Worker only: related = 1 id lookup + 1-5 searches in Meilisearch, uncached ids; detail = Postgres through the Neon bridge):',
  );
  lines.push('');
  lines.push(routeTable(results));
  lines.push('');
  lines.push('**No-op requests** (fixed cost of each hop):');
  lines.push('');
  lines.push(probeTable(probes, limiterLate));
  const early = probes.find((p) => p.when === 'early');
  if (early && limiterLate) {
    lines.push('');
    lines.push(
      `Rate limiter at c=${early.connections}: GET ${LIMITED_NOOP} (counted, then a 400) p50 ${fmtMs(early.workerNoopLimited.all.p50)} ms with ≈${early.limiterLogged.toLocaleString('en')} requests counted before, ${fmtMs(limiterLate.p.all.p50)} ms with ≈${limiterLate.logged.toLocaleString('en')} ` +
        `(/nope/, a 404 the limiter does not count: ${fmtMs(early.workerNoop.all.p50)} ms). Under steady traffic the isolate spends leases of up to 32 requests taken from the client's Durable Object at once (worker/ratelimit/leases.ts), so most requests make no Durable Object call.`,
    );
  }
  lines.push('');
  lines.push('**Where the Worker overhead comes from** (differences of medians between phases at the same concurrency):');
  lines.push('');
  for (const l of results)
    lines.push(
      ...overheadBreakdown(
        l,
        probes.find((p) => p.connections === l.connections),
      ).map((x) => (x.startsWith('  ') ? x : `- ${x}`)),
    );
  lines.push('');
  lines.push('**CPU per request** (process CPU time during the phase ÷ requests; `stack` = start.ts: Neon bridge, media server):');
  lines.push('');
  lines.push(cpuTable(allPhases));
  lines.push('');
  const md = lines.join('\n');
  console.log(`\n${md}`);
  if (record) {
    appendFileSync(RESULTS_FILE, `\n${md}`);
    log(`appended to ${path.relative(ROOT, RESULTS_FILE)}`);
  }
  log(
    `done in ${totalSeconds.toFixed(0)} s${waitedMs > 1000 ? ` (+ ${(waitedMs / 1000).toFixed(0)} s waiting for another benchmark)` : ''}`,
  );
}

main()
  .then(() => teardown())
  .catch(async (err: Error) => {
    console.error(`[bench] failed: ${err.stack ?? err.message}`);
    await teardown();
    process.exit(1);
  });
