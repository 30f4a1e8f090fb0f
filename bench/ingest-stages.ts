/**
 * Where an ingest's time goes: the refresh's stages timed one by one on the same data.
 *
 *   node --import tsx bench/ingest-stages.ts --rows 100000 [--only loop,refresh,postgres,meili,memory]
 *
 * Sets up like bench/ingest.ts (own database, embedded Meilisearch, N demo images), then:
 *
 *   loop      the refresh's read loop without Meilisearch, stage by stage, in one pass:
 *             read a batch (upstream keyset query), cleanRow, deletedAmong, loadRecords
 *             (the json_populate_recordset upsert into image_new), toDocument +
 *             JSON.stringify. Sequential, so each figure is that stage alone.
 *   refresh   refresh() in this process with timing wrappers around its connections,
 *             source and Meilisearch client: the time its read loop spends awaiting each
 *             thing, the rest being Node CPU plus waiting for a free Meilisearch slot.
 *   postgres  the staging load alone, same records, several ways: as the refresh does,
 *             plain INSERT (no ON CONFLICT), 20,000-row statements, an UNLOGGED table,
 *             no secondary indexes during the load, and COPY (psql \copy, text format).
 *   meili     the raw push alone with other payload sizes / concurrency, and on a second
 *             Meilisearch started with MEILI_MAX_INDEXING_MEMORY.
 *   memory    the CLI refresh as a child process under a few V8 heap settings: peak RSS.
 *
 * Prints a report (markdown) to stdout; tears everything down like bench/ingest.ts.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { cleanRow } from '../model/catalog-row.js';
import { toDocument } from '../model/document.js';
import type { MediaRecord } from '../model/record.js';
import { indexSettings } from '../model/search-index.js';
import { deletedAmong } from '../ingest/generation.js';
import { MeiliAdmin } from '../ingest/meili-admin.js';
import { createStagingTables, dropStagingTables, loadRecords, resetColumnCache } from '../ingest/postgres-loader.js';
import { refresh } from '../ingest/refresh.js';
import type { CatalogSource } from '../ingest/sources/source.js';
import { readUpstream, upstreamPostgresSource } from '../ingest/sources/upstream-postgres.js';
import { prepareCatalog, SCHEMA } from './lib/catalog.js';
import { meiliBatches, meiliBusySeconds, pushBatches, writeRefreshDocuments, type NdjsonFile } from './lib/documents.js';
import { runIngest } from './lib/ingest-child.js';
import { cpuSeconds, loadAverage, machineInfo, mb } from './lib/proc.js';
import { createDatabase, pickPostgres, scratchDir, startBenchMeili, Teardown, type BenchDatabase, type BenchMeili } from './lib/services.js';

const run = promisify(execFile);
const log = (msg: string) => console.error(`[stages ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const now = () => performance.now();
const s = (ms: number) => (ms / 1000).toFixed(1);
const rate = (n: number, ms: number) => Math.round(n / (ms / 1000)).toLocaleString('en-US');
const report: string[] = [];
const out = (line = '') => {
  report.push(line);
  console.log(line);
};

const ALL = ['loop', 'refresh', 'postgres', 'meili', 'memory'] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, only: { type: 'string' } } });
  const rows = Number(values.rows!.replace(/[_,]/g, ''));
  const only = new Set(values.only ? values.only.split(',') : ALL);
  const teardown = new Teardown();
  teardown.installSignalHandlers();
  const m = machineInfo();
  out(`## Ingest stages, ${rows.toLocaleString('en-US')} rows — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  out();
  out(`- command: \`node --import tsx bench/ingest-stages.ts ${process.argv.slice(2).join(' ')}\``);
  out(`- machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB; load average at start ${loadAverage()}`);
  try {
    const pgChoice = await pickPostgres();
    const db = await createDatabase(pgChoice, 'stages', teardown);
    const meili = await startBenchMeili('stages', teardown);
    const scratch = scratchDir(teardown);
    out(`- Postgres: ${db.kind}, ${db.serverVersion}; Meilisearch ${meili.version}; Node ${process.version}`);
    out();
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => {});
    await client.connect();
    teardown.add('close connection', () => client.end());
    await prepareCatalog(client, db.url, rows, log);

    if (only.has('loop')) await loopStages(db, rows);
    if (only.has('refresh')) await instrumentedRefresh(db, meili);
    if (only.has('postgres')) await postgresVariants(db, client, scratch.dir);
    if (only.has('meili')) await meiliVariants(client, meili, scratch.dir, teardown);
    if (only.has('memory')) await memoryVariants(db, meili, scratch.dir, teardown);
  } finally {
    await teardown.runAll();
  }
  const file = path.join('/tmp', `edgeverse-stages-${Date.now()}.md`);
  writeFileSync(file, report.join('\n') + '\n');
  log(`report also in ${file}`);
}

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  return c;
}

/** Backend pid → CPU seconds, for the connections of this process (local server only). */
async function backendCpu(clients: pg.Client[], db: BenchDatabase): Promise<() => number | null> {
  if (!db.local) return () => null;
  const pids: number[] = [];
  for (const c of clients) pids.push((await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid);
  const start = pids.map((p) => cpuSeconds(p) ?? 0);
  return () => pids.reduce((sum, p, i) => sum + ((cpuSeconds(p) ?? start[i]) - start[i]), 0);
}

// ---------------------------------------------------------------------------------------

async function loopStages(db: BenchDatabase, rows: number): Promise<void> {
  log('loop: the read loop without Meilisearch, stage by stage');
  const upstream = await connect(db.url);
  const api = await connect(db.url);
  try {
    resetColumnCache();
    await createStagingTables(api, 'image');
    const pgCpu = await backendCpu([upstream, api], db);
    const t = { read: 0, clean: 0, deleted: 0, load: 0, serialize: 0 };
    let docs = 0;
    let bytes = 0;
    const cpu0 = process.cpuUsage();
    const start = now();
    const it = readUpstream(upstream, 'image', { schema: SCHEMA })[Symbol.asyncIterator]();
    for (;;) {
      let t0 = now();
      const next = await it.next();
      t.read += now() - t0;
      if (next.done) break;
      t0 = now();
      const cleaned = next.value.map((row) => cleanRow('image', row));
      t.clean += now() - t0;
      t0 = now();
      const deleted = await deletedAmong(api, 'image', cleaned.flatMap((r) => (r.ok ? [r.record.identifier] : [])));
      t.deleted += now() - t0;
      const records: MediaRecord[] = cleaned.flatMap((r) => (r.ok && !deleted.has(r.record.identifier) ? [r.record] : []));
      t0 = now();
      await loadRecords(api, 'image', records);
      t.load += now() - t0;
      t0 = now();
      for (const record of records) bytes += JSON.stringify(toDocument('image', record)).length + 1;
      t.serialize += now() - t0;
      docs += records.length;
    }
    const total = now() - start;
    const cpu = process.cpuUsage(cpu0);
    const pgSeconds = pgCpu();
    await dropStagingTables(api, 'image');
    out(`### Read loop without Meilisearch (sequential, ${rows.toLocaleString('en-US')} rows → ${docs.toLocaleString('en-US')} documents, ${mb(bytes)} MB NDJSON)`);
    out();
    out('| stage | seconds | share | rows/s alone |');
    out('|---|---:|---:|---:|');
    for (const [name, ms] of Object.entries({
      'read upstream (keyset select of 5,000 rows)': t.read,
      'cleanRow': t.clean,
      'deletedAmong (uuid = any)': t.deleted,
      'loadRecords (json_populate_recordset upsert)': t.load,
      'toDocument + JSON.stringify': t.serialize,
    })) {
      out(`| ${name} | ${s(ms)} | ${((100 * ms) / total).toFixed(0)} % | ${rate(rows, ms)} |`);
    }
    out(`| **loop total** | **${s(total)}** | | **${rate(rows, total)}** |`);
    out();
    out(`CPU: Node ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, Postgres backends ${pgSeconds?.toFixed(1) ?? 'n/a'} s.`);
    out();
  } finally {
    await upstream.end();
    await api.end();
  }
}

// ---------------------------------------------------------------------------------------

/** pg.Client whose promise queries are timed by kind. */
class TimedClient extends pg.Client {
  readonly times = new Map<string, { ms: number; n: number }>();

  override query(...args: unknown[]): never {
    const sql = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '');
    const kind = queryKind(sql);
    const t0 = now();
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      void (result as Promise<unknown>)
        .finally(() => {
          const e = this.times.get(kind) ?? { ms: 0, n: 0 };
          e.ms += now() - t0;
          e.n++;
          this.times.set(kind, e);
        })
        .catch(() => {});
    }
    return result as never;
  }
}

function queryKind(sql: string): string {
  const q = sql.trim().toLowerCase().replace(/\s+/g, ' ');
  if (q.includes('from deleted_media')) return 'deletedAmong';
  if (q.startsWith('insert into image_new')) return 'loadRecords (upsert into image_new)';
  if (q.includes('from "upstream"."image" where id >')) return 'read upstream batch';
  if (q.startsWith('select count(*)') && q.includes('upstream')) return 'count upstream';
  return 'other (setup, checks, promotion)';
}

class TimedMeili extends MeiliAdmin {
  upload = { ms: 0, n: 0 };
  wait = { ms: 0, n: 0 };
  override async addDocuments(uid: string, ndjson: string): Promise<number> {
    const t0 = now();
    try {
      return await super.addDocuments(uid, ndjson);
    } finally {
      this.upload.ms += now() - t0;
      this.upload.n++;
    }
  }
  override async waitTask(uid: number, timeoutMs?: number) {
    const t0 = now();
    try {
      return await super.waitTask(uid, timeoutMs);
    } finally {
      this.wait.ms += now() - t0;
      this.wait.n++;
    }
  }
}

async function instrumentedRefresh(db: BenchDatabase, meili: BenchMeili): Promise<void> {
  log('refresh: refresh() in-process with timing wrappers');
  resetColumnCache();
  const api = new TimedClient({ connectionString: db.url });
  const upstream = new TimedClient({ connectionString: db.url });
  api.on('error', () => {});
  upstream.on('error', () => {});
  await api.connect();
  await upstream.connect();
  const admin = new TimedMeili(meili.url, meili.masterKey);
  const inner = upstreamPostgresSource(upstream, 'image', { schema: SCHEMA });
  let readMs = 0;
  let firstRead: number | null = null;
  let lastRead = 0;
  const source: CatalogSource = {
    describe: inner.describe,
    count: inner.count,
    async *batches() {
      const it = inner.batches()[Symbol.asyncIterator]();
      for (;;) {
        const t0 = now();
        firstRead ??= t0;
        const next = await it.next();
        readMs += now() - t0;
        lastRead = now();
        if (next.done) return;
        yield next.value;
      }
    },
  };
  const mem = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const timer = setInterval(() => {
    const u = process.memoryUsage();
    for (const k of Object.keys(mem) as (keyof typeof mem)[]) mem[k] = Math.max(mem[k], u[k]);
  }, 100);
  const pgCpu = await backendCpu([api, upstream], db);
  const cpu0 = process.cpuUsage();
  const meiliCpu0 = meili.pid ? cpuSeconds(meili.pid) : null;
  const start = now();
  let stats;
  try {
    stats = await refresh({ mediaType: 'image', source, api, meili: admin, indexPrefix: `${meili.indexPrefix}inproc_` });
  } finally {
    clearInterval(timer);
  }
  const total = now() - start;
  const cpu = process.cpuUsage(cpu0);
  const pgSeconds = pgCpu();
  const meiliSeconds = meili.pid && meiliCpu0 !== null ? (cpuSeconds(meili.pid) ?? meiliCpu0) - meiliCpu0 : null;
  const live = `${meili.indexPrefix}inproc_images`;
  const busy = await meiliBusySeconds(admin, [live, `${live}__${stats.generation}`]);
  const loopMs = lastRead - (firstRead ?? start);
  const awaited = readMs + (api.times.get('deletedAmong')?.ms ?? 0) + (api.times.get('loadRecords (upsert into image_new)')?.ms ?? 0);
  await api.end();
  await upstream.end();
  out(`### refresh() in-process, instrumented (${stats.indexed.toLocaleString('en-US')} documents)`);
  out();
  out(`Total ${s(total)} s (${rate(stats.indexed, total)} docs/s). Read loop (first batch requested → last batch read): ${s(loopMs)} s; after it: ${s(total - loopMs - ((firstRead ?? start) - start))} s (last payloads, checks, promotion).`);
  out();
  out('| read loop awaiting | seconds | calls |');
  out('|---|---:|---:|');
  out(`| read upstream batch | ${s(readMs)} | ${upstream.times.get('read upstream batch')?.n ?? 0} |`);
  for (const [kind, v] of api.times) out(`| ${kind} | ${s(v.ms)} | ${v.n} |`);
  out(`| rest of the loop: cleanRow, toDocument, JSON.stringify, JSON for the upsert, waiting for a free Meilisearch slot | ${s(loopMs - awaited)} | |`);
  out();
  out(
    `Meilisearch: ${admin.upload.n} payload uploads took ${s(admin.upload.ms)} s (POST until enqueued), tasks busy ${busy.busy.toFixed(1)} s of the ${s(total)} s; ` +
      `CPU seconds: Node ${((cpu.user + cpu.system) / 1e6).toFixed(1)}, Postgres backends ${pgSeconds?.toFixed(1) ?? 'n/a'}, Meilisearch ${meiliSeconds?.toFixed(1) ?? 'n/a'}.`,
  );
  out(
    `Memory of this process during the refresh (peaks, MB): rss ${mb(mem.rss)}, heapTotal ${mb(mem.heapTotal)}, heapUsed ${mb(mem.heapUsed)}, external ${mb(mem.external)}, arrayBuffers ${mb(mem.arrayBuffers)}.`,
  );
  out();
}

// ---------------------------------------------------------------------------------------

async function postgresVariants(db: BenchDatabase, client: pg.Client, scratch: string): Promise<void> {
  log('postgres: the staging load alone, several ways');
  // The cleaned records, once, in the refresh's batches.
  const batches: MediaRecord[][] = [];
  for await (const rows of readUpstream(client, 'image', { schema: SCHEMA })) {
    batches.push(rows.flatMap((row) => {
      const r = cleanRow('image', row);
      return r.ok ? [r.record] : [];
    }));
  }
  const total = batches.reduce((a, b) => a + b.length, 0);
  const api = await connect(db.url);
  const results: [string, number, number | null][] = [];
  const cpu = await backendCpu([api], db);
  const measure = async (name: string, fn: () => Promise<void>) => {
    await api.query('checkpoint').catch(() => {});
    const c0 = cpu() ?? 0;
    const t0 = now();
    await fn();
    const ms = now() - t0;
    const c = cpu();
    results.push([name, ms, c === null ? null : c - c0]);
    log(`  ${name}: ${s(ms)} s`);
  };
  const fresh = async (table: string, opts: { unlogged?: boolean; indexes?: boolean } = {}) => {
    await api.query(`drop table if exists ${table}`);
    await api.query(`create ${opts.unlogged ? 'unlogged ' : ''}table ${table} (like image including ${opts.indexes === false ? 'defaults including constraints' : 'all'})`);
  };
  const cols = (await api.query<{ c: string }>(`select column_name as c from information_schema.columns where table_schema = current_schema() and table_name = 'image' order by ordinal_position`)).rows.map((r) => `"${r.c}"`);
  const upsert = (table: string) =>
    `insert into ${table} select * from json_populate_recordset(null::${table}, $1::json) on conflict (identifier) do update set ${cols
      .filter((c) => c !== '"identifier"')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}`;
  const insert = (table: string) => `insert into ${table} select * from json_populate_recordset(null::${table}, $1::json)`;
  try {
    resetColumnCache();
    await createStagingTables(api, 'image');
    await measure('as the refresh: loadRecords, 5,000-row json_populate_recordset upserts', async () => {
      for (const b of batches) await loadRecords(api, 'image', b);
    });
    await fresh('bench_plain');
    await measure('plain INSERT … json_populate_recordset (no ON CONFLICT), 5,000 rows', async () => {
      for (const b of batches) await api.query(insert('bench_plain'), [JSON.stringify(b)]);
    });
    await fresh('bench_big');
    await measure('upsert, 20,000-row statements', async () => {
      for (let i = 0; i < batches.length; i += 4) await api.query(upsert('bench_big'), [JSON.stringify(batches.slice(i, i + 4).flat())]);
    });
    await fresh('bench_unlogged', { unlogged: true });
    await measure('upsert into an UNLOGGED table, 5,000 rows', async () => {
      for (const b of batches) await api.query(upsert('bench_unlogged'), [JSON.stringify(b)]);
    });
    await measure('  … then ALTER TABLE SET LOGGED (needed before the swap)', async () => {
      await api.query('alter table bench_unlogged set logged');
    });
    await fresh('bench_noidx', { indexes: false });
    await api.query('alter table bench_noidx add primary key (identifier)');
    await measure('upsert with only the primary key, 5,000 rows', async () => {
      for (const b of batches) await api.query(upsert('bench_noidx'), [JSON.stringify(b)]);
    });
    await measure('  … then CREATE INDEX source, updated_on', async () => {
      await api.query('create index on bench_noidx (source)');
      await api.query('create index on bench_noidx (updated_on)');
    });
    // COPY: the same rows in Postgres text format (as the server writes them), loaded
    // by psql's \copy over the client protocol, as pg-copy-streams would.
    const file = path.join(scratch, 'image.copy');
    if (db.name && db.local) {
      await run('psql', [db.url, '-qc', `\\copy image_new to '${file}'`]);
      await fresh('bench_copy');
      const c0 = cpu() ?? 0;
      const t0 = now();
      await run('psql', [db.url, '-qc', `\\copy bench_copy from '${file}'`]);
      results.push(['COPY FROM STDIN (psql \\copy, text format), all rows in one stream', now() - t0, null]);
      void c0;
      log(`  COPY: ${s(now() - t0)} s`);
    } else {
      results.push(['COPY (needs a real local Postgres and psql)', NaN, null]);
    }
    for (const t of ['bench_plain', 'bench_big', 'bench_unlogged', 'bench_noidx', 'bench_copy']) await api.query(`drop table if exists ${t}`);
    await dropStagingTables(api, 'image');
  } finally {
    await api.end();
  }
  out(`### Postgres staging load alone (${total.toLocaleString('en-US')} cleaned records)`);
  out();
  out('| way | seconds | rows/s | backend CPU s |');
  out('|---|---:|---:|---:|');
  for (const [name, ms, c] of results) out(`| ${name} | ${Number.isNaN(ms) ? 'n/a' : s(ms)} | ${Number.isNaN(ms) ? 'n/a' : rate(total, ms)} | ${c?.toFixed(1) ?? 'n/a'} |`);
  out();
}

// ---------------------------------------------------------------------------------------

async function meiliVariants(client: pg.Client, meili: BenchMeili, scratch: string, teardown: Teardown): Promise<void> {
  log('meili: raw pushes with other payload sizes and concurrency');
  const results: [string, number, number, string][] = [];
  const files = new Map<number, NdjsonFile>();
  const fileFor = async (bytes: number) => {
    if (!files.has(bytes)) files.set(bytes, await writeRefreshDocuments(client, 'image', SCHEMA, path.join(scratch, `docs-${bytes}.ndjson`), bytes, 0));
    return files.get(bytes)!;
  };
  const push = async (server: BenchMeili, name: string, bytes: number, inFlight: number) => {
    const file = await fileFor(bytes);
    const admin = new MeiliAdmin(server.url, server.masterKey, 300_000);
    const index = `${server.indexPrefix}raw_${results.length}`;
    await admin.createIndex(index, indexSettings('image'));
    const cpu0 = server.pid ? cpuSeconds(server.pid) : null;
    const { seconds } = await pushBatches(admin, index, file, inFlight);
    const cpu = server.pid && cpu0 !== null ? (cpuSeconds(server.pid) ?? cpu0) - cpu0 : NaN;
    const b = await meiliBatches(admin, [index]);
    results.push([name, seconds, file.documents / seconds, `${file.batches.length} payloads → ${b.batches} batches; Meilisearch CPU ${cpu.toFixed(1)} s`]);
    log(`  ${name}: ${seconds.toFixed(1)} s`);
    await admin.deleteIndex(index);
  };
  const MiB = 2 ** 20;
  await push(meili, '8 MiB payloads, 2 in flight (the refresh default)', 8 * MiB, 2);
  await push(meili, '8 MiB payloads, 1 in flight', 8 * MiB, 1);
  await push(meili, '8 MiB payloads, 4 in flight', 8 * MiB, 4);
  await push(meili, '32 MiB payloads, 2 in flight', 32 * MiB, 2);
  await push(meili, '64 MiB payloads, 2 in flight', 64 * MiB, 2);
  // A second server with a bounded indexing memory (default: 2/3 of the machine's RAM).
  const saved = process.env.MEILI_MAX_INDEXING_MEMORY;
  process.env.MEILI_MAX_INDEXING_MEMORY = '1GiB';
  let bounded: BenchMeili;
  try {
    bounded = await startBenchMeili('bounded', teardown);
  } finally {
    if (saved === undefined) delete process.env.MEILI_MAX_INDEXING_MEMORY;
    else process.env.MEILI_MAX_INDEXING_MEMORY = saved;
  }
  try {
    await push(bounded, 'MEILI_MAX_INDEXING_MEMORY=1GiB: 8 MiB payloads, 2 in flight', 8 * MiB, 2);
  } finally {
    await bounded.close();
  }
  out(`### Raw Meilisearch push alone (same documents)`);
  out();
  out('| way | seconds | docs/s | notes |');
  out('|---|---:|---:|---|');
  for (const [name, sec, r, note] of results) out(`| ${name} | ${sec.toFixed(1)} | ${Math.round(r).toLocaleString('en-US')} | ${note} |`);
  out();
}

// ---------------------------------------------------------------------------------------

async function memoryVariants(db: BenchDatabase, meili: BenchMeili, scratch: string, teardown: Teardown): Promise<void> {
  log('memory: the CLI refresh under V8 heap settings');
  const variants: [string, string[]][] = [
    ['default', []],
    ['--max-semi-space-size=4 (MB)', ['--max-semi-space-size=4']],
    ['--max-old-space-size=192 (MB)', ['--max-old-space-size=192']],
  ];
  out('### CLI refresh peak RSS by V8 heap setting');
  out();
  out('| node flags | seconds | docs/s | peak RSS MB |');
  out('|---|---:|---:|---:|');
  for (const [name, flags] of variants) {
    const r = await runIngest(db, meili, scratch, teardown, { nodeArgs: flags });
    out(`| ${name} | ${r.seconds.toFixed(1)} | ${rate(r.documents, r.seconds * 1000)} | ${mb(r.peakRss)} |`);
    log(`  ${name}: ${r.seconds.toFixed(1)} s, ${mb(r.peakRss)} MB`);
  }
  out();
}

main().catch((err: Error) => {
  console.error(`[stages] failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
