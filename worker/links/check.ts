/**
 * The request path of dead-link filtering (§4.5): verdicts for the URLs of a search's
 * candidates from recorded statuses, plus at most one round of concurrent HEAD checks
 * per request, within a time budget. It fails open: whatever it cannot decide is live.
 */
import type { Logger } from '../middleware/logger.js';
import { eachLimited, fetchable, headStatus } from './head.js';
import { HEAD_TIMEOUT_MS, isLive, LINK_CHECK_DEFAULTS, UNCONFIRMED } from './liveness.js';
import { readStatuses, writeStatus, type RecordedStatus } from './status-store.js';

export interface LinkCheckOptions {
  /** Where statuses are recorded (SEARCH_CACHE); without it every check is a HEAD. */
  kv?: KVNamespace;
  allowPrivate: boolean;
  budgetMs?: number;
  concurrency?: number;
  maxPerRequest?: number;
  /** Keeps the status writes going after the response (`ExecutionContext.waitUntil`). */
  waitUntil: (promise: Promise<unknown>) => void;
  log: Logger;
  fetcher?: typeof fetch;
}

/** URL → true (live: keep) or false (dead: drop). */
export type Verdicts = Map<string, boolean>;

export interface LinkCheckStats {
  urls: number;
  recorded: number;
  checked: number;
  dead: number;
  /** No answer within the budget, or never reached: kept. */
  undecided: number;
  /** Not fetchable (private address, bad scheme): dropped without a request. */
  refused: number;
  kv_failed: boolean;
}

export class LinkChecker {
  readonly stats: LinkCheckStats = { urls: 0, recorded: 0, checked: 0, dead: 0, undecided: 0, refused: 0, kv_failed: false };
  /** Every URL asked about, in order: the window the background checker keeps warm. */
  readonly asked: string[] = [];
  private roundUsed = false;

  constructor(private readonly opts: LinkCheckOptions) {}

  /**
   * Verdicts for `urls`. The first call may send HEAD requests for URLs without a
   * recorded status; later calls (back-fill) use recorded statuses only, so a request
   * makes at most one round of checks.
   */
  async verdicts(urls: string[]): Promise<Verdicts> {
    const mayCheck = !this.roundUsed;
    this.roundUsed = true;
    const unique = [...new Set(urls)];
    this.asked.push(...unique);
    this.stats.urls += unique.length;
    try {
      const verdicts = await this.decide(unique, mayCheck);
      for (const live of verdicts.values()) if (!live) this.stats.dead++;
      return verdicts;
    } catch (err) {
      // A bug here must not fail the search: everything counts as live.
      this.opts.log.warn('link check failed; results kept', { error: (err as Error).message });
      return new Map(unique.map((url) => [url, true]));
    }
  }

  private async decide(urls: string[], mayCheck: boolean): Promise<Verdicts> {
    const verdicts: Verdicts = new Map();
    const safe: string[] = [];
    for (const url of urls) {
      if (fetchable(url, this.opts.allowPrivate)) safe.push(url);
      else {
        // Never fetched: the record's URL points where no visitor's browser could go.
        verdicts.set(url, false);
        this.stats.refused++;
      }
    }
    let recorded = new Map<string, RecordedStatus>();
    if (this.opts.kv && safe.length) {
      try {
        recorded = await readStatuses(this.opts.kv, safe);
      } catch (err) {
        // KV failing must not fail the search, nor turn into a burst of HEAD requests.
        this.opts.log.warn('link status read failed; results kept', { error: (err as Error).message });
        this.stats.kv_failed = true;
        for (const url of safe) verdicts.set(url, true);
        return verdicts;
      }
    }
    const unrecorded: string[] = [];
    for (const url of safe) {
      const status = recorded.get(url);
      if (status) {
        verdicts.set(url, isLive(status.status));
        this.stats.recorded++;
      } else {
        verdicts.set(url, true);
        unrecorded.push(url);
      }
    }
    const toCheck = mayCheck ? unrecorded.slice(0, this.opts.maxPerRequest ?? LINK_CHECK_DEFAULTS.maxPerRequest) : [];
    const decided = toCheck.length ? await this.round(toCheck, verdicts) : 0;
    this.stats.undecided += unrecorded.length - decided;
    return verdicts;
  }

  /** One round of HEAD checks; returns how many URLs got an answer. */
  private async round(urls: string[], verdicts: Verdicts): Promise<number> {
    const { kv, log } = this.opts;
    const deadline = AbortSignal.timeout(this.opts.budgetMs ?? LINK_CHECK_DEFAULTS.budgetMs);
    const writes: Promise<void>[] = [];
    let decided = 0;
    const check = async (url: string) => {
      const outcome = await headStatus(url, AbortSignal.any([deadline, AbortSignal.timeout(HEAD_TIMEOUT_MS)]), this.opts.fetcher);
      this.stats.checked++;
      // No answer within the budget: live for this request and not recorded, so a slow
      // host (or our own haste) never hides a result. The background checker, which can
      // wait the full 2 s, records real non-answers. A failed connection is live too.
      if ('failure' in outcome && outcome.failure === 'timeout') return;
      const status = 'status' in outcome ? outcome.status : UNCONFIRMED;
      decided++;
      verdicts.set(url, isLive(status));
      if (kv) writes.push(writeStatus(kv, url, status).catch((err: Error) => log.warn('link status write failed', { error: err.message })));
    };
    await eachLimited(urls, this.opts.concurrency ?? LINK_CHECK_DEFAULTS.concurrency, check, deadline);
    if (writes.length) this.opts.waitUntil(Promise.all(writes));
    return decided;
  }
}
