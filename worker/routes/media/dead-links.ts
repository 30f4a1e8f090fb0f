/**
 * Dead-link filtering for the search-like routes: the request's link checker, built
 * from the configuration, and, once a popular query has been searched, its candidate
 * window on the background checker's watch list.
 */
import type { Context } from 'hono';
import { LinkChecker } from '../../links/check.js';
import { sightSearch, watchWindow } from '../../links/watch.js';
import type { AppEnv } from '../../types.js';

export interface DeadLinkFilter {
  links?: LinkChecker;
  /** Call after the search: logs what the checks cost, and watches a popular query. */
  done(): void;
}

/** `queryKey` names the search (media type, route, parameters); `enabled` is `filter_dead`. */
export function deadLinkFilter(c: Context<AppEnv>, queryKey: string, enabled: boolean): DeadLinkFilter {
  if (!enabled) return { done: () => {} };
  // Every request counts, answered from the cache or not: popularity is about demand.
  const popular = sightSearch(queryKey);
  const config = c.get('config');
  const log = c.get('log');
  const kv = c.env.SEARCH_CACHE;
  const waitUntil = (promise: Promise<unknown>) => {
    try {
      c.executionCtx.waitUntil(promise);
    } catch {
      // No execution context (a direct app call): the promise simply runs on.
    }
  };
  const links = new LinkChecker({
    kv,
    allowPrivate: config.ALLOW_PRIVATE_MEDIA === 'true',
    budgetMs: config.LINK_CHECK_BUDGET_MS,
    concurrency: config.LINK_CHECK_CONCURRENCY,
    maxPerRequest: config.LINK_CHECK_MAX_PER_REQUEST,
    waitUntil,
    log,
  });
  return {
    links,
    done() {
      if (links.stats.checked > 0 || links.stats.kv_failed) log.info('link checks', { ...links.stats });
      if (popular && kv && links.asked.length) {
        waitUntil(
          watchWindow(kv, queryKey, links.asked).catch((err: Error) => log.warn('link watch write failed', { error: err.message })),
        );
      }
    },
  };
}
