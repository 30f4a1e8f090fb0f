/**
 * `npm run bench:shards -- [--docs 100000] [--shards 3] [--seconds 10] [--levels 1,4,16]`
 *
 * One node against a Meilisearch network of `--shards` nodes, same catalog, same run
 * (issue #14). For each layout: `npm start` on a state folder of its own (`SHARDS=1` and
 * `SHARDS=N`), then a measured full refresh of the images (`npm run ingest -- refresh`):
 * wall time, documents/s, CPU-seconds per million documents (the whole machine's busy
 * time during the refresh, Postgres and every Meilisearch node included), the ingest's
 * peak RSS. Then the Worker as deployed (its `wrangler deploy` bundle in bare workerd,
 * bench/search/bare-workerd.ts) over each layout, driven with the query mix of
 * bench/queries.json at each concurrency level, layouts alternating: p50/p95/p99 and
 * req/s, and the CPU per search of the Meilisearch nodes and of the Worker; and page 1 of
 * every query compared between the layouts (parity), each difference listed. Appends a
 * dated section to bench/RESULTS.md.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliOptions, commandLine } from '../harness/args.js';
import { runPhase, type PhaseResult } from '../harness/load/phase.js';
import { cpuOf, loadAvg, machine, machineBusySeconds, mb, memOf } from '../harness/proc.js';
import { interleave, loadQueries, variant, workerPath, type SearchEntry } from '../harness/queries.js';
import { runBench, type Cleanups } from '../harness/lifecycle.js';
import { snapshotSource, startIdleStack, waitUntilIdle, type Stack } from '../harness/stack.js';
import { freePort } from '../scripts/stack/ports.js';
import { startBareWorkerd, type BareWorkerd } from './search/bare-workerd.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_FILE = path.join(ROOT, 'bench', 'RESULTS.md');
const MACHINE_POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const USAGE = `usage: npm run bench:shards -- [--docs N] [--shards N] [--seconds S] [--levels 1,4,16] [--no-record]
  --docs      images in the demo catalog (default 100000; audio is a quarter of it)
  --shards    nodes of the network layout (default 3)
  --seconds   seconds per load phase (default 10)
  --levels    concurrency levels (default 1,4,16)
  --no-record print only, do not append to bench/RESULTS.md`;

const args = cliOptions(
  {
    docs: { type: 'string', default: '100000' },
    shards: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    levels: { type: 'string', default: '1,4,16' },
    'no-record': { type: 'boolean', default: false },
  },
  USAGE,
);
const docs = Number(args.docs);
const shards = Number(args.shards);
const seconds = Number(args.seconds);
const levels = (args.levels ?? '1,4,16').split(',').map(Number);
for (const [name, v] of [
  ['--docs', docs],
  ['--shards', shards],
  ['--seconds', seconds],
] as const) {
  if (!Number.isInteger(v) || v < 1) {
    console.error(`${name} must be a positive whole number\n\n${USAGE}`);
    process.exit(2);
  }
}
if (shards < 2 || levels.some((l) => !Number.isInteger(l) || l < 1)) {
  console.error(`--shards must be 2 or more and --levels positive whole numbers\n\n${USAGE}`);
  process.exit(2);
}

const log = (msg: string) => console.log(`[bench:shards] ${msg}`);

interface RefreshFigures {
  wallSeconds: number;
  documents: number;
  machineCpuSeconds: number;
  ingestCpuSeconds: number;
  ingestPeakRss: number;
  summary: string[];
}

/** A full refresh of the images through the CLI, measured from outside. */
async function measuredRefresh(src: string, stateDir: string): Promise<RefreshFigures> {
  const env: NodeJS.ProcessEnv = { ...process.env, EDGEVERSE_STATE_DIR: stateDir };
  // The stack's own services (its .state/stack.json), not the caller's.
  for (const k of ['DATABASE_URL', 'MEILI_URL', 'MEILI_MASTER_KEY', 'MEILI_NODES', 'INDEX_PREFIX']) delete env[k];
  const busyBefore = machineBusySeconds();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=256', '--import', 'tsx', 'ingest/bin/ingest.ts', 'refresh', '--media', 'image'],
    {
      cwd: src,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  // The last readings before the process exits are its totals.
  let cpu = 0;
  let hwm = 0;
  const poll = setInterval(() => {
    cpu = cpuOf(child.pid!) ?? cpu;
    hwm = memOf(child.pid!)?.hwm ?? hwm;
  }, 100);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearInterval(poll);
  const wallSeconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`the refresh failed (exit ${code}): ${err.trim().split('\n').slice(-5).join(' | ')}`);
  const summary = out.trim().split('\n');
  const documents = Number(/: ([\d,]+) documents/.exec(out)?.[1]?.replace(/,/g, '') ?? Number.NaN);
  return {
    wallSeconds,
    documents,
    machineCpuSeconds: machineBusySeconds() - busyBefore,
    ingestCpuSeconds: cpu,
    ingestPeakRss: hwm,
    summary,
  };
}

interface Layout {
  shards: number;
  stack: Stack;
  bare: BareWorkerd;
  refresh: RefreshFigures;
  phases: PhaseResult[];
}

/** CPU milliseconds per answered search: all Meilisearch nodes together, and the Worker. */
function cpuPerSearch(r: PhaseResult): { engine: number; worker: number } {
  const per = (seconds = 0) => (r.count ? (seconds * 1000) / r.count : NaN);
  return { engine: per(r.cpu.meilisearch), worker: per(r.cpu['bare-workerd']) };
}

async function main(cleanups: Cleanups): Promise<void> {
  const mach = machine();
  log(`${docs.toLocaleString('en')} images (+${Math.floor(docs / 4).toLocaleString('en')} audio), 1 node vs ${shards} shards`);
  const loadAtStart = loadAvg();
  const startedAt = new Date();
  const src = snapshotSource(ROOT);
  cleanups.add(() => src.remove());
  log(`code under test: ${src.describe}`);

  const layouts: Layout[] = [];
  for (const n of [1, shards]) {
    const stateDir = path.join(ROOT, '.bench', `shards-${docs}-${n}`);
    log(`layout ${n === 1 ? 'one node' : `${n} shards`}: npm start (SHARDS=${n})`);
    const stack = await startIdleStack({
      root: src.dir,
      stateDir,
      adminUrl: MACHINE_POSTGRES,
      database: `edgeverse_bench_shards_${docs}_${n}`,
      images: docs,
      shards: n,
      cleanups,
      log,
      stackLog: (line) => console.log(line),
    });
    log(`layout ${n}: measured refresh of the images`);
    const refresh = await measuredRefresh(src.dir, stateDir);
    for (const line of refresh.summary) log(`  ${line}`);
    await waitUntilIdle(stack, { databaseUrl: stack.databaseUrl, log });
    const bare = await startBareWorkerd({ root: src.dir, stateDir, port: await freePort(), log });
    cleanups.add(() => bare.stop());
    layouts.push({ shards: n, stack, bare, refresh, phases: [] });
  }

  // ------------------------------------------------------------------ parity
  const queries = loadQueries(path.join(ROOT, 'bench', 'queries.json'));
  if (!queries) throw new Error('bench/queries.json is missing: run `npm run bench -- --regen-queries` once');
  const base: SearchEntry[] = interleave(queries.searches);
  const differences: string[] = [];
  for (const q of base) {
    const p = workerPath(q.media, variant(q.params, 0));
    const [a, b] = await Promise.all(
      layouts.map(async (l) => {
        const res = await fetch(`${l.bare.url}${p}`);
        const body = (await res.json()) as { result_count?: number; results?: { id: string }[] };
        return { status: res.status, count: body.result_count, ids: (body.results ?? []).map((r) => r.id) };
      }),
    );
    if (a.status !== b.status) differences.push(`${p}: status ${a.status} / ${b.status}`);
    else if (a.count !== b.count) differences.push(`${p}: result_count ${a.count} / ${b.count}`);
    else if (a.ids.join() !== b.ids.join()) {
      const at = a.ids.findIndex((id, i) => id !== b.ids[i]);
      const sameSet = [...a.ids].sort().join() === [...b.ids].sort().join();
      differences.push(`${p}: page 1 differs from position ${at + 1}${sameSet ? ' (same works, other order)' : ''}`);
    }
  }
  log(`parity: ${base.length - differences.length} of ${base.length} queries identical on page 1`);
  for (const d of differences) log(`  ${d}`);

  // ------------------------------------------------------------------ load
  let k = 0;
  const next = () => {
    const i = k++;
    const q = base[i % base.length];
    // A new variant each round: no answer is served from the Worker's caches.
    return {
      method: 'GET',
      path: workerPath(q.media, variant(q.params, 1 + (Math.floor(i / base.length) % 79))),
      tag: q.tag,
      key: i % base.length,
    };
  };
  for (const l of layouts)
    await runPhase({ name: `warm ${l.shards}`, baseUrl: l.bare.url, connections: 4, seconds: 5, next, tree: () => l.stack.tree() });
  for (const c of levels) {
    for (const l of layouts) {
      const r = await runPhase({
        name: `${l.shards} shard(s) c=${c}`,
        baseUrl: l.bare.url,
        connections: c,
        seconds,
        next,
        // The bare workerd is not in the stack's tree: added so its CPU is counted apart.
        tree: () => [...l.stack.tree(), { pid: l.bare.pid, ppid: 0, role: 'bare-workerd', cmdline: '' }],
      });
      l.phases.push(r);
      const cpu = cpuPerSearch(r);
      log(
        `${r.name}: p50 ${r.all.p50.toFixed(1)} ms, p95 ${r.all.p95.toFixed(1)}, p99 ${r.all.p99.toFixed(1)}, ${r.rps.toFixed(0)} req/s, ${r.errors} errors; CPU per search: Meilisearch ${cpu.engine.toFixed(2)} ms, Worker ${cpu.worker.toFixed(2)} ms`,
      );
    }
  }

  // ------------------------------------------------------------------ report
  const [one, net] = layouts;
  const perMillion = (r: RefreshFigures) => (r.machineCpuSeconds / r.documents) * 1e6;
  const lines: string[] = [];
  lines.push(
    `\n## ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC — one node vs ${shards} shards, ${docs.toLocaleString('en')} images\n`,
  );
  lines.push(
    `\`${commandLine('bench:shards')}\`; ${mach.cpus} × ${mach.cpuModel}, ${mach.memoryGiB} GiB; load average ${loadAtStart} → ${loadAvg()}; code ${src.describe}.\n`,
  );
  lines.push(
    '**Refresh of the images** (`npm run ingest -- refresh --media image` on the running stack; machine CPU = every process, Postgres and all nodes included):\n',
  );
  lines.push('| layout | wall s | documents | docs/s | machine CPU-s | CPU-s per 1M docs | ingest CPU-s | ingest peak RSS MB |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const l of layouts) {
    const r = l.refresh;
    lines.push(
      `| ${l.shards === 1 ? 'one node' : `${l.shards} shards`} | ${r.wallSeconds.toFixed(1)} | ${r.documents.toLocaleString('en')} | ${(r.documents / r.wallSeconds).toFixed(0)} | ${r.machineCpuSeconds.toFixed(1)} | ${perMillion(r).toFixed(0)} | ${r.ingestCpuSeconds.toFixed(1)} | ${mb(r.ingestPeakRss)} |`,
    );
  }
  const cpuRatio = perMillion(net.refresh) / perMillion(one.refresh);
  lines.push(
    `\n- CPU-seconds per million documents, ${shards} shards / one node: ${cpuRatio.toFixed(2)}× (target ≤ 1.15×: ${cpuRatio <= 1.15 ? 'met' : 'not met'}).`,
  );
  lines.push(
    `- Wall time ${shards} shards / one node: ${(net.refresh.wallSeconds / one.refresh.wallSeconds).toFixed(2)}× (2 cores: the nodes share them).\n`,
  );
  lines.push('**Search through the deployable Worker** (bare workerd, cache defeated by a new variant of each query every round):\n');
  lines.push(`| c | one node p50 / p95 / p99 ms | req/s | ${shards} shards p50 / p95 / p99 ms | req/s | p50 target (1.5 × one + 2 ms) |`);
  lines.push('|---:|---|---:|---|---:|---|');
  levels.forEach((c, i) => {
    const a = one.phases[i];
    const b = net.phases[i];
    const target = 1.5 * a.all.p50 + 2;
    lines.push(
      `| ${c} | ${a.all.p50.toFixed(1)} / ${a.all.p95.toFixed(1)} / ${a.all.p99.toFixed(1)} | ${a.rps.toFixed(0)} | ${b.all.p50.toFixed(1)} / ${b.all.p95.toFixed(1)} / ${b.all.p99.toFixed(1)} | ${b.rps.toFixed(0)} | ${target.toFixed(1)}: ${b.all.p50 <= target ? 'met' : 'not met'}${c === 1 ? `; p95 < 50: ${b.all.p95 < 50 ? 'met' : 'not met'}` : ''} |`,
    );
  });
  lines.push(
    `\n**CPU per search** (CPU time of every Meilisearch process, and of the bare workerd, during each load phase, over the searches it answered). On ${mach.cpus} cores the ${shards} nodes share them, so a search's wall time at c=1 cannot fall below about its Meilisearch CPU / ${mach.cpus}:\n`,
  );
  lines.push(`| c | one node: Meilisearch / Worker ms | ${shards} shards: Meilisearch / Worker ms | Meilisearch ratio |`);
  lines.push('|---:|---|---|---:|');
  levels.forEach((c, i) => {
    const a = cpuPerSearch(one.phases[i]);
    const b = cpuPerSearch(net.phases[i]);
    lines.push(
      `| ${c} | ${a.engine.toFixed(2)} / ${a.worker.toFixed(2)} | ${b.engine.toFixed(2)} / ${b.worker.toFixed(2)} | ${(b.engine / a.engine).toFixed(2)}× |`,
    );
  });
  const errors = layouts.flatMap((l) => l.phases).reduce((a, p) => a + p.errors, 0);
  lines.push(`\n- Errors during the load phases: ${errors}.`);
  lines.push(
    `- Parity (page 1 of the ${base.length} queries of bench/queries.json, variant 0): ${base.length - differences.length} identical (${(((base.length - differences.length) / base.length) * 100).toFixed(1)} %, target ≥ 99 %).`,
  );
  for (const d of differences) lines.push(`  - ${d}`);
  const text = lines.join('\n');
  console.log(text);
  if (!args['no-record']) appendFileSync(RESULTS_FILE, `${text}\n`);
}

runBench('bench:shards', main);
