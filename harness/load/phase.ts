/**
 * One measured phase: autocannon at a fixed number of connections (pipelining 1) for a
 * fixed time, each connection taking the next request from one shared rotation
 * (`next()`), so no two connections send the same request at the same time and a
 * cache-defeating rotation stays unique. Every response is recorded with its workload
 * tag, status and X-Cache, to the microsecond (autocannon's own histogram rounds to ms).
 */
import autocannon, { type Result } from 'autocannon';
import { cpuDelta, cpuSnapshot, machineBusySeconds, type ProcInfo } from '../proc.js';

export interface LoadRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Workload tag the response is counted under. */
  tag: string;
  /** Index of the base query (for per-query subsets), -1 when none. */
  key: number;
}

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export interface PhaseResult {
  name: string;
  connections: number;
  seconds: number;
  count: number;
  rps: number;
  /** Connection errors, timeouts and non-2xx responses. */
  errors: number;
  errorDetail: string;
  xcache: Record<string, number>;
  all: Stats;
  byTag: Record<string, Stats>;
  /** Latencies by base-query key, for subsets (cached set vs the same queries raw). */
  byKey: Map<number, number[]>;
  /** CPU seconds used per process role during the phase. */
  cpu: Record<string, number>;
  /** CPUs' worth of time used by processes outside the benchmark during the phase. */
  othersCpu: number;
  /** Roles whose process exited during the phase (a restart skews the phase). */
  restarted: string[];
}

export function stats(values: number[] | Float64Array): Stats {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const at = (p: number) => (n ? sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))] : NaN);
  let sum = 0;
  for (const v of sorted) sum += v;
  return { n, p50: at(50), p95: at(95), p99: at(99), mean: n ? sum / n : NaN };
}

function header(headers: Record<string, string | string[]>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  return undefined;
}

export async function runPhase(opts: {
  name: string;
  baseUrl: string;
  connections: number;
  seconds: number;
  next: () => LoadRequest;
  tree: () => ProcInfo[];
  /** A status that counts as success besides 2xx (404 for no-op probes). */
  okStatus?: number;
}): Promise<PhaseResult> {
  const lat: number[] = [];
  const tags: string[] = [];
  const keys: number[] = [];
  const xcache: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  const cpuBefore = cpuSnapshot(opts.tree());
  const busyBefore = machineBusySeconds();
  const started = performance.now();
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: opts.baseUrl,
        connections: opts.connections,
        pipelining: 1,
        duration: opts.seconds,
        timeout: 10,
        requests: [
          {
            setupRequest: (req, context) => {
              const r = opts.next();
              context.tag = r.tag;
              context.key = r.key;
              return { ...req, method: r.method, path: r.path, headers: r.headers ?? {}, body: r.body ?? '' };
            },
            onResponse: (_status, _body, context, headers) => {
              context.cache = header(headers, 'x-cache') ?? '-';
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (client, statusCode, _bytes, ms) => {
      const ctx = client.requestIterator.context;
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      const cache = String(ctx.cache ?? '-');
      xcache[cache] = (xcache[cache] ?? 0) + 1;
      if ((statusCode >= 200 && statusCode < 300) || statusCode === opts.okStatus) {
        lat.push(ms);
        tags.push(String(ctx.tag));
        keys.push(Number(ctx.key));
      }
    });
  });
  const elapsed = (performance.now() - started) / 1000;
  const { cpu, restarted } = cpuDelta(cpuBefore, cpuSnapshot(opts.tree()));
  const ours = Object.values(cpu).reduce((a, b) => a + b, 0);
  const othersCpu = Math.max(0, machineBusySeconds() - busyBefore - ours) / elapsed;

  const byTagValues = new Map<string, number[]>();
  const byKey = new Map<number, number[]>();
  lat.forEach((ms, i) => {
    const forTag = byTagValues.get(tags[i]);
    if (forTag) forTag.push(ms);
    else byTagValues.set(tags[i], [ms]);
    if (keys[i] >= 0) {
      const list = byKey.get(keys[i]);
      if (list) list.push(ms);
      else byKey.set(keys[i], [ms]);
    }
  });
  const byTag: Record<string, Stats> = {};
  for (const [tag, values] of byTagValues) byTag[tag] = stats(values);
  const non2xx = Object.entries(statuses).filter(([s]) => !s.startsWith('2') && Number(s) !== opts.okStatus);
  const errors = result.errors + non2xx.reduce((a, [, n]) => a + n, 0);
  const errorDetail = errors
    ? `connection errors ${result.errors - result.timeouts}, timeouts ${result.timeouts}, statuses ${non2xx.map(([s, n]) => `${s}×${n}`).join(' ') || 'none'}`
    : '';
  return {
    name: opts.name,
    connections: opts.connections,
    seconds: elapsed,
    count: lat.length,
    rps: lat.length / elapsed,
    errors,
    errorDetail,
    xcache,
    all: stats(lat),
    byTag,
    byKey,
    cpu,
    othersCpu,
    restarted,
  };
}
