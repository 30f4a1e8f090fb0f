/**
 * Cron Trigger dispatch: the Worker only asks the ingest task service to start work
 * (long jobs never run inside a Worker). Crons are declared in wrangler.toml.
 */
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
