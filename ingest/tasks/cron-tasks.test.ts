/**
 * The Cron Trigger's work succeeds on both kinds of Postgres: the weekly cron starts the
 * image and audio refreshes at once in one task service, the hourly one both updates.
 * On embedded PGlite (one session behind many connections) they used to corrupt each
 * other's statements ("bind message supplies 1 parameters…", "0 rows loaded but 4991
 * documents indexed"). The Worker's own dispatcher posts the tasks.
 */
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/node-database.js';
import { dispatchCron } from '../../worker/scheduled.js';
import type { Logger } from '../../worker/middleware/logger.js';
import { loadDemoCatalog } from '../demo/load-demo.js';
import { createTaskService, type Task } from './service.js';

const SECRET = 'cron-test-secret-0123456789';
const WEEKLY = '0 3 * * 0';
const HOURLY = '0 * * * *';
const quiet: Logger = { info() {}, warn() {}, error() {} };
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function stackOn(database: TestDatabase, prefix: string) {
  const client = new pg.Client({ connectionString: database.url });
  client.on('error', () => {});
  await client.connect();
  await loadDemoCatalog(client, { schema: 'upstream', images: 240, audio: 60, mediaBaseUrl: 'http://127.0.0.1:9' });
  const service = createTaskService({
    config: {
      databaseUrl: database.url,
      upstreamUrl: database.url,
      upstreamSchema: 'upstream',
      meiliUrl: inject('meiliUrl'),
      meiliMasterKey: inject('meiliMasterKey'),
      indexPrefix: `${inject('indexPrefix')}${prefix}`,
    },
    secret: SECRET,
    log: () => {},
  });
  cleanups.push(async () => {
    await service.idle();
    await client.end();
    await database.drop();
  });
  const fire = async (cron: string): Promise<Task[]> => {
    const outcomes = await dispatchCron(cron, { INGEST_URL: 'http://ingest', INGEST_SECRET: SECRET }, quiet, ((
      url: string,
      init: RequestInit,
    ) => service.app.request(new URL(url).pathname, init)) as typeof fetch);
    expect(outcomes.map((o) => o.status)).toEqual([202, 202]);
    await service.idle();
    return outcomes.map((o) => service.tasks.get(o.detail)!);
  };
  return { client, fire };
}

describe.each([
  ['embedded PGlite', true, 'cronpglite_'],
  ['the test run’s Postgres', false, 'cronpg_'],
])('scheduled tasks on %s', (_kind, embedded, prefix) => {
  it('three weekly refreshes and three hourly updates, image and audio at once, all succeed', async () => {
    const { client, fire } = await stackOn(await createTestDatabase({ embedded }), prefix);
    const failed: string[] = [];
    for (const cron of [WEEKLY, HOURLY, WEEKLY, HOURLY, WEEKLY, HOURLY]) {
      // Something to apply each hour.
      await client.query(`update upstream.image set title = title || ' x', updated_on = now() where id % 7 = 0`);
      for (const task of await fire(cron)) {
        if (task.status !== 'succeeded') failed.push(`${cron} ${task.action} ${task.media_type}: ${task.error}`);
      }
    }
    expect(failed).toEqual([]);
    const { rows } = await client.query<{ media_type: string; generation: number }>(
      'select media_type, generation from search_generation order by 1',
    );
    expect(rows).toEqual([
      { media_type: 'audio', generation: 3 },
      { media_type: 'image', generation: 3 },
    ]);
  }, 240_000);
});
