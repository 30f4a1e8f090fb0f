/**
 * End-to-end ingest benchmark.
 *
 *   npm run bench:ingest -- --rows 100000 [--rows 1000000] [--quick]
 *
 * For each row count N, on fresh services (see bench/lib/services.ts):
 *   1. migrations, then N generated demo images loaded into `upstream.image` (timed
 *      apart, not part of the ingest figure);
 *   2. `npm run ingest -- refresh --media image` as a child process, exactly as
 *      production runs it (default batch sizes), timed wall-clock; its peak RSS comes from
 *      /proc/<pid>/status VmHWM polled every 100 ms (and getrusage at exit as a check);
 *   3. the raw Meilisearch baseline: the same documents, rebuilt byte-for-byte with the
 *      refresh's own functions and checked against the live index, written to NDJSON
 *      (untimed), then pushed into a fresh index with the same settings in the refresh's
 *      payloads (its batch size and queue depth) until every task succeeded (timed).
 * Prints a table and appends a dated section to bench/RESULTS.md (not with --quick).
 * Everything it starts is torn down, on failure and on Ctrl-C too.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { MeiliAdmin } from '../ingest/meili-admin.js';
import { generationIndexName, indexSettings, liveIndexName } from '../model/search-index.js';
import {
  checkSampleAgainstIndex,
  meiliBatches,
  meiliBusySeconds,
  type BatchSummary,
  pushBatches,
  REFRESH_BATCH_BYTES,
  REFRESH_MAX_IN_FLIGHT,
  writeRefreshDocuments,
} from './lib/documents.js';
import { prepareCatalog, SCHEMA } from './lib/catalog.js';
import { runIngest, type IngestRun } from './lib/ingest-child.js';
import { cpuOf, diskUsage, loadAvg, machine, mb, memOf } from '../harness/proc.js';
import { createDatabase, pickPostgres, scratchDir, startBenchMeili, Teardown } from './lib/services.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md');

const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const fmt = (n: number | null | undefined, digits = 1) => (n == null || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits));
const int = (n: number | null | undefined) => (n == null || !Number.isFinite(n) ? 'n/a' : Math.round(n).toLocaleString('en-US'));

interface Result {
  rows: number;
  postgres: string;
  demoSeconds: number;
  ingest: IngestRun;
  meiliBusy: { busy: number; span: number; tasks: number } | null;
  ingestBatches: BatchSummary | null;
  rawBatches: BatchSummary | null;
  meiliDataBytes: number | null;
  meiliRssAfter: number | null;
  raw: { seconds: number; documents: number; payloads: number; bytes: number; busy: number | null; meiliCpu: number | null };
  sampleMismatches: number;
  sampleSize: number;
  sampleUlpDiffs: number;
  loadStart: string;
  loadEnd: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: 'string', multiple: true }, quick: { type: 'boolean', default: false }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log('usage: npm run bench:ingest -- --rows <N> [--rows <N> …] [--quick]');
    return;
  }
  const rowCounts = (values.rows?.length ? values.rows : values.quick ? ['10000'] : ['100000']).map((r) => {
    const n = Number(r.replace(/[_,]/g, ''));
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--rows must be a positive integer, got "${r}"`);
    return n;
  });
  const command = `npm run bench:ingest -- ${process.argv.slice(2).join(' ')}`.trim();
  const teardown = new Teardown();
  teardown.installSignalHandlers();
  const started = new Date();
  const loadAtStart = loadAvg();
  // The ingest code measured (it changes while others work): commit, plus local edits.
  const code = codeVersion();
  log(`load average at start: ${loadAtStart}`);
  const pgChoice = await pickPostgres();
  log(`Postgres: ${pgChoice.kind}${pgChoice.adminUrl ? ` (${pgChoice.adminUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')})` : ''}`);
  const results: Result[] = [];
  let versions = { postgres: '?', meili: '?' };
  try {
    for (const rows of rowCounts) {
      const { result, pgVersion, meiliVersion } = await benchOne(rows, pgChoice, teardown);
      versions = { postgres: pgVersion, meili: meiliVersion };
      results.push(result);
      console.log(`\n${table(results).join('\n')}\n`);
    }
  } finally {
    await teardown.runAll();
  }
  const report = section({ started, command, loadAtStart, versions, results, quick: values.quick!, code });
  console.log(report.join('\n'));
  if (!values.quick) {
    if (!existsSync(RESULTS))
      writeFileSync(RESULTS, '# Benchmark results\n\nNewest last. See bench/README.md for what each figure means.\n');
    appendFileSync(RESULTS, `\n${report.join('\n')}\n`);
    log(`appended to ${path.relative(process.cwd(), RESULTS)}`);
  }
}

async function benchOne(
  rows: number,
  pgChoice: Awaited<ReturnType<typeof pickPostgres>>,
  teardown: Teardown,
): Promise<{ result: Result; pgVersion: string; meiliVersion: string }> {
  log(`── ${rows.toLocaleString('en-US')} rows ──`);
  const loadStart = loadAvg();
  const db = await createDatabase(pgChoice, `n${rows}`, teardown);
  const meiliServer = await startBenchMeili(`n${rows}`, teardown);
  const scratch = scratchDir(teardown);
  const client = new pg.Client({ connectionString: db.url });
  client.on('error', () => {});
  await client.connect();
  const closeClient = teardown.add('close benchmark connection', () => client.end());
  try {
    teardown.check();
    // 1. Demo catalog (timed apart).
    const demoSeconds = await prepareCatalog(client, db.url, rows, log);

    teardown.check();
    // 2. The refresh, as production runs it.
    log('ingest: npm run ingest -- refresh --media image');
    const ingest = await runIngest(db, meiliServer, scratch.dir, teardown, { log });
    log(`ingest: ${ingest.documents} documents in ${ingest.seconds.toFixed(1)} s, peak RSS ${mb(ingest.peakRss)} MB`);
    const meili = new MeiliAdmin(meiliServer.url, meiliServer.masterKey, 120_000);
    const target = generationIndexName('image', 1, meiliServer.indexPrefix);
    const live = liveIndexName('image', meiliServer.indexPrefix);
    const meiliBusy = await meiliBusySeconds(meili, [target, live]).catch(() => null);
    const ingestBatches = await meiliBatches(meili, [target, live]).catch(() => null);
    const meiliDataBytes = meiliServer.dataDir ? diskUsage(meiliServer.dataDir) : null;
    const meiliRssAfter = meiliServer.pid ? (memOf(meiliServer.pid)?.rss ?? null) : null;

    teardown.check();
    // 3. Raw baseline: same bytes, same payloads, fresh index with the same settings.
    log('baseline: rebuilding the refresh documents to NDJSON (untimed)…');
    const file = await writeRefreshDocuments(client, 'image', SCHEMA, path.join(scratch.dir, 'images.ndjson'));
    const liveCount = await meili.documentCount(live);
    if (liveCount !== file.documents || ingest.documents !== file.documents) {
      throw new Error(`rebuilt ${file.documents} documents but the live index holds ${liveCount} (refresh reported ${ingest.documents})`);
    }
    const check = await checkSampleAgainstIndex(meili, live, file.sample);
    if (check.mismatches) throw new Error(`${check.mismatches} of ${file.sample.length} sampled documents differ from the live index`);
    const sampleMismatches = check.mismatches;
    log(
      `baseline: ${file.documents} documents, ${mb(file.bytes)} MB in ${file.batches.length} payloads; ` +
        `${file.sample.length} sampled documents equal the live index (${check.ulpDiffs} floats differ in the last bit: Meilisearch's float parsing)`,
    );
    const rawIndex = `${meiliServer.indexPrefix}raw_images`;
    await meili.deleteIndex(rawIndex);
    await meili.createIndex(rawIndex, indexSettings('image'));
    teardown.check();
    const meiliCpuBefore = meiliServer.pid ? cpuOf(meiliServer.pid) : null;
    log(
      `baseline: pushing ${file.batches.length} payloads of ~${REFRESH_BATCH_BYTES / 2 ** 20} MiB, ${REFRESH_MAX_IN_FLIGHT} in flight (timed)…`,
    );
    const pushed = await pushBatches(meili, rawIndex, file);
    const meiliCpuAfter = meiliServer.pid ? cpuOf(meiliServer.pid) : null;
    const rawCount = await meili.documentCount(rawIndex);
    if (rawCount !== file.documents) throw new Error(`raw index holds ${rawCount} documents, expected ${file.documents}`);
    const rawBusy = await meiliBusySeconds(meili, [rawIndex]).catch(() => null);
    const rawBatches = await meiliBatches(meili, [rawIndex]).catch(() => null);
    log(`baseline: ${file.documents} documents in ${pushed.seconds.toFixed(1)} s`);
    await meili.deleteIndex(rawIndex).catch(() => {});

    const result: Result = {
      rows,
      postgres: db.kind,
      demoSeconds,
      ingest,
      meiliBusy,
      ingestBatches,
      rawBatches,
      meiliDataBytes,
      meiliRssAfter,
      raw: {
        seconds: pushed.seconds,
        documents: file.documents,
        payloads: file.batches.length,
        bytes: file.bytes,
        busy: rawBusy?.busy ?? null,
        meiliCpu: meiliCpuBefore !== null && meiliCpuAfter !== null ? meiliCpuAfter - meiliCpuBefore : null,
      },
      sampleMismatches,
      sampleSize: file.sample.length,
      sampleUlpDiffs: check.ulpDiffs,
      loadStart,
      loadEnd: loadAvg(),
    };
    return { result, pgVersion: db.serverVersion, meiliVersion: meiliServer.version };
  } finally {
    await closeClient();
    await scratch.remove();
    await meiliServer.close();
    await db.close();
  }
}

function codeVersion(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'ingest', 'model', 'drizzle'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    return `git ${sha}${dirty ? ' + uncommitted changes in ingest/, model/ or drizzle/' : ''}`;
  } catch {
    return 'unknown (no git)';
  }
}

function table(results: Result[]): string[] {
  const lines = [
    '| N | demo load s | ingest s | ingest docs/s | raw Meili s | raw docs/s | ingest/raw | ingest peak RSS MB | Meili data MB | Meili RSS MB (peak / after) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const ingestRate = r.ingest.documents / r.ingest.seconds;
    const rawRate = r.raw.documents / r.raw.seconds;
    lines.push(
      `| ${int(r.rows)} | ${fmt(r.demoSeconds)} | ${fmt(r.ingest.seconds)} | ${int(ingestRate)} | ${fmt(r.raw.seconds)} | ${int(rawRate)} | ` +
        `${fmt((100 * ingestRate) / rawRate, 0)} % | ${mb(r.ingest.peakRss)} | ${mb(r.meiliDataBytes)} | ${mb(r.ingest.meiliPeakRss)} / ${mb(r.meiliRssAfter)} |`,
    );
  }
  return lines;
}

function verdicts(results: Result[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    const ratio = r.raw.seconds / r.ingest.seconds;
    const rate = r.ingest.documents / r.ingest.seconds;
    out.push(
      `- ${int(r.rows)}: ingest/raw ${(100 * ratio).toFixed(0)} % (target ≥ 70 %: ${ratio >= 0.7 ? 'met' : 'NOT met'}); ` +
        `${int(rate)} docs/s (floor 3,000: ${rate >= 3000 ? 'met' : 'NOT met'})` +
        (r.rows >= 1_000_000 && r.ingest.peakRss !== null
          ? `; peak RSS ${mb(r.ingest.peakRss)} MB (target < 500 MB: ${r.ingest.peakRss < 500 * 2 ** 20 ? 'met' : 'NOT met'})`
          : ''),
    );
  }
  const small = results.find((r) => r.rows === 100_000);
  const big = results.find((r) => r.rows === 1_000_000);
  if (small?.ingest.peakRss && big?.ingest.peakRss) {
    const growth = big.ingest.peakRss / small.ingest.peakRss - 1;
    out.push(
      `- peak RSS 1M vs 100k: ${growth >= 0 ? '+' : ''}${(100 * growth).toFixed(0)} % (target ≤ +20 %: ${growth <= 0.2 ? 'met' : 'NOT met'})`,
    );
  }
  return out;
}

function details(results: Result[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    const i = r.ingest;
    const p = i.phases;
    const busy = r.meiliBusy;
    out.push(
      `- **${int(r.rows)}** (Postgres: ${r.postgres}; load average ${r.loadStart} → ${r.loadEnd}):`,
      `  - ingest timeline (s from spawn): read loop done ${fmt(p.readDone)}, indexing done ${fmt(p.checking)}, ` +
        `checks done ${fmt(p.promoting)}, promoted ${fmt(p.done)}, process exit ${fmt(i.seconds)}`,
      `  - Meilisearch busy on the ingest's document tasks: ${fmt(busy?.busy)} s of ${fmt(i.seconds)} s ` +
        `(${busy ? fmt((100 * busy.busy) / i.seconds, 0) : 'n/a'} %, ${busy?.tasks ?? 'n/a'} tasks); raw baseline: busy ${fmt(r.raw.busy)} s of ${fmt(r.raw.seconds)} s`,
      `  - Meilisearch batches (ingest): ${batchLine(r.ingestBatches)}`,
      `  - Meilisearch batches (raw): ${batchLine(r.rawBatches)}`,
      `  - CPU seconds during the ingest: Node ${fmt(i.nodeCpu)}, Postgres backends ${fmt(i.postgresCpu)}, Meilisearch ${fmt(i.meiliCpu)}` +
        ` (raw baseline: Meilisearch ${fmt(r.raw.meiliCpu)})`,
      `  - payloads: ${r.raw.payloads} × ~${fmt(r.raw.bytes / r.raw.payloads / 2 ** 20)} MiB (${mb(r.raw.bytes)} MB NDJSON, ` +
        `${fmt(r.raw.bytes / r.raw.documents, 0)} B/doc); ${i.documents} documents; ` +
        `peak RSS by /proc VmHWM and getrusage: ${mb(i.peakRss)} MB (getrusage ${mb(i.rusage?.maxRssBytes)} MB)`,
      `  - baseline documents: rebuilt with the refresh's functions; ${r.sampleSize} random ones equal the live index ` +
        `(${r.sampleUlpDiffs} float fields differ in the last bit, Meilisearch's own float parsing)`,
      `  - refresh summary: ${i.summary[0] ?? ''}`,
    );
  }
  return out;
}

function batchLine(b: BatchSummary | null): string {
  if (!b) return 'n/a';
  const top = b.steps
    .slice(0, 5)
    .map(([step, s]) => `${step} ${s.toFixed(1)}`)
    .join(', ');
  const sub = b.substeps
    .slice(0, 4)
    .map(([step, s]) => `${step} ${s.toFixed(1)}`)
    .join(', ');
  const one = (x: BatchSummary['perBatch'][number]) => `${x.seconds.toFixed(1)} (${x.unattributed.toFixed(1)})`;
  const per =
    b.perBatch.length <= 8
      ? b.perBatch.map(one).join(', ')
      : `${b.perBatch.slice(0, 5).map(one).join(', ')} … ${b.perBatch.slice(-3).map(one).join(', ')}`;
  return (
    `${b.batches} batches for ${b.tasks} tasks, ${b.seconds.toFixed(1)} s in all; top steps (s): ${top}; unattributed ${b.unattributed.toFixed(1)}; ` +
    `top sub-steps (s): ${sub}; per batch s (unattributed): ${per}`
  );
}

function section(opts: {
  started: Date;
  command: string;
  loadAtStart: string;
  versions: { postgres: string; meili: string };
  results: Result[];
  quick: boolean;
  code: string;
}): string[] {
  const m = machine();
  return [
    `## ${opts.started.toISOString().replace('T', ' ').slice(0, 16)} UTC — ingest end to end vs raw Meilisearch${opts.quick ? ' (quick)' : ''}`,
    '',
    `- command: \`${opts.command}\``,
    `- machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB RAM, ${m.kernel}; load average at start ${opts.loadAtStart} (other processes, e.g. test runs, may share the CPUs)`,
    `- versions: Node ${process.version}, Meilisearch ${opts.versions.meili}, ${opts.versions.postgres}; code: ${opts.code}`,
    `- refresh defaults: upstream read batches of 5,000 rows, Meilisearch payloads ≥ ${REFRESH_BATCH_BYTES / 2 ** 20} MiB, ${REFRESH_MAX_IN_FLIGHT} in flight`,
    '',
    ...table(opts.results),
    '',
    ...verdicts(opts.results),
    '',
    'Details:',
    '',
    ...details(opts.results),
  ];
}

main().catch((err: Error) => {
  console.error(`[bench] failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
