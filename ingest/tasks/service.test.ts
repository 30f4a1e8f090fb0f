import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/node-database.js';
import type { IngestConfig } from '../config.js';
import { loadDemoCatalog } from '../demo/load-demo.js';
import { MeiliAdmin } from '../meili-admin.js';
import type { RefreshStats } from '../generations/refresh.js';
import { runTask } from './run-task.js';
import { createTaskService, type Task } from './service.js';
import { hasSharedData, sharedAudioFiles } from '../../test/shared-data.js';

const SECRET = 'test-secret-0123456789abcdef';
let database: TestDatabase;
let client: pg.Client;
let config: IngestConfig;
let service: ReturnType<typeof createTaskService>;
let meili: MeiliAdmin;
const logs: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await loadDemoCatalog(client, { schema: 'upstream', images: 200, audio: 40, mediaBaseUrl: 'http://127.0.0.1:9' });
  config = {
    databaseUrl: database.url,
    upstreamUrl: database.url,
    upstreamSchema: 'upstream',
    meiliUrl: inject('meiliUrl'),
    meiliMasterKey: inject('meiliMasterKey'),
    indexPrefix: `${inject('indexPrefix')}svc_`,
  };
  meili = new MeiliAdmin(config.meiliUrl, config.meiliMasterKey);
  service = createTaskService({ config, secret: SECRET, log: (line) => logs.push(JSON.stringify(line)) });
});

afterAll(async () => {
  await service?.idle();
  await client?.end();
  await database?.drop();
});

function call(path: string, init: RequestInit & { secret?: string | null } = {}) {
  const headers = new Headers(init.headers);
  if (init.secret !== null) headers.set('Authorization', `Bearer ${init.secret ?? SECRET}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  return service.app.request(path, { ...init, headers });
}

async function runToEnd(action: string, media_type = 'image'): Promise<Task> {
  const res = await call('/tasks', { method: 'POST', body: JSON.stringify({ action, media_type }) });
  expect(res.status, await res.clone().text()).toBe(202);
  const { task_id } = (await res.json()) as { task_id: string };
  for (;;) {
    const task = (await (await call(`/tasks/${task_id}`)).json()) as Task;
    if (task.status !== 'running') return task;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('task service', () => {
  it('needs the shared secret', async () => {
    const none = await call('/tasks', { secret: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await call('/tasks', { secret: 'wrong' })).status).toBe(403);
  });

  it('validates the request body', async () => {
    const bad = await call('/tasks', { method: 'POST', body: JSON.stringify({ action: 'explode', media_type: 'video' }) });
    expect(bad.status).toBe(400);
    expect(Object.keys(((await bad.json()) as { detail: object }).detail).sort()).toEqual(['action', 'media_type']);
    expect((await call('/tasks', { method: 'POST', body: '{"action":' })).status).toBe(400);
    expect((await call('/tasks', { method: 'POST', body: JSON.stringify({ pad: 'x'.repeat(20_000) }) })).status).toBe(413);
    expect((await call('/tasks/nope')).status).toBe(404);
  });

  it('runs a refresh to the end with progress, and refuses a second one meanwhile', async () => {
    const first = await call('/tasks', { method: 'POST', body: JSON.stringify({ action: 'refresh', media_type: 'image' }) });
    expect(first.status).toBe(202);
    const second = await call('/tasks', { method: 'POST', body: JSON.stringify({ action: 'refresh', media_type: 'image' }) });
    expect(second.status).toBe(409);
    const { task_id } = (await first.json()) as { task_id: string };
    await service.idle();
    const task = (await (await call(`/tasks/${task_id}`)).json()) as Task;
    expect(task).toMatchObject({ status: 'succeeded', progress_percent: 100, action: 'refresh', media_type: 'image' });
    expect(task.counts.read).toBe(200);
    expect(task.counts.indexed + task.counts.skipped).toBe(200);
    expect(await meili.documentCount(`${config.indexPrefix}images`)).toBe(task.counts.indexed);
  });

  it('applies upstream changes, removals and the deleted list in an update', async () => {
    const { rows } = await client.query<{ identifier: string }>(
      'select identifier::text from upstream.image where not removed_from_source order by id limit 3',
    );
    const [changed, removed, deleted] = rows.map((r) => r.identifier);
    await client.query(`update upstream.image set title = 'Freshly retitled zebra', updated_on = now() where identifier = $1`, [changed]);
    await client.query('update upstream.image set removed_from_source = true, updated_on = now() where identifier = $1', [removed]);
    await client.query(`update upstream.image set updated_on = now() where identifier = $1`, [deleted]);
    await client.query(`insert into deleted_media (media_type, identifier, reason) values ('image', $1, 'test')`, [deleted]);
    const task = await runToEnd('update');
    expect(task.status, task.error ?? '').toBe('succeeded');
    expect(task.result).toMatchObject({ indexed: 1, removed: 2 });
    const hit = await meili.search(`${config.indexPrefix}images`, { q: 'retitled zebra', limit: 1 });
    expect(hit.hits[0]?.id).toBe(changed);
    const gone = await client.query('select count(*)::int as n from image where identifier = any($1::uuid[])', [[removed, deleted]]);
    expect(gone.rows[0].n).toBe(0);
    const docs = await meili.search(`${config.indexPrefix}images`, { q: '', filter: `id IN ["${removed}", "${deleted}"]` });
    expect(docs.hits).toHaveLength(0);
  });

  it('rolls back to the previous generation and forward again', async () => {
    const before = await meili.documentCount(`${config.indexPrefix}images`);
    await client.query(`update upstream.image set removed_from_source = true where id % 10 = 1`);
    const second = await runToEnd('refresh');
    expect(second.status, second.error ?? '').toBe('succeeded');
    const after = await meili.documentCount(`${config.indexPrefix}images`);
    expect(after).toBeLessThan(before);
    const back = await runToEnd('rollback');
    expect(back.status, back.error ?? '').toBe('succeeded');
    expect(await meili.documentCount(`${config.indexPrefix}images`)).toBe(before);
    expect(Number((await client.query('select count(*) from image')).rows[0].count)).toBe(before);
    const forward = await runToEnd('rollback');
    expect(forward.status, forward.error ?? '').toBe('succeeded');
    expect(await meili.documentCount(`${config.indexPrefix}images`)).toBe(after);
  });

  it('never logs the secret', () => {
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(SECRET);
  });
});

describe.skipIf(!hasSharedData)('a refresh from a file', () => {
  it('with addFiles keeps the upstream catalog and adds the file’s rows; without, holds only the file', async () => {
    const file = sharedAudioFiles()[0];
    const upstream = Number((await client.query('select count(*) from upstream.audio where not removed_from_source')).rows[0].count);
    const added = (await runTask(config, 'refresh', 'audio', { files: [file], addFiles: true })) as RefreshStats;
    expect(added.read).toBe(upstream + 100);
    expect(await meili.documentCount(`${config.indexPrefix}audio`)).toBe(added.indexed);
    const only = (await runTask(config, 'refresh', 'audio', { files: [file] })) as RefreshStats;
    expect(only.read).toBe(100);
    expect(await meili.documentCount(`${config.indexPrefix}audio`)).toBe(only.indexed);
    expect(added.indexed - only.indexed).toBe(upstream);
  });
});
