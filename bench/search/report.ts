/**
 * Tables and verdicts of the search benchmark, as Markdown (printed and appended to
 * bench/RESULTS.md).
 */
import { TAGS, TAG_INFO } from '../../harness/queries.js';
import { stats, type PhaseResult, type Stats } from '../../harness/load/phase.js';

export interface Level {
  connections: number;
  raw: PhaseResult;
  uncached: PhaseResult;
  /** Worker uncached straight to the user Worker's workerd (no wrangler proxy hop). */
  direct: PhaseResult | null;
  /** The Worker's app code served by Node (no workerd, no DO, no local KV). */
  nodeApp: PhaseResult;
  cached: PhaseResult;
  /** The deployable bundle in bare workerd (bare-workerd.ts): uncached and cached. */
  bare: PhaseResult | null;
  bareCached: PhaseResult | null;
  related: PhaseResult;
  detail: PhaseResult;
  /** Raw latencies of exactly the cached set's queries, from the raw phase. */
  rawOfCachedSet: Stats;
}

export interface Probe {
  connections: number;
  /** Before the load (lowest level) or after it (highest level). */
  when: 'early' | 'end';
  /** About how many requests the rate limiter had counted for this client before the limited probe. */
  limiterLogged: number;
  meiliHealth: PhaseResult;
  workerNoop: PhaseResult;
  workerNoopLimited: PhaseResult;
  directNoop: PhaseResult | null;
  /** GET /nope/ and the limited 400 in bare workerd. */
  bareNoop: PhaseResult | null;
  bareLimited: PhaseResult | null;
}

const f = (ms: number) => (Number.isFinite(ms) ? (ms < 10 ? ms.toFixed(2) : ms.toFixed(1)) : 'n/a');
const r = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  const align = head.map((_, i) => (i === 0 ? '---' : '---:'));
  return [line(head), line(align), ...rows.map(line)].join('\n');
}

export interface Verdict {
  connections: number;
  name: string;
  actual: number;
  limit: number;
  met: boolean;
  text: string;
}

export function verdicts(levels: Level[]): Verdict[] {
  const out: Verdict[] = [];
  for (const l of levels) {
    const raw = l.raw.all;
    const push = (name: string, actual: number, limit: number, rule: string, strict = false) => {
      const met = strict ? actual < limit : actual <= limit;
      out.push({
        connections: l.connections,
        name,
        actual,
        limit,
        met,
        text: `${name}: ${f(actual)} ms vs limit ${f(limit)} ms (${rule}) — ${met ? `met, ${f(limit - actual)} ms to spare` : `MISSED by ${f(actual - limit)} ms (${ratio(actual, limit)} the limit)`}`,
      });
    };
    const targets = (label: string, uncached: PhaseResult, cached: PhaseResult | null) => {
      push(`${label} uncached p50`, uncached.all.p50, 1.3 * raw.p50 + 3, `1.3 × raw p50 ${f(raw.p50)} + 3`);
      push(`${label} uncached p95`, uncached.all.p95, 1.5 * raw.p95 + 5, `1.5 × raw p95 ${f(raw.p95)} + 5`);
      if (cached) push(`${label} cached p50`, cached.all.p50, 0.5 * raw.p50, `0.5 × raw p50 ${f(raw.p50)}, strictly below`, true);
    };
    if (l.bare) targets('Worker in workerd', l.bare, l.bareCached);
    targets('(through wrangler dev) Worker', l.uncached, l.cached);
    for (const [label, x] of [
      ['direct to its workerd', l.direct],
      ['Worker code on Node', l.nodeApp],
    ] as const) {
      if (!x) continue;
      push(`(${label}) uncached p50`, x.all.p50, 1.3 * raw.p50 + 3, 'same rule');
      push(`(${label}) uncached p95`, x.all.p95, 1.5 * raw.p95 + 5, 'same rule');
    }
  }
  return out;
}

export function headlineTable(levels: Level[]): string {
  const rows: (string | number)[][] = [];
  for (const l of levels) {
    for (const [mode, p] of [
      ['raw Meilisearch', l.raw],
      ['Worker in workerd, uncached', l.bare],
      ['Worker in workerd, cached', l.bareCached],
      ['Worker uncached (wrangler dev)', l.uncached],
      ['Worker cached (wrangler dev)', l.cached],
      ['Worker uncached, direct to its workerd', l.direct],
      ['Worker code on Node, uncached', l.nodeApp],
    ] as const) {
      if (!p) continue;
      const x = Object.entries(p.xcache)
        .filter(([k]) => k !== '-')
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      rows.push([
        l.connections,
        mode,
        r(p.rps),
        f(p.all.p50),
        f(p.all.p95),
        f(p.all.p99),
        p.all.n,
        p.errors,
        x || '—',
        mode === 'raw Meilisearch' ? '' : `${ratio(p.all.p50, l.raw.all.p50)} / ${ratio(p.all.p95, l.raw.all.p95)}`,
      ]);
    }
  }
  return table(['conns', 'search mix', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'requests', 'errors', 'X-Cache', 'p50 / p95 vs raw'], rows);
}

export function workloadTable(l: Level): string {
  const rows: (string | number)[][] = [];
  for (const tag of TAGS) {
    const raw = l.raw.byTag[tag];
    const un = l.uncached.byTag[tag];
    if (!raw || !un) continue;
    rows.push([
      tag,
      r(raw.n / l.raw.seconds),
      `${f(raw.p50)} / ${f(raw.p95)} / ${f(raw.p99)}`,
      r(un.n / l.uncached.seconds),
      `${f(un.p50)} / ${f(un.p95)} / ${f(un.p99)}`,
      ratio(un.p50, raw.p50),
      f(un.p50 - raw.p50),
    ]);
  }
  return table(
    [
      'workload',
      'raw req/s',
      'raw p50 / p95 / p99 ms',
      'Worker req/s',
      'Worker uncached p50 / p95 / p99 ms',
      'p50 ratio',
      'p50 overhead ms',
    ],
    rows,
  );
}

export function cachedSubsetLine(l: Level): string {
  const c = l.cached.all;
  const raw = l.rawOfCachedSet;
  return `cached set (${Object.keys(l.cached.byTag).length} workloads): Worker cached p50 ${f(c.p50)} ms vs the same queries raw p50 ${f(raw.p50)} ms (${ratio(c.p50, raw.p50)}), p95 ${f(c.p95)} vs ${f(raw.p95)} ms`;
}

export function routeTable(levels: Level[]): string {
  const rows: (string | number)[][] = [];
  for (const l of levels) {
    for (const [name, p] of [
      ['related (uncached)', l.related],
      ['detail (Postgres)', l.detail],
    ] as const) {
      const x = Object.entries(p.xcache)
        .filter(([k]) => k !== '-')
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      rows.push([l.connections, name, r(p.rps), f(p.all.p50), f(p.all.p95), f(p.all.p99), p.all.n, p.errors, x || '—']);
    }
  }
  return table(['conns', 'route', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'requests', 'errors', 'X-Cache'], rows);
}

/**
 * A request the rate limiter counts and the route then refuses (400) without any search:
 * a 404 is not counted (the limiter applies to routes that exist).
 */
export const LIMITED_NOOP = '/v1/images/?page_size=0';

export function probeTable(probes: Probe[], late: { connections: number; logged: number; p: PhaseResult } | null): string {
  const rows: (string | number)[][] = [];
  for (const p of probes) {
    for (const [name, x] of [
      ['Meilisearch health check', p.meiliHealth],
      ['Worker GET /nope/ (404, no rate limiter)', p.workerNoop],
      [`Worker GET ${LIMITED_NOOP} (400 after the rate limiter)`, p.workerNoopLimited],
      ['Worker GET /nope/ direct to its workerd', p.directNoop],
      ['Worker in bare workerd GET /nope/', p.bareNoop],
      [`Worker in bare workerd GET ${LIMITED_NOOP}`, p.bareLimited],
    ] as const) {
      if (!x) continue;
      const label = x === p.workerNoopLimited ? `${name}, ≈${p.limiterLogged.toLocaleString('en')} requests counted before` : name;
      rows.push([
        `${p.connections} (${p.when === 'early' ? 'before the load' : 'after it'})`,
        label,
        r(x.rps),
        f(x.all.p50),
        f(x.all.p95),
        f(x.all.p99),
        x.errors,
      ]);
    }
  }
  if (late) {
    const x = late.p;
    rows.push([
      `${late.connections} (after the load)`,
      `Worker GET ${LIMITED_NOOP}, ≈${late.logged.toLocaleString('en')} requests counted before`,
      r(x.rps),
      f(x.all.p50),
      f(x.all.p95),
      f(x.all.p99),
      x.errors,
    ]);
  }
  return table(['conns', 'no-op request', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'], rows);
}

const ROLES = ['meilisearch', 'workerd', 'wrangler', 'bareworkerd', 'stack', 'nodeapp', 'loadgen'];

export function cpuTable(phases: PhaseResult[]): string {
  const rows = phases.map((p) => [
    `${p.name} c=${p.connections}`,
    ...ROLES.map((role) => (p.count ? ((1000 * (p.cpu[role] ?? 0)) / p.count).toFixed(2) : 'n/a')),
    (Object.values(p.cpu).reduce((a, b) => a + b, 0) / p.seconds).toFixed(2),
    p.othersCpu.toFixed(2),
  ]);
  return table(['phase', ...ROLES.map((x) => `${x} ms/req`), 'CPUs used by the benchmark', 'CPUs used by other processes'], rows);
}

export function mergeStats(values: number[][]): Stats {
  return stats(values.flat());
}

export function workloadLegend(): string {
  return TAGS.map((t) => `\`${t}\` ${TAG_INFO[t]}`).join('; ');
}

export { f as fmtMs };

/**
 * Where the Worker's time goes at p50, from differences between measured phases at the
 * same concurrency (medians do not add exactly; this is an estimate, in ms).
 */
export function overheadBreakdown(l: Level, p: Probe | undefined): string[] {
  const out: string[] = [];
  const raw = l.raw.all;
  const over = l.uncached.all.p50 - raw.p50;
  out.push(
    `c=${l.connections}: Worker uncached (through wrangler dev) − raw = ${f(over)} ms at p50 (${f(l.uncached.all.p95 - raw.p95)} ms at p95)`,
  );
  if (l.direct) {
    const direct = l.direct.all.p50 - raw.p50;
    out.push(
      `  - wrangler dev's proxy hop (uncached through wrangler − uncached direct to the Worker's workerd): ${f(l.uncached.all.p50 - l.direct.all.p50)} ms`,
    );
    out.push(`  - the Worker in its own workerd (direct − raw): ${f(direct)} ms, of which:`);
    let rest = direct;
    if (p?.directNoop) {
      const floor = p.directNoop.all.p50 - p.meiliHealth.all.p50;
      rest -= floor;
      out.push(
        `    - workerd's per-request floor (direct GET /nope/: entry, Hono middleware, request log, 404 − Meilisearch /health): ${f(floor)} ms`,
      );
    }
    if (p) {
      const limiter = p.workerNoopLimited.all.p50 - p.workerNoop.all.p50;
      rest -= limiter;
      out.push(`    - the rate limiter (leased) and a validation error (${LIMITED_NOOP} − /nope/): ${f(limiter)} ms`);
    }
    const code = l.nodeApp.all.p50 - raw.p50;
    rest -= code;
    out.push(
      `    - the Worker's own code for a search (the same app on Node − raw: validation, cache key, result mapping, JSON, ETag): ${f(code)} ms`,
    );
    out.push(
      `    - the rest (miniflare's KV lookup that misses, workerd's outbound fetch and JSON parsing vs Node's, noise): ${f(rest)} ms`,
    );
  } else {
    out.push(`  - the Worker's own code for a search (the same app on Node − raw): ${f(l.nodeApp.all.p50 - raw.p50)} ms`);
  }
  const cpu = (x: PhaseResult | null | undefined, role: string) => (x?.count ? (1000 * (x.cpu[role] ?? 0)) / x.count : NaN);
  const both = (x: PhaseResult | null | undefined) => f(cpu(x, 'workerd') + cpu(x, 'wrangler'));
  out.push(
    `  - CPU ms per request, workerd + wrangler: search ${both(l.uncached)} (direct ${both(l.direct)}), cached ${both(l.cached)}${p ? `, limited 400 ${both(p.workerNoopLimited)}, direct /nope/ ${both(p.directNoop)}` : ''}; in bare workerd: search ${f(cpu(l.bare, 'bareworkerd'))}, cached ${f(cpu(l.bareCached, 'bareworkerd'))}; the same search code on Node ${f(cpu(l.nodeApp, 'nodeapp'))}; Meilisearch ${f(cpu(l.raw, 'meilisearch'))} raw`,
  );
  return out;
}
