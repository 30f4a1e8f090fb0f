/**
 * `npm run bench:export -- --rows 100000 [--changes 100000]`
 *
 * Bulk export and change feed (issue #18) through the Worker in workerd (wrangler dev),
 * on a stack of its own (test/reliability/private-stack.ts: its own Meilisearch and
 * Postgres, a generated catalog of `--rows` images ingested by the production refresh):
 *
 * - export: `/v1/images/export/?mature=true`, plain and gzip, read to the end by one
 *   client: rows/s, MB/s on the wire, and the Worker's workerd RSS (sampled every 100 ms:
 *   start, peak) and CPU-seconds (µs per row: what a response's rows cost against the
 *   Worker's `cpu_ms`); one response for the whole export (`EXPORT_ROWS_PER_RESPONSE`
 *   lifted); baseline: the same keyset read straight from Postgres in Node
 *   (`pg`, 500 rows a page, JSON per row), so the ratio is the Worker's share.
 * - change feed: `--changes` change rows written to `change_log` (SQL), read back through
 *   `/v1/changes/` (10,000 a page): bytes on the wire and in Postgres, per million.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { verifiedToken } from '../harness/load/quota-key.js';
import { cpuOf, loadAvg, machine, mb, memOf } from '../harness/proc.js';
import { startPrivateStack } from '../test/reliability/private-stack.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, changes: { type: 'string', default: '100000' } } });
const ROWS = Number(values.rows);
const CHANGES = Number(values.changes);
const log = (line: string) => console.log(`[bench:export] ${line}`);

/** Reads a response to the end without decoding it; bytes on the wire and lines. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; bytes: number; ms: number; encoding: string | undefined; tail: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    http
      .get(url, { headers }, (res) => {
        let bytes = 0;
        let tail = '';
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          tail = (tail + chunk.toString('latin1')).slice(-400);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            bytes,
            ms: performance.now() - started,
            encoding: res.headers['content-encoding'] as string | undefined,
            tail,
          }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

const stack = await startPrivateStack({
  images: ROWS,
  audio: 10,
  vars: {
    EXPORT_ROWS_PER_DAY: '1000000000',
    EXPORT_ROWS_PER_RESPONSE: '1000000000',
    THROTTLE_STANDARD_BURST: '100000/min',
    THROTTLE_STANDARD_SUSTAINED: '1000000/day',
  },
  log,
});
try {
  const m = machine();
  console.log(
    `machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.kernel}; load average ${loadAvg()} (shared: other sessions' tests may run)`,
  );
  const api = stack.apiUrl;
  const token = await verifiedToken(api, stack.databaseUrl, 'bench-export');
  const auth = { Authorization: `Bearer ${token}` };

  const db = await stack.sql();
  const rows = Number((await db.query<{ n: string }>('select count(*)::text as n from image')).rows[0].n);

  // Baseline: the same keyset read from Postgres in Node, JSON per row.
  let started = performance.now();
  let after = '00000000-0000-0000-0000-000000000000';
  let baseBytes = 0;
  let baseRows = 0;
  for (;;) {
    const page = await db.query('select * from image where identifier > $1 order by identifier limit 500', [after]);
    if (page.rows.length === 0) break;
    for (const r of page.rows) baseBytes += JSON.stringify(r).length + 1;
    baseRows += page.rows.length;
    after = page.rows[page.rows.length - 1].identifier;
  }
  const baseMs = performance.now() - started;

  const workerd = stack.workerTree().find((p) => p.role === 'workerd');
  const sampleMemory = () => {
    let peak = 0;
    const timer = setInterval(() => {
      const mem = workerd ? memOf(workerd.pid) : null;
      if (mem) peak = Math.max(peak, mem.rss);
    }, 100);
    return () => {
      clearInterval(timer);
      return peak;
    };
  };
  const results: string[] = [];
  const baseRate = baseRows / (baseMs / 1000);
  results.push(
    `| Postgres keyset read in Node (baseline) | ${baseRows} | ${(baseMs / 1000).toFixed(2)} | ${baseRate.toFixed(0)} | ${(baseBytes / 1e6 / (baseMs / 1000)).toFixed(1)} | 1.00 | — | — | — |`,
  );
  for (const gzip of [false, true]) {
    const before = workerd ? memOf(workerd.pid)?.rss : null;
    const cpuBefore = workerd ? cpuOf(workerd.pid) : null;
    const stop = sampleMemory();
    const r = await rawGet(`${api}/v1/images/export/?mature=true`, { ...auth, 'Accept-Encoding': gzip ? 'gzip' : 'identity' });
    const peak = stop();
    const cpuAfter = workerd ? cpuOf(workerd.pid) : null;
    const cpuPerRow = cpuBefore !== null && cpuAfter !== null ? ((cpuAfter - cpuBefore) * 1e6) / rows : NaN;
    if (r.status !== 200) throw new Error(`export ${r.status}`);
    if (r.encoding !== (gzip ? 'gzip' : undefined)) throw new Error(`asked ${gzip ? 'gzip' : 'identity'}, got ${r.encoding}`);
    if (!gzip && !r.tail.includes('"status":"complete"')) throw new Error(`no complete trailer: ${r.tail}`);
    const rate = rows / (r.ms / 1000);
    results.push(
      `| Worker export${gzip ? `, gzip (${r.encoding ?? 'identity'})` : ''} | ${rows} | ${(r.ms / 1000).toFixed(2)} | ${rate.toFixed(0)} | ${(r.bytes / 1e6 / (r.ms / 1000)).toFixed(1)} | ${(rate / baseRate).toFixed(2)} | ${(r.bytes / 1e6).toFixed(1)} | ${mb(before)} → ${mb(peak)} | ${cpuPerRow.toFixed(1)} |`,
    );
  }
  console.log(`\nexport of ${rows} images (mature included), one client, through wrangler dev:\n`);
  console.log(
    '| path | rows | s | rows/s | MB/s (wire) | rows/s vs baseline | MB on the wire | workerd RSS MB (start → peak) | workerd CPU µs per row |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const line of results) console.log(line);

  // The change feed: CHANGES rows as the ingest writes them (one action per 10,000), read back through the Worker.
  const size0 = Number((await db.query<{ n: string }>(`select pg_total_relation_size('change_log')::text as n`)).rows[0].n);
  const head = ((await (await fetch(`${api}/v1/changes/?media_type=image`)).json()) as { next: string }).next;
  for (let done = 0; done < CHANGES; done += 10_000) {
    const n = Math.min(10_000, CHANGES - done);
    await db.query(
      `insert into change_log (media_type, op, identifier, generation)
       select 'image', (array['a','u','r'])[1 + (i % 3)], gen_random_uuid(), 2 from generate_series(1, $1) as i`,
      [n],
    );
  }
  await db.query('vacuum analyze change_log');
  const size1 = Number((await db.query<{ n: string }>(`select pg_total_relation_size('change_log')::text as n`)).rows[0].n);
  started = performance.now();
  let since = head;
  let feedBytes = 0;
  let listed = 0;
  for (;;) {
    const res = await fetch(`${api}/v1/changes/?media_type=image&limit=10000&since=${encodeURIComponent(since)}`);
    const text = await res.text();
    feedBytes += Buffer.byteLength(text);
    const page = JSON.parse(text) as {
      changes: { added: string[]; updated: string[]; removed: string[] }[];
      has_more: boolean;
      next: string;
    };
    for (const b of page.changes) listed += b.added.length + b.updated.length + b.removed.length;
    since = page.next;
    if (!page.has_more) break;
  }
  const feedMs = performance.now() - started;
  if (listed !== CHANGES) throw new Error(`feed listed ${listed} of ${CHANGES}`);
  console.log(
    `\nchange feed: ${CHANGES} changes read in ${(feedMs / 1000).toFixed(2)} s (${(CHANGES / (feedMs / 1000)).toFixed(0)} changes/s)`,
  );
  console.log(
    `  on the wire (JSON, uncompressed): ${feedBytes} B = ${(feedBytes / CHANGES).toFixed(1)} B/change → ${(((feedBytes / CHANGES) * 1e6) / 1e6).toFixed(1)} MB per million changed rows`,
  );
  console.log(
    `  in Postgres (change_log, table + indexes): ${((size1 - size0) / CHANGES).toFixed(1)} B/change → ${((((size1 - size0) / CHANGES) * 1e6) / 1e6).toFixed(1)} MB per million`,
  );
  await db.end();
} finally {
  await stack.stop();
}
