/**
 * The background link checker (Cron Trigger): re-checks the watched URLs whose status is
 * missing or about to expire, so that popular searches find every status recorded and
 * send no HEAD request. Bounded: at most `maxChecks` HEAD requests a run (Workers limit
 * subrequests per invocation), `concurrency` at a time.
 *
 * Unlike the request path it can wait: it gives a host the reference's 2 s and records
 * a non-answer or a failed connection as −1 (dead, re-checked after 30 minutes), as §4.5.
 */
import type { Logger } from '../middleware/logger.js';
import { eachLimited, fetchable, headStatus } from './head.js';
import { dueForRecheck, HEAD_TIMEOUT_MS, isLive, LINK_CHECK_DEFAULTS, NO_ANSWER } from './liveness.js';
import { readStatuses, writeStatus } from './status-store.js';
import { watchedUrls } from './watch.js';

/** Watched URLs considered per run: keeps the run's KV reads well under the per-invocation limit. */
export const MAX_PREWARM_URLS = 5000;

export interface PrewarmOptions {
  allowPrivate: boolean;
  maxChecks?: number;
  concurrency?: number;
  log: Logger;
  fetcher?: typeof fetch;
  now?: number;
}

export interface PrewarmStats {
  watched: number;
  due: number;
  checked: number;
  live: number;
  dead: number;
  /** Watched URLs that are not fetchable (private addresses): never requested. */
  refused: number;
}

export async function prewarmLinks(kv: KVNamespace, opts: PrewarmOptions): Promise<PrewarmStats> {
  const now = opts.now ?? Date.now();
  const watched = (await watchedUrls(kv)).slice(0, MAX_PREWARM_URLS);
  const safe = watched.filter((url) => fetchable(url, opts.allowPrivate));
  const recorded = await readStatuses(kv, safe);
  // Missing statuses first (each would cost a search a HEAD), then the soonest to expire.
  const due = safe
    .filter((url) => {
      const r = recorded.get(url);
      return !r || dueForRecheck(r.status, r.expires, now / 1000);
    })
    .sort((a, b) => (recorded.get(a)?.expires ?? 0) - (recorded.get(b)?.expires ?? 0));
  const stats: PrewarmStats = {
    watched: watched.length,
    due: due.length,
    checked: 0,
    live: 0,
    dead: 0,
    refused: watched.length - safe.length,
  };
  const batch = due.slice(0, opts.maxChecks ?? LINK_CHECK_DEFAULTS.prewarmMaxChecks);
  await eachLimited(batch, opts.concurrency ?? LINK_CHECK_DEFAULTS.concurrency, async (url) => {
    const outcome = await headStatus(url, AbortSignal.timeout(HEAD_TIMEOUT_MS), opts.fetcher);
    const status = 'status' in outcome ? outcome.status : NO_ANSWER;
    stats.checked++;
    stats[isLive(status) ? 'live' : 'dead']++;
    await writeStatus(kv, url, status, now).catch((err: Error) => opts.log.warn('link status write failed', { error: err.message }));
  });
  opts.log.info('link prewarm done', { ...stats });
  return stats;
}
