/**
 * The raw-Meilisearch baseline: the very documents a refresh sends, as an NDJSON file cut
 * into the very batches the refresh sends, pushed with the refresh's concurrency.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type pg from 'pg';
import type { MediaType } from '../../model/record.js';
import type { MeiliAdmin } from '../../ingest/meili-admin.js';
import { cleanBatch, sensitiveTextMatcher } from '../../ingest/pipeline/clean.js';
import { DEFAULT_BATCH_BYTES, DEFAULT_MAX_IN_FLIGHT, InFlightWindow } from '../../ingest/pipeline/push.js';
import { ByteBatch, documentLine } from '../../ingest/pipeline/serialise.js';
import { upstreamPostgresSource } from '../../ingest/sources/upstream-postgres.js';

/** The refresh's defaults (ingest/pipeline/push.ts), so the baseline pushes the same payloads. */
export const REFRESH_BATCH_BYTES = DEFAULT_BATCH_BYTES;
export const REFRESH_MAX_IN_FLIGHT = DEFAULT_MAX_IN_FLIGHT;

export interface NdjsonFile {
  path: string;
  documents: number;
  bytes: number;
  /** [start, end) byte ranges of each payload (lines joined by '\n', no trailing newline). */
  batches: { start: number; end: number; docs: number }[];
  /** A random sample of documents (parsed), to check against the ingested index. */
  sample: Record<string, unknown>[];
}

/**
 * Rebuilds the documents exactly as `refresh()` does, with its own stages (the upstream
 * source, `cleanBatch`, `documentLine`, and the push's `ByteBatch` cut rule), writing
 * them to `file`. `upstream` is also the API database here (deleted and sensitive
 * lists). The caller checks a sample against the live index, so a change of the refresh
 * these stages do not follow is caught.
 */
export async function writeRefreshDocuments(
  upstream: pg.ClientBase,
  mediaType: MediaType,
  schema: string,
  file: string,
  batchBytes = REFRESH_BATCH_BYTES,
  sampleSize = 1000,
): Promise<NdjsonFile> {
  const fd = openSync(file, 'w');
  const out: NdjsonFile = { path: file, documents: 0, bytes: 0, batches: [], sample: [] };
  const batch = new ByteBatch(batchBytes);
  const cut = () => {
    const payload = batch.take();
    if (!payload) return;
    const start = out.bytes;
    out.bytes += writeSync(fd, `${payload.body}\n`);
    out.batches.push({ start, end: out.bytes - 1, docs: payload.docs });
  };
  const isSensitiveText = await sensitiveTextMatcher();
  try {
    for await (const rows of upstreamPostgresSource(upstream, mediaType, { schema }).batches()) {
      const { records } = await cleanBatch(upstream, mediaType, rows, isSensitiveText);
      for (const record of records) {
        const line = documentLine(mediaType, record);
        out.documents++;
        // Reservoir sampling: a uniform sample whatever the count.
        if (out.sample.length < sampleSize) out.sample.push(JSON.parse(line));
        else {
          const j = Math.floor(Math.random() * out.documents);
          if (j < sampleSize) out.sample[j] = JSON.parse(line);
        }
        if (batch.add(line)) cut();
      }
    }
    cut();
  } finally {
    closeSync(fd);
  }
  return out;
}

/**
 * Equal as JSON values, except that numbers may differ in their last bits: Meilisearch
 * parses floats without correct rounding (serde_json's default), so it stores e.g.
 * 0.044173461307127036 as 0.04417346130712704 — a one-ulp change, not a different document.
 */
function sameValue(a: unknown, b: unknown, ulpDiffs: { n: number }): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return true;
    const close = Math.abs(a - b) <= 4 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b));
    if (close) ulpDiffs.n++;
    return close;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i], ulpDiffs));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every((k) => k in b && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], ulpDiffs))
    );
  }
  return isDeepStrictEqual(a, b);
}

/**
 * Fetches the sampled ids from `index` and checks each stored document equals ours
 * (numbers to the last few bits, see `sameValue`).
 */
export async function checkSampleAgainstIndex(
  meili: MeiliAdmin,
  index: string,
  sample: Record<string, unknown>[],
): Promise<{ mismatches: number; ulpDiffs: number }> {
  let mismatches = 0;
  const ulpDiffs = { n: 0 };
  for (let i = 0; i < sample.length; i += 200) {
    const chunk = sample.slice(i, i + 200);
    const ids = chunk.map((d) => JSON.stringify(d.id)).join(', ');
    const results = await meili.getDocuments(index, { filter: `id IN [${ids}]`, limit: chunk.length });
    const byId = new Map(results.map((d) => [d.id, d]));
    for (const doc of chunk) {
      const stored = byId.get(doc.id);
      if (sameValue(doc, stored, ulpDiffs)) continue;
      if (mismatches++ < 3) {
        const keys = new Set([...Object.keys(doc), ...Object.keys(stored ?? {})]);
        const diff = [...keys]
          .filter((k) => !isDeepStrictEqual(doc[k], stored?.[k]))
          .map((k) => `${k}: ours ${JSON.stringify(doc[k])} stored ${JSON.stringify(stored?.[k])}`);
        console.error(`[bench] document ${String(doc.id)} differs: ${diff.join('; ')}`);
      }
    }
  }
  return { mismatches, ulpDiffs: ulpDiffs.n };
}

function readBatch(fd: number, b: { start: number; end: number }): string {
  const buf = Buffer.allocUnsafe(b.end - b.start);
  let off = 0;
  while (off < buf.length) off += readSync(fd, buf, off, buf.length - off, b.start + off);
  return buf.toString('utf8');
}

/**
 * Pushes the payloads through the refresh's own in-flight window (payload ready, wait
 * for a free slot, enqueue, wait for the task) and returns the wall seconds until the
 * last task succeeded. Only this is timed; the file is read from the page cache as it goes.
 */
export async function pushBatches(
  meili: MeiliAdmin,
  index: string,
  file: NdjsonFile,
  maxInFlight = REFRESH_MAX_IN_FLIGHT,
): Promise<{ seconds: number; firstTaskUid: number | null }> {
  const fd = openSync(file.path, 'r');
  const window = new InFlightWindow(maxInFlight);
  let firstTaskUid: number | null = null;
  const started = performance.now();
  try {
    for (const batch of file.batches) {
      const body = readBatch(fd, batch);
      await window.acquire();
      window.track(
        (async () => {
          const uid = await meili.addDocuments(index, body);
          firstTaskUid ??= uid;
          await meili.waitTask(uid);
        })(),
      );
    }
    await window.drain();
  } finally {
    closeSync(fd);
  }
  return { seconds: (performance.now() - started) / 1000, firstTaskUid };
}

interface TaskTimes {
  uid: number;
  startedAt: string | null;
  finishedAt: string | null;
  details?: { receivedDocuments?: number; indexedDocuments?: number };
}

/**
 * How long Meilisearch itself spent on the document tasks of `indexes` (the union of their
 * processing intervals, so auto-batched tasks count once), and from the first task's
 * start to the last one's end. An index swap renames the index in its tasks too, so
 * pass both names of a swapped index.
 */
export async function meiliBusySeconds(meili: MeiliAdmin, indexes: string[]): Promise<{ busy: number; span: number; tasks: number }> {
  const tasks: TaskTimes[] = [];
  let from: number | null = null;
  for (;;) {
    const page = await meili.tasks({ indexUids: indexes, types: ['documentAdditionOrUpdate'], statuses: ['succeeded'], limit: 1000, from });
    tasks.push(...page.results);
    if (page.next === null) break;
    from = page.next;
  }
  const intervals = tasks
    .filter((t) => t.startedAt && t.finishedAt)
    .map((t) => [Date.parse(t.startedAt!), Date.parse(t.finishedAt!)] as const)
    .sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let curStart = -1;
  let curEnd = -1;
  for (const [s, e] of intervals) {
    if (s > curEnd) {
      if (curEnd > curStart) busy += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else curEnd = Math.max(curEnd, e);
  }
  if (curEnd > curStart) busy += curEnd - curStart;
  const span = intervals.length ? Math.max(...intervals.map((i) => i[1])) - intervals[0][0] : 0;
  return { busy: busy / 1000, span: span / 1000, tasks: tasks.length };
}

interface BatchInfo {
  uid: number;
  duration: string | null;
  details?: { receivedDocuments?: number };
  stats: { totalNbTasks: number; types: Record<string, number>; progressTrace?: Record<string, string> };
}

/** `1.23s`, `456.7ms`, `89µs`, `1m2.5s` (Meilisearch's progress trace) → seconds. */
export function traceSeconds(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/([\d.]+)\s*(h|m(?!s)|s|ms|µs|us|ns)/g)) {
    const v = Number(m[1]);
    total += v * ({ h: 3600, m: 60, s: 1, ms: 1e-3, µs: 1e-6, us: 1e-6, ns: 1e-9 } as Record<string, number>)[m[2]];
  }
  return total;
}

export interface BatchSummary {
  batches: number;
  tasks: number;
  /** Sum of the batches' own durations. */
  seconds: number;
  /** Seconds per `processing tasks > indexing > <step>`, summed over batches, largest first. */
  steps: [string, number][];
  /** Seconds per `… > indexing > <step> > <substep>`, largest first. */
  substeps: [string, number][];
  /** Indexing time the trace does not attribute to a step. */
  unattributed: number;
  /** Per batch, oldest first: documents, seconds, seconds not attributed to a step. */
  perBatch: { docs: number; seconds: number; unattributed: number }[];
}

/**
 * What Meilisearch's batches for `indexes` (all indexes when empty), optionally only
 * those of tasks enqueued after `since`, did (the batch history, progress traces).
 */
export async function meiliBatches(meili: MeiliAdmin, indexes: string[], opts: { since?: Date } = {}): Promise<BatchSummary> {
  const all: BatchInfo[] = [];
  let from: number | null = null;
  for (;;) {
    const page = await meili.batches({
      indexUids: indexes.length ? indexes : undefined,
      afterEnqueuedAt: opts.since?.toISOString(),
      types: ['documentAdditionOrUpdate'],
      limit: 1000,
      from,
    });
    all.push(...page.results);
    if (page.next === null) break;
    from = page.next;
  }
  const steps = new Map<string, number>();
  const substeps = new Map<string, number>();
  let seconds = 0;
  let indexing = 0;
  let tasks = 0;
  const perBatch: BatchSummary['perBatch'] = [];
  for (const b of [...all].sort((x, y) => x.uid - y.uid)) {
    tasks += b.stats.totalNbTasks;
    const own = b.duration ? traceSeconds(b.duration.replace(/^PT/, '').toLowerCase()) : 0;
    seconds += own;
    let ownIndexing = 0;
    let ownSteps = 0;
    for (const [key, value] of Object.entries(b.stats.progressTrace ?? {})) {
      const parts = key.split(' > ');
      if (parts.length === 3 && parts[1] === 'indexing') ownSteps += traceSeconds(value);
      if (parts.length === 2 && parts[1] === 'indexing') {
        indexing += traceSeconds(value);
        ownIndexing += traceSeconds(value);
      }
      if (parts.length === 4 && parts[1] === 'indexing') {
        const key4 = `${parts[2]} > ${parts[3]}`;
        substeps.set(key4, (substeps.get(key4) ?? 0) + traceSeconds(value));
      }
      if (parts.length !== 3 || parts[1] !== 'indexing') continue;
      steps.set(parts[2], (steps.get(parts[2]) ?? 0) + traceSeconds(value));
    }
    perBatch.push({ docs: b.details?.receivedDocuments ?? 0, seconds: own, unattributed: Math.max(0, ownIndexing - ownSteps) });
  }
  const sorted = [...steps.entries()].sort((a, b) => b[1] - a[1]);
  const attributed = sorted.reduce((a, [, s]) => a + s, 0);
  return {
    batches: all.length,
    tasks,
    seconds,
    steps: sorted,
    substeps: [...substeps.entries()].sort((a, b) => b[1] - a[1]),
    unattributed: Math.max(0, indexing - attributed),
    perBatch,
  };
}
