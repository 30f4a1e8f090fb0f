/**
 * A sustained load with the readings a soak test needs: autocannon at a fixed number of
 * connections for a fixed time, every response recorded with its time, status and
 * latency (so p50/p95/p99 can be cut per slice of the run), the resident memory of the
 * stack's processes sampled every second, and a "quota client" running in parallel:
 * a few connections of one API key with a small limit, whose accepted requests must
 * never exceed that limit however hard the rest of the traffic pushes.
 */
import autocannon, { type Result } from 'autocannon';
import { stats, type Stats } from './phase.js';
import { listeningPorts, memOf, type ProcInfo } from '../proc.js';

export interface SoakRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Workload tag (e.g. `search`, `popular`). */
  tag: string;
}

export interface QuotaClient {
  /** The request it repeats (with its `Authorization` header). */
  request: SoakRequest;
  /** Its limit in this window (the Worker's THROTTLE_* setting for its tier). */
  limit: number;
  windowSeconds: number;
  /** Parallel loops, each sending one request every `intervalMs`. */
  connections: number;
  intervalMs: number;
  /** It runs for at most this long (kept under one window so the limit applies once). */
  seconds: number;
}

export interface Slice {
  from: number;
  to: number;
  requests: number;
  rps: number;
  /** Non-2xx answers and connection errors/timeouts in the slice. */
  errors: number;
  latency: Stats;
  /** Mean RSS per process role during the slice, bytes. */
  rss: Record<string, number>;
}

export interface QuotaOutcome {
  limit: number;
  windowSeconds: number;
  seconds: number;
  sent: number;
  allowed: number;
  throttled: number;
  /** Anything else: other statuses and network errors. */
  other: Record<string, number>;
}

export interface SoakResult {
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  statuses: Record<string, number>;
  status5xx: number;
  connectionErrors: number;
  timeouts: number;
  /** Non-2xx + connection errors + timeouts. */
  errors: number;
  xcache: Record<string, number>;
  byTag: Record<string, Stats>;
  all: Stats;
  slices: Slice[];
  /** RSS per role, one sample a second: [seconds since start, bytes]. */
  memory: Record<string, [number, number][]>;
  quota: QuotaOutcome | null;
  /** The first non-2xx answers (status, path, body), for diagnosis. */
  errorSamples: { status: number; path: string; body: string }[];
}

function header(headers: Record<string, string | string[]>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  return undefined;
}

/**
 * `wrangler dev` runs two workerd processes: the Worker's own, and a proxy Worker of
 * wrangler's in front of it (it listens on the API port; it is not deployed). The proxy
 * becomes role `workerd-proxy`, so the Worker's memory is read apart from it.
 */
export function labelWorkerd(tree: ProcInfo[], apiPort: number): ProcInfo[] {
  return tree.map((p) => (p.role === 'workerd' && listeningPorts(p.pid).includes(apiPort) ? { ...p, role: 'workerd-proxy' } : p));
}

/** RSS per role (several processes of a role add up), from /proc. */
export function rssByRole(tree: ProcInfo[], roles: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of tree) {
    if (!roles.includes(p.role)) continue;
    const m = memOf(p.pid);
    if (m) out[p.role] = (out[p.role] ?? 0) + m.rss;
  }
  return out;
}

async function runQuotaClient(baseUrl: string, q: QuotaClient, stopAt: () => boolean): Promise<QuotaOutcome> {
  const out: QuotaOutcome = {
    limit: q.limit,
    windowSeconds: q.windowSeconds,
    seconds: q.seconds,
    sent: 0,
    allowed: 0,
    throttled: 0,
    other: {},
  };
  const started = Date.now();
  const loop = async () => {
    while (!stopAt() && Date.now() - started < q.seconds * 1000) {
      const t = Date.now();
      out.sent++;
      try {
        const res = await fetch(`${baseUrl}${q.request.path}`, {
          method: q.request.method,
          headers: q.request.headers,
          body: q.request.body,
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        if (res.status === 200) out.allowed++;
        else if (res.status === 429) out.throttled++;
        else out.other[res.status] = (out.other[res.status] ?? 0) + 1;
      } catch (err) {
        const name = (err as Error).name;
        out.other[name] = (out.other[name] ?? 0) + 1;
      }
      const wait = q.intervalMs - (Date.now() - t);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  };
  await Promise.all(Array.from({ length: q.connections }, loop));
  return out;
}

export async function runSoak(opts: {
  baseUrl: string;
  connections: number;
  seconds: number;
  next: () => SoakRequest;
  /** The processes whose memory is sampled. */
  tree: () => ProcInfo[];
  roles: string[];
  sliceSeconds?: number;
  quota?: QuotaClient;
  /** Called every second with the elapsed seconds (progress lines). */
  onSecond?: (elapsed: number, done: number) => void;
}): Promise<SoakResult> {
  const sliceSeconds = opts.sliceSeconds ?? 10;
  const at: number[] = [];
  const lat: number[] = [];
  const ok: boolean[] = [];
  const tags: string[] = [];
  const statuses: Record<string, number> = {};
  const xcache: Record<string, number> = {};
  const memory: Record<string, [number, number][]> = {};
  const errorSamples: { status: number; path: string; body: string }[] = [];
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;

  let tree = opts.tree();
  const sample = () => {
    const t = elapsed();
    for (const [role, rss] of Object.entries(rssByRole(tree, opts.roles))) (memory[role] ??= []).push([t, rss]);
  };
  sample();
  let ticks = 0;
  const sampler = setInterval(() => {
    // The process list is re-read every 10 s (a restarted process would show here).
    if (++ticks % 10 === 0) tree = opts.tree();
    sample();
    opts.onSecond?.(elapsed(), at.length);
  }, 1000);

  let finished = false;
  const quota = opts.quota ? runQuotaClient(opts.baseUrl, opts.quota, () => finished) : null;
  let result: Result;
  try {
    result = await new Promise<Result>((resolve, reject) => {
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
                context.path = r.path;
                return { ...req, method: r.method, path: r.path, headers: r.headers ?? {}, body: r.body ?? '' };
              },
              onResponse: (status, body, context, headers) => {
                context.cache = header(headers, 'x-cache') ?? '-';
                if ((status < 200 || status >= 300) && errorSamples.length < 10)
                  errorSamples.push({ status, path: String(context.path), body: String(body).slice(0, 300) });
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
        at.push(elapsed());
        lat.push(ms);
        ok.push(statusCode >= 200 && statusCode < 300);
        tags.push(String(ctx.tag));
      });
      // Connection errors and timeouts: counted in their slice too.
      instance.on('reqError', (...args: unknown[]) => {
        const client = args[0] as { requestIterator: { context: Record<string, unknown> } };
        at.push(elapsed());
        lat.push(NaN);
        ok.push(false);
        tags.push(String(client.requestIterator.context.tag));
      });
    });
  } finally {
    finished = true;
    clearInterval(sampler);
  }
  sample();
  const seconds = elapsed();
  const quotaOutcome = quota ? await quota : null;

  const slices: Slice[] = [];
  for (let from = 0; from < seconds - 0.5; from += sliceSeconds) {
    const to = Math.min(from + sliceSeconds, seconds);
    const inSlice: number[] = [];
    let errors = 0;
    for (let i = 0; i < at.length; i++) {
      if (at[i] < from || at[i] >= to) continue;
      if (ok[i]) inSlice.push(lat[i]);
      else errors++;
    }
    const rss: Record<string, number> = {};
    for (const [role, samples] of Object.entries(memory)) {
      const within = samples.filter(([t]) => t >= from && t <= to).map(([, b]) => b);
      if (within.length) rss[role] = within.reduce((a, b) => a + b, 0) / within.length;
    }
    slices.push({
      from,
      to,
      requests: inSlice.length + errors,
      rps: (inSlice.length + errors) / (to - from),
      errors,
      latency: stats(inSlice),
      rss,
    });
  }
  const byTagValues = new Map<string, number[]>();
  lat.forEach((ms, i) => {
    if (!ok[i]) return;
    const list = byTagValues.get(tags[i]);
    if (list) list.push(ms);
    else byTagValues.set(tags[i], [ms]);
  });
  const byTag: Record<string, Stats> = {};
  for (const [tag, values] of byTagValues) byTag[tag] = stats(values);
  const non2xx = Object.entries(statuses)
    .filter(([s]) => !s.startsWith('2'))
    .reduce((a, [, n]) => a + n, 0);
  const status5xx = Object.entries(statuses)
    .filter(([s]) => s.startsWith('5'))
    .reduce((a, [, n]) => a + n, 0);
  const connectionErrors = result.errors - result.timeouts;
  return {
    connections: opts.connections,
    seconds,
    requests: ok.length,
    rps: ok.length / seconds,
    statuses,
    status5xx,
    connectionErrors,
    timeouts: result.timeouts,
    errors: non2xx + result.errors,
    xcache,
    byTag,
    all: stats(lat.filter((_, i) => ok[i])),
    slices,
    memory,
    quota: quotaOutcome,
    errorSamples,
  };
}

/** Memory growth per role: mean RSS of the last slice minus that of the first, bytes. */
export function memoryGrowth(r: SoakResult): Record<string, { first: number; last: number; growth: number; peak: number }> {
  const out: Record<string, { first: number; last: number; growth: number; peak: number }> = {};
  const first = r.slices[0]?.rss ?? {};
  const last = r.slices[r.slices.length - 1]?.rss ?? {};
  for (const role of Object.keys(first)) {
    if (last[role] === undefined) continue;
    const peak = Math.max(...(r.memory[role] ?? []).map(([, b]) => b));
    out[role] = { first: first[role], last: last[role], growth: last[role] - first[role], peak };
  }
  return out;
}
