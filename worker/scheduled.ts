/**
 * Cron Trigger dispatch: the Worker asks the ingest task service to start work (long
 * jobs never run inside a Worker); the one bounded job it runs itself is the background
 * link checker. Crons are declared in wrangler.toml.
 */
import { checkEnv } from './env.js';
import { prewarmLinks, type PrewarmStats } from './links/prewarm.js';
import type { Logger } from './middleware/logger.js';

/** Cron expression → ingest action. Keep in step with `[triggers]` in wrangler.toml. */
export const CRON_ACTIONS: Record<string, 'refresh' | 'update'> = {
  '0 3 * * 0': 'refresh', // weekly full refresh, Sunday 03:00 UTC
  '0 * * * *': 'update', // hourly incremental update
};

export interface DispatchConfig {
  INGEST_URL?: string;
  INGEST_SECRET?: string;
}

export interface DispatchOutcome {
  media_type: string;
  status: number | null;
  detail: string;
}

export async function dispatchCron(
  cron: string,
  config: DispatchConfig,
  log: Logger,
  fetcher: typeof fetch = fetch,
): Promise<DispatchOutcome[]> {
  const action = CRON_ACTIONS[cron];
  if (!action) {
    log.warn('unknown cron expression; nothing dispatched', { cron });
    return [];
  }
  if (!config.INGEST_URL || !config.INGEST_SECRET) {
    log.warn('INGEST_URL or INGEST_SECRET not set; scheduled ingest skipped', { cron, action });
    return [];
  }
  const outcomes: DispatchOutcome[] = [];
  for (const media_type of ['image', 'audio']) {
    try {
      const res = await fetcher(`${config.INGEST_URL.replace(/\/+$/, '')}/tasks`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${config.INGEST_SECRET}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ action, media_type }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json().catch(() => ({}))) as { task_id?: string; detail?: string };
      // 409: the previous run of this media type is still going; the next tick retries.
      const level = res.status === 202 || res.status === 409 ? 'info' : 'error';
      log[level]('scheduled ingest dispatched', { cron, action, media_type, status: res.status, task_id: body.task_id ?? null });
      outcomes.push({ media_type, status: res.status, detail: body.task_id ?? body.detail ?? '' });
    } catch (err) {
      log.error('scheduled ingest dispatch failed', { cron, action, media_type, error: (err as Error).message });
      outcomes.push({ media_type, status: null, detail: (err as Error).message });
    }
  }
  return outcomes;
}

/**
 * The background link checker's cron (every 15 minutes): keeps the link statuses of
 * popular searches recorded (worker/links/prewarm.ts). Keep in step with wrangler.toml.
 */
export const LINK_CHECK_CRON = '*/15 * * * *';

/** Runs the background link checker with the Worker's configuration; never throws. */
export async function checkLinksCron(env: Env, log: Logger, fetcher?: typeof fetch): Promise<PrewarmStats | null> {
  const kv = env.SEARCH_CACHE;
  if (!kv) {
    log.warn('SEARCH_CACHE not bound; link check skipped');
    return null;
  }
  try {
    const config = checkEnv(env);
    return await prewarmLinks(kv, {
      allowPrivate: config.ALLOW_PRIVATE_MEDIA === 'true',
      maxChecks: config.LINK_PREWARM_MAX_CHECKS,
      concurrency: config.LINK_CHECK_CONCURRENCY,
      log,
      fetcher,
    });
  } catch (err) {
    log.error('link check failed', { error: (err as Error).message });
    return null;
  }
}

/** The `scheduled()` entry: the link checker's cron, or an ingest action. */
export async function runScheduled(cron: string, env: Env, log: Logger): Promise<unknown> {
  if (cron === LINK_CHECK_CRON) return checkLinksCron(env, log);
  return dispatchCron(cron, env, log);
}
