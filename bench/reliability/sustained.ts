/**
 * `npm run reliability:load -- [--docs 10000] [--seconds 60] [--connections N] [--reuse]`
 *
 * The recorded soak run: brings up the local stack as `npm start` does (the search
 * benchmark's helpers: a copy of the working tree, a state folder of its own, free
 * ports), waits until its background work is done, finds the saturation point (the
 * concurrency past which throughput stops rising), warms up there, then runs the search
 * mix at that point for `--seconds` while sampling the resident memory of workerd (the
 * Worker's and wrangler's proxy), Meilisearch, wrangler and the stack process every
 * second. A verified API key with the standard quota (100 a minute) pushes in parallel.
 * Reports requests, errors and 5xx, p50/p95/p99 per 10-s slice, memory of the first vs
 * the last slice, and what the key was allowed; appends a dated section to
 * bench/reliability/RESULTS.md.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliOptions, commandLine } from '../../harness/args.js';
import { cpuDelta, cpuSnapshot, loadAvg, machine, machineBusySeconds, memOf } from '../../harness/proc.js';
import { prepareStateDir, snapshotSource, startStack, waitUntilIdle, type Stack } from '../../harness/stack.js';
import { loadMix, popularPaths, searchMix, warmPopular } from '../../harness/load/mix.js';
import { verifiedToken } from '../../harness/load/quota-key.js';
import { findInspector, heapAfterGc, type HeapUsage } from '../../harness/load/inspector.js';
import { labelWorkerd, memoryGrowth, runSoak, type SoakResult } from '../../harness/load/soak.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS_FILE = path.join(ROOT, 'bench', 'reliability', 'RESULTS.md');
const MB = 1024 * 1024;

const USAGE = `usage: npm run reliability:load -- [--docs 10000] [--seconds 60] [--connections N] [--reuse] [--no-record]

  --docs N          demo images (audio: N/4); default 10000 (the catalog bench/queries.json comes from)
  --seconds S       length of the measured run (default 60)
  --connections N   skip the saturation search and load at N connections
  --step S          seconds per saturation level (default 8)
  --warm S          seconds of load at the saturation point before measuring (default 30)
  --filter-dead B   true (the default, as clients send it) or false: every search also
                    carries filter_dead=false, so no dead-link HEAD checks are made
  --worktree        run the working tree (tracked and untracked files) instead of HEAD
  --reuse           keep the catalog and indexes of .state/reliability-<N>
  --no-record       do not append to bench/reliability/RESULTS.md`;
const args = cliOptions(
  {
    docs: { type: 'string' },
    seconds: { type: 'string' },
    step: { type: 'string' },
    warm: { type: 'string' },
    connections: { type: 'string' },
    'filter-dead': { type: 'string' },
    worktree: { type: 'boolean' },
    reuse: { type: 'boolean' },
    'no-record': { type: 'boolean' },
  },
  USAGE,
);
const docs = Number(args.docs ?? 10_000);
const seconds = Number(args.seconds ?? 60);
const step = Number(args.step ?? 8);
const warmSeconds = Number(args.warm ?? 30);
const fixed = args.connections ? Number(args.connections) : null;
const reuse = args.reuse ?? false;
const filterDead = (args['filter-dead'] ?? 'true') !== 'false';
const worktree = args.worktree ?? false;
const record = !args['no-record'];
const command = commandLine('reliability:load');
/** The standard tier's burst quota (THROTTLE_STANDARD_BURST's default, which `npm start` keeps). */
const QUOTA = 100;

const t0 = Date.now();
const log = (msg: string) => console.log(`[soak ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const mb = (b: number | undefined) => (b === undefined ? 'n/a' : `${(b / MB).toFixed(0)}`);

let stack: Stack | null = null;
const cleanups: (() => Promise<void>)[] = [];
let tearingDown: Promise<void> | null = null;
const teardown = () =>
  (tearingDown ??= (async () => {
    while (cleanups.length) await cleanups.pop()!().catch((err: Error) => console.error(`[soak] teardown: ${err.message}`));
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n[soak] ${signal}: stopping the stack…`);
    void teardown().finally(() => process.exit(130));
  });
}

/**
 * The committed code (HEAD) in a folder of its own, node_modules linked: what is measured
 * is a commit, not whatever others have half-edited in the working tree.
 */
function snapshotHead(root: string): { dir: string; describe: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'edgeverse-soak-src-'));
  execFileSync('sh', ['-c', `git -C "${root}" archive --format=tar HEAD | tar -x -C "${dir}"`]);
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  const head = execFileSync('git', ['log', '-1', '--format=%h %s', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  return { dir, describe: `commit ${head.slice(0, 90)}`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function main(): Promise<void> {
  const mach = machine();
  const loadAtStart = loadAvg();
  const startedAt = new Date();
  const stateDir = path.join(ROOT, '.state', `reliability-${docs}`);
  prepareStateDir(stateDir, reuse);
  const src = worktree ? snapshotSource(ROOT) : snapshotHead(ROOT);
  cleanups.push(async () => src.remove());
  log(`code under test: ${src.describe}`);
  log(`starting the stack (npm start, ${docs.toLocaleString('en')} images, state ${path.relative(ROOT, stateDir)})`);
  stack = await startStack({
    root: src.dir,
    stateDir,
    images: docs,
    audio: Math.floor(docs / 4),
    databaseUrl: null,
    readyTimeoutMs: Math.max(300_000, docs * 8),
    log: (line) => console.log(line),
  });
  const s = stack;
  cleanups.push(() => s.stop());
  log(`stack ready in ${s.readySeconds.toFixed(1)} s (API ${s.apiUrl})`);
  const settled = await waitUntilIdle(s);
  log(`stack idle after ${settled.toFixed(0)} s`);

  const apiPort = Number(new URL(s.apiUrl).port);
  const tree = () => labelWorkerd(s.tree(), apiPort);
  const roles = ['workerd', 'workerd-proxy', 'meilisearch', 'wrangler', 'stack'];
  const rssNow = () => {
    const out: Record<string, number> = {};
    for (const p of tree()) if (roles.includes(p.role)) out[p.role] = (out[p.role] ?? 0) + (memOf(p.pid)?.rss ?? 0);
    return out;
  };
  const rssAtIdle = rssNow();

  const mix = loadMix();
  const noCheck = (p: string) => (filterDead || p.includes('filter_dead=') ? p : `${p}${p.includes('?') ? '&' : '?'}filter_dead=false`);
  if (!filterDead) for (const q of mix) q.path = noCheck(q.path);
  const mixRotation = searchMix(mix);
  const rotation = {
    next: () => {
      const r = mixRotation.next();
      return { ...r, path: noCheck(r.path) };
    },
  };
  const hits = await warmPopular(s.apiUrl, popularPaths(mix));
  log(`popular set: ${hits}/${popularPaths(mix).length} cache HITs`);
  const token = await verifiedToken(s.apiUrl, s.databaseUrl);

  // Saturation: throughput at rising concurrency until it stops rising.
  const levels: { connections: number; r: SoakResult }[] = [];
  let saturation = fixed ?? 0;
  if (!fixed) {
    // Warm-up: JIT, connection pools, and (with filter_dead) the recorded link statuses.
    await runSoak({ baseUrl: s.apiUrl, connections: 8, seconds: 30, next: rotation.next, tree, roles: [] });
    let best = 0;
    let flat = 0;
    for (const c of [1, 2, 4, 8, 16, 32, 64]) {
      const r = await runSoak({ baseUrl: s.apiUrl, connections: c, seconds: step, next: rotation.next, tree, roles: [] });
      levels.push({ connections: c, r });
      log(
        `  c=${String(c).padEnd(3)} ${r.rps.toFixed(0).padStart(5)} req/s  p50 ${f1(r.all.p50)}  p99 ${f1(r.all.p99)} ms  errors ${r.errors}`,
      );
      if (r.rps > best * 1.05) {
        best = r.rps;
        flat = 0;
      } else if (++flat >= 2) break;
    }
    const max = Math.max(...levels.map((l) => l.r.rps));
    saturation = levels.find((l) => l.r.rps >= 0.95 * max)!.connections;
    log(
      `saturation point: ${saturation} connections (${levels.find((l) => l.connections === saturation)!.r.rps.toFixed(0)} req/s; best ${max.toFixed(0)} req/s)`,
    );
  }

  log(`warm-up at c=${saturation} for ${warmSeconds} s (not measured)`);
  const rssBeforeWarm = rssNow();
  await runSoak({ baseUrl: s.apiUrl, connections: saturation, seconds: warmSeconds, next: rotation.next, tree, roles: [] });
  const rssAfterWarm = rssNow();

  const inspector = await findInspector(tree(), apiPort);
  const poke = () => fetch(`${s.apiUrl}/nope/`).then((res) => res.arrayBuffer());
  const heapBefore = inspector ? await heapAfterGc(inspector, poke) : null;
  log(
    `measured run: c=${saturation} for ${seconds} s, quota client (standard key, ${QUOTA}/min) in parallel for ${Math.min(seconds, 50)} s`,
  );
  const cpuBefore = cpuSnapshot(tree());
  const busyBefore = machineBusySeconds();
  const loadBefore = loadAvg();
  const r = await runSoak({
    baseUrl: s.apiUrl,
    connections: saturation,
    seconds,
    next: rotation.next,
    tree,
    roles,
    sliceSeconds: 10,
    quota: {
      request: { method: 'GET', path: '/v1/images/?q=mountain', headers: { Authorization: `Bearer ${token}` }, tag: 'quota' },
      limit: QUOTA,
      windowSeconds: 60,
      connections: 2,
      intervalMs: 250,
      // Under one window: the quota applies exactly once.
      seconds: Math.min(seconds, 50),
    },
    onSecond: (t, n) => {
      if (Math.round(t) % 10 === 0) log(`  ${t.toFixed(0)} s: ${n} responses`);
    },
  });
  const { cpu } = cpuDelta(cpuBefore, cpuSnapshot(tree()));
  const ours = Object.values(cpu).reduce((a, b) => a + b, 0);
  const othersCpu = Math.max(0, machineBusySeconds() - busyBefore - ours) / r.seconds;
  const loadAfter = loadAvg();
  const growth = memoryGrowth(r);
  const heapAfter = inspector ? await heapAfterGc(inspector, poke) : null;
  log(`done: ${r.requests} requests, ${r.errors} errors, ${r.status5xx} × 5xx; quota ${JSON.stringify(r.quota)}`);
  await teardown();
  stack = null;

  // ---------------------------------------------------------------- report
  const lines: string[] = [];
  const date = startedAt.toISOString().replace('T', ' ').slice(0, 16);
  const q = r.quota!;
  lines.push(
    `## ${date} UTC — sustained search load at the saturation point, ${docs.toLocaleString('en')} images, ${seconds} s${filterDead ? '' : ', filter_dead=false'}`,
  );
  lines.push('');
  lines.push(
    `- command: \`${command}\` — ${((Date.now() - t0) / 1000).toFixed(0)} s in all (stack ready after ${s.readySeconds.toFixed(1)} s, idle ${settled.toFixed(0)} s later)`,
  );
  lines.push(
    `- machine: ${mach.cpus} CPUs (${mach.cpuModel}), ${mach.memoryGiB.toFixed(1)} GiB RAM; load average at start ${loadAtStart}, before the measured run ${loadBefore}, after it ${loadAfter}; other processes used ${othersCpu.toFixed(2)} CPUs on average during the measured run; the load generator (autocannon, this process) shares the CPUs with the stack`,
  );
  lines.push(
    `- code: ${src.describe.replace(/ \(\d+ files copied.*$/, '')}; stack as \`npm start\` runs it (wrangler dev, embedded Meilisearch and PGlite, the demo media server)`,
  );
  lines.push(
    `- mix: bench/queries.json (${mix.length} searches, every workload of the search benchmark), 9 in 10 a variant never seen in the last minute (cache defeated), 1 in 10 one of ${popularPaths(mix).length} popular searches (served from the cache); ${filterDead ? 'dead-link filtering as clients get it by default (each uncached search makes one round of HEAD checks, ≤ 1 s, against the demo media server, some of whose links are dead or never answer)' : 'every search with `filter_dead=false` (no dead-link HEAD checks: the search path alone)'}`,
  );
  lines.push('');
  if (levels.length) {
    lines.push(`**Saturation** (${step} s per level, pipelining 1):`);
    lines.push('');
    lines.push('| connections | req/s | p50 ms | p95 ms | p99 ms | errors |');
    lines.push('| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const l of levels)
      lines.push(
        `| ${l.connections}${l.connections === saturation ? ' ←' : ''} | ${l.r.rps.toFixed(0)} | ${f1(l.r.all.p50)} | ${f1(l.r.all.p95)} | ${f1(l.r.all.p99)} | ${l.r.errors} |`,
      );
    lines.push('');
  }
  lines.push(
    `**Measured run**: ${saturation} connections for ${r.seconds.toFixed(1)} s after a ${warmSeconds}-s warm-up at the same point: ${r.requests.toLocaleString('en')} requests (${r.rps.toFixed(0)} req/s), ${r.errors} errors (connection errors ${r.connectionErrors}, timeouts ${r.timeouts}), ${r.status5xx} × 5xx; statuses ${JSON.stringify(r.statuses)}; X-Cache ${JSON.stringify(r.xcache)}.`,
  );
  if (r.errorSamples.length)
    lines.push(
      '',
      `Non-2xx answers (first ${r.errorSamples.length}): ${r.errorSamples.map((e) => `${e.status} ${e.path} → \`${e.body.replace(/\s+/g, ' ').slice(0, 200)}\``).join('; ')}`,
    );
  lines.push('');
  lines.push(
    '| slice | requests | req/s | errors | p50 ms | p95 ms | p99 ms | workerd (Worker) MB | workerd (wrangler proxy) MB | Meilisearch MB | wrangler MB | stack (PGlite, bridge) MB |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const sl of r.slices) {
    lines.push(
      `| ${sl.from.toFixed(0)}–${sl.to.toFixed(0)} s | ${sl.requests} | ${sl.rps.toFixed(0)} | ${sl.errors} | ${f1(sl.latency.p50)} | ${f1(sl.latency.p95)} | ${f1(sl.latency.p99)} | ${mb(sl.rss.workerd)} | ${mb(sl.rss['workerd-proxy'])} | ${mb(sl.rss.meilisearch)} | ${mb(sl.rss.wrangler)} | ${mb(sl.rss.stack)} |`,
    );
  }
  lines.push('');
  lines.push(
    `**Memory** (RSS, mean of the first vs the last slice; peak): ${Object.entries(growth)
      .map(([role, g]) => `${role} ${mb(g.first)} → ${mb(g.last)} MB (${g.growth >= 0 ? '+' : ''}${mb(g.growth)}; peak ${mb(g.peak)})`)
      .join('; ')}. Before the warm-up: ${Object.entries(rssBeforeWarm)
      .map(([k, v]) => `${k} ${mb(v)}`)
      .join(', ')} MB; after it: ${Object.entries(rssAfterWarm)
      .map(([k, v]) => `${k} ${mb(v)}`)
      .join(', ')} MB; at idle after start: ${Object.entries(rssAtIdle)
      .map(([k, v]) => `${k} ${mb(v)}`)
      .join(', ')} MB.`,
  );
  lines.push('');
  const heapMb = (h: HeapUsage | null) => (h ? `${(h.used / MB).toFixed(1)} MB` : 'n/a');
  lines.push(
    `**The Worker's JavaScript heap** after a forced full collection (DevTools protocol through wrangler's inspector: \`HeapProfiler.collectGarbage\`, \`Runtime.getHeapUsage\`): ${heapMb(heapBefore)} before the measured run, ${heapMb(heapAfter)} after it${heapBefore && heapAfter ? ` (${heapAfter.used >= heapBefore.used ? '+' : ''}${((heapAfter.used - heapBefore.used) / MB).toFixed(1)} MB for ${r.requests.toLocaleString('en')} requests)` : inspector ? '' : ' (inspector not found)'}.`,
  );
  lines.push('');
  lines.push(
    `**Quota under load**: a verified standard key (limit ${q.limit} per ${q.windowSeconds} s) sent ${q.sent} requests over ${q.seconds} s from ${2} connections in parallel with the load: ${q.allowed} answered 200, ${q.throttled} answered 429${Object.keys(q.other).length ? `, other: ${JSON.stringify(q.other)}` : ''} — ${q.allowed <= q.limit ? (q.allowed === q.limit ? 'exactly its quota' : 'within its quota') : 'OVER ITS QUOTA'}.`,
  );
  lines.push('');
  lines.push(
    `**CPU seconds during the measured run**: ${Object.entries(cpu)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ')}.`,
  );
  lines.push('');
  const md = lines.join('\n');
  console.log(`\n${md}`);
  if (record) {
    if (!existsSync(RESULTS_FILE))
      writeFileSync(
        RESULTS_FILE,
        '# Sustained-load runs (`npm run reliability:load`)\n\nOne dated section per run, newest last. See docs/reliability.md.\n',
      );
    appendFileSync(RESULTS_FILE, `\n${md}`);
    log(`appended to ${path.relative(ROOT, RESULTS_FILE)}`);
  }
  const failed = r.errors > 0 || r.status5xx > 0 || q.allowed > q.limit;
  if (failed) process.exitCode = 1;
}

main()
  .then(() => teardown())
  .catch(async (err: Error) => {
    console.error(`[soak] failed: ${err.stack ?? err.message}`);
    await teardown();
    process.exit(1);
  });
