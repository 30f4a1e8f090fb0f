/**
 * The ingest task service: the Worker's Cron Trigger (or an operator) starts refreshes,
 * incremental updates and rollbacks here; tasks run in this process, one at a time per
 * media type. Every call needs the shared secret.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { MEDIA_TYPES, type MediaType } from '../../model/record.js';
import type { IngestConfig } from '../config.js';
import type { ShardPush } from '../shards/pushers.js';
import type { Progress } from './progress.js';
import { TASK_ACTIONS, runTask, type TaskAction, type TaskResult } from './run-task.js';

export type TaskStatus = 'running' | 'succeeded' | 'failed';

export interface Task {
  task_id: string;
  action: TaskAction;
  media_type: MediaType;
  status: TaskStatus;
  progress_percent: number;
  counts: { total: number; read: number; indexed: number; skipped: number };
  /** On a Meilisearch network: each shard's push (documents routed, indexed). */
  shards?: ShardPush[];
  rate: number;
  eta_seconds: number | null;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  result: TaskResult | null;
}

const TaskRequestSchema = z.object({
  action: z.enum(TASK_ACTIONS),
  media_type: z.enum(MEDIA_TYPES),
});

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export interface TaskServiceOptions {
  config: IngestConfig;
  secret: string;
  /** The task runner; tests and the service use the real one. */
  run?: typeof runTask;
  log?: (line: Record<string, unknown>) => void;
}

export function createTaskService(opts: TaskServiceOptions) {
  const tasks = new Map<string, Task>();
  const running = new Map<MediaType, string>();
  const run = opts.run ?? runTask;
  const log = opts.log ?? ((line) => console.log(JSON.stringify(line)));
  const expected = digest(opts.secret);
  const app = new Hono();

  app.use('*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) {
      c.header('WWW-Authenticate', 'Bearer realm="ingest"');
      return c.json({ detail: 'Authentication required: send `Authorization: Bearer <INGEST_SECRET>`.' }, 401);
    }
    // Compared as digests so length differences take the same time.
    if (!timingSafeEqual(digest(token), expected)) return c.json({ detail: 'Invalid ingest secret.' }, 403);
    await next();
  });

  app.post(
    '/tasks',
    bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.json({ detail: 'Request body too large (16 KiB at most).' }, 413) }),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ detail: 'Send a JSON body: {"action": "refresh|update|rollback", "media_type": "image|audio"}.' }, 400);
      }
      const parsed = TaskRequestSchema.safeParse(body);
      if (!parsed.success) {
        const fields: Record<string, string[]> = {};
        for (const issue of parsed.error.issues) (fields[String(issue.path[0] ?? 'non_field_errors')] ??= []).push(issue.message);
        return c.json({ detail: fields }, 400);
      }
      const { action, media_type } = parsed.data;
      const busy = running.get(media_type);
      if (busy) {
        const other = tasks.get(busy)!.action;
        const article = /^[aeiou]/.test(other) ? 'An' : 'A';
        return c.json(
          { detail: `${article} ${other} of ${media_type} is running (task ${busy}); try again when it ends.`, task_id: busy },
          409,
        );
      }
      const task: Task = {
        task_id: randomUUID().replace(/-/g, ''),
        action,
        media_type,
        status: 'running',
        progress_percent: 0,
        counts: { total: 0, read: 0, indexed: 0, skipped: 0 },
        rate: 0,
        eta_seconds: null,
        started_at: new Date().toISOString(),
        finished_at: null,
        error: null,
        result: null,
      };
      tasks.set(task.task_id, task);
      running.set(media_type, task.task_id);
      log({ level: 'info', msg: 'task started', task_id: task.task_id, action, media_type });
      const onProgress = (p: Progress) => {
        task.counts = { total: p.total, read: p.read, indexed: p.indexed, skipped: p.skipped };
        if (p.shards) task.shards = p.shards;
        task.rate = Math.round(p.rate);
        task.eta_seconds = p.etaSeconds === null ? null : Math.round(p.etaSeconds);
        task.progress_percent = p.phase === 'done' ? 100 : p.total ? Math.min(99, Math.floor((100 * p.read) / p.total)) : 0;
      };
      void run(opts.config, action, media_type, { onProgress })
        .then((result) => {
          task.status = 'succeeded';
          task.result = result;
          task.progress_percent = 100;
          log({ level: 'info', msg: 'task succeeded', task_id: task.task_id, action, media_type });
        })
        .catch((err: Error) => {
          task.status = 'failed';
          task.error = err.message;
          log({ level: 'error', msg: 'task failed', task_id: task.task_id, action, media_type, error: err.message });
        })
        .finally(() => {
          task.finished_at = new Date().toISOString();
          running.delete(media_type);
        });
      return c.json({ task_id: task.task_id, status: task.status, status_url: `/tasks/${task.task_id}` }, 202);
    },
  );

  app.get('/tasks', (c) => c.json([...tasks.values()]));

  app.get('/tasks/:id', (c) => {
    const task = tasks.get(c.req.param('id'));
    return task ? c.json(task) : c.json({ detail: `No task with id ${c.req.param('id')}.` }, 404);
  });

  app.notFound((c) => c.json({ detail: 'Not found.' }, 404));
  app.onError((err, c) => {
    log({ level: 'error', msg: 'unhandled error', error: err.message });
    return c.json({ detail: 'Internal error.' }, 500);
  });

  /** Resolves when no task is running (for a graceful stop). */
  async function idle(): Promise<void> {
    while (running.size) await new Promise((r) => setTimeout(r, 200));
  }

  return { app, tasks, idle };
}
