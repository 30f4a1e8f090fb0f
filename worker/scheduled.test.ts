import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from './index.js';
import { createLogger } from './middleware/logger.js';
import { CRON_ACTIONS, dispatchCron } from './scheduled.js';

const log = createLogger({ test: 'scheduled' });

/** Records what would be sent to the task service and answers like it (pure unit). */
function recorder(status = 202) {
  const calls: { url: string; auth: string | null; body: unknown }[] = [];
  const fetcher = (async (url: string, init: RequestInit) => {
    calls.push({ url, auth: new Headers(init.headers).get('authorization'), body: JSON.parse(String(init.body)) });
    return Response.json({ task_id: 'abc' }, { status });
  }) as unknown as typeof fetch;
  return { calls, fetcher };
}

describe('dispatchCron', () => {
  it('asks the task service for a weekly refresh of both media types', async () => {
    const { calls, fetcher } = recorder();
    const out = await dispatchCron(
      '0 3 * * 0',
      { INGEST_URL: 'http://ingest.internal/', INGEST_SECRET: 's3cret-s3cret-s3cret' },
      log,
      fetcher,
    );
    expect(calls).toEqual([
      { url: 'http://ingest.internal/tasks', auth: 'Bearer s3cret-s3cret-s3cret', body: { action: 'refresh', media_type: 'image' } },
      { url: 'http://ingest.internal/tasks', auth: 'Bearer s3cret-s3cret-s3cret', body: { action: 'refresh', media_type: 'audio' } },
    ]);
    expect(out.map((o) => o.status)).toEqual([202, 202]);
  });

  it('maps the hourly cron to an incremental update and tolerates a busy service', async () => {
    const { calls, fetcher } = recorder(409);
    const out = await dispatchCron('0 * * * *', { INGEST_URL: 'http://ingest.internal', INGEST_SECRET: 'x'.repeat(20) }, log, fetcher);
    expect(calls.map((c) => c.body)).toEqual([
      { action: 'update', media_type: 'image' },
      { action: 'update', media_type: 'audio' },
    ]);
    expect(out.map((o) => o.status)).toEqual([409, 409]);
  });

  it('does nothing for an unknown cron or without configuration', async () => {
    const { calls, fetcher } = recorder();
    expect(await dispatchCron('*/5 * * * *', { INGEST_URL: 'http://x', INGEST_SECRET: 'y' }, log, fetcher)).toEqual([]);
    expect(await dispatchCron('0 3 * * 0', {}, log, fetcher)).toEqual([]);
    expect(calls).toHaveLength(0);
  });

  it('declares every dispatched cron', () => {
    expect(Object.keys(CRON_ACTIONS).sort()).toEqual(['0 * * * *', '0 3 * * 0']);
  });
});

describe('scheduled()', () => {
  it('runs inside workerd and reports an unreachable service without throwing', async () => {
    const controller = createScheduledController({ scheduledTime: new Date(Date.UTC(2026, 0, 4, 3)), cron: '0 3 * * 0' });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, { ...env, INGEST_URL: 'http://127.0.0.1:9', INGEST_SECRET: 'x'.repeat(20) }, ctx);
    await waitOnExecutionContext(ctx);
  });
});
