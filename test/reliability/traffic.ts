/**
 * Steady mixed traffic for fault tests: a few concurrent loops sending cached searches,
 * never-seen searches, detail requests and report POSTs, every answer recorded with its
 * start time, latency, status, X-Cache and whether the body was JSON. Phases are marked
 * by name so a test can state what each phase must look like.
 */

export type Kind = 'cached' | 'uncached' | 'detail' | 'report';

export interface Outcome {
  kind: Kind;
  path: string;
  /** The phase the request started in. */
  phase: string;
  /** The phase it was answered in (a request can straddle a fault). */
  endPhase: string;
  /** ms since the traffic started. */
  start: number;
  ms: number;
  /** HTTP status, or 0 for a network error. */
  status: number;
  xcache: string | null;
  json: boolean;
  body: string;
  /** The report's unique description (report requests only). */
  marker?: string;
}

export interface TrafficOptions {
  baseUrl: string;
  concurrency: number;
  cachedPaths: string[];
  /** A new search path the Worker has not seen (called for every uncached request). */
  uncachedPath: () => string;
  imageIds: string[];
  /** Unique per run: report descriptions start with it. */
  runId: string;
  /** One request in `reportEvery` is a report POST (default 10). */
  reportEvery?: number;
}

const SCHEDULE: Kind[] = ['cached', 'uncached', 'detail', 'cached', 'uncached', 'detail', 'cached', 'uncached', 'detail'];

export class Traffic {
  readonly outcomes: Outcome[] = [];
  private phase = 'start';
  /** When each phase began (ms since start). */
  readonly marks: { name: string; at: number }[] = [{ name: 'start', at: 0 }];
  private running = false;
  private loops: Promise<void>[] = [];
  private n = 0;
  private reports = 0;
  private readonly t0 = performance.now();

  constructor(private readonly opts: TrafficOptions) {}

  now(): number {
    return performance.now() - this.t0;
  }

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.opts.concurrency }, () => this.loop());
  }

  /** Requests started from now on belong to `name`. */
  mark(name: string): void {
    this.phase = name;
    this.marks.push({ name, at: this.now() });
  }

  /** When `phase` began and ended (ms since start; the end is Infinity while it lasts). */
  span(phase: string): { from: number; to: number } {
    const i = this.marks.findIndex((m) => m.name === phase);
    if (i < 0) throw new Error(`no phase ${phase}`);
    return { from: this.marks[i].at, to: this.marks[i + 1]?.at ?? Infinity };
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Outcomes of requests started and answered within `phase`. */
  of(phase: string): Outcome[] {
    return this.outcomes.filter((o) => o.phase === phase && o.endPhase === phase);
  }

  private next(): { kind: Kind; path: string; init: RequestInit; marker?: string } {
    const i = this.n++;
    const every = this.opts.reportEvery ?? 10;
    const id = this.opts.imageIds[i % this.opts.imageIds.length];
    if (i % every === every - 1) {
      const marker = `${this.opts.runId} report ${++this.reports}: filed during ${this.phase}`;
      return {
        kind: 'report',
        path: `/v1/images/${id}/report/`,
        marker,
        init: {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ reason: 'other', description: marker }),
        },
      };
    }
    const kind = SCHEDULE[i % SCHEDULE.length];
    if (kind === 'cached') return { kind, path: this.opts.cachedPaths[i % this.opts.cachedPaths.length], init: {} };
    if (kind === 'uncached') return { kind, path: this.opts.uncachedPath(), init: {} };
    return { kind: 'detail', path: `/v1/images/${id}/`, init: {} };
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const { kind, path, init, marker } = this.next();
      const phase = this.phase;
      const start = this.now();
      let status = 0;
      let xcache: string | null = null;
      let json = false;
      let body = '';
      try {
        const res = await fetch(`${this.opts.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
        status = res.status;
        xcache = res.headers.get('x-cache');
        body = await res.text();
        json = (res.headers.get('content-type') ?? '').includes('application/json') && isJson(body);
      } catch (err) {
        body = `${(err as Error).name}: ${(err as Error).message}`;
      }
      this.outcomes.push({
        kind,
        path,
        phase,
        endPhase: this.phase,
        start,
        ms: this.now() - start,
        status,
        xcache,
        json,
        body: body.slice(0, 300),
        marker,
      });
    }
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `{kind: {status[/X-Cache]: count}}` for a failure message or a report line. */
export function summarize(outcomes: Outcome[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const o of outcomes) {
    const key = `${o.status}${o.xcache ? `/${o.xcache}` : ''}`;
    (out[o.kind] ??= {})[key] = (out[o.kind][key] ?? 0) + 1;
  }
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 200 ms until it is true; throws after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return Date.now() - started;
    await sleep(200);
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}
