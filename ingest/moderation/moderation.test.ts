import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/node-database.js';
import type { IngestConfig } from '../config.js';
import { loadDemoCatalog } from '../demo/load-demo.js';
import { lockChangeLog } from '../generations/changes.js';
import { MeiliAdmin } from '../meili-admin.js';
import { listReports, resolveReport } from './moderation.js';
import { runTask } from '../tasks/run-task.js';

let database: TestDatabase;
let client: pg.Client;
let config: IngestConfig;
let meili: MeiliAdmin;
let ids: string[];

async function report(identifier: string, reason: string, description: string | null = null): Promise<number> {
  const { rows } = await client.query<{ id: number }>(
    `insert into content_report (media_type, identifier, reason, description) values ('image', $1, $2, $3) returning id`,
    [identifier, reason, description],
  );
  return rows[0].id;
}

async function doc(identifier: string) {
  const { hits } = await meili.search(`${config.indexPrefix}images`, { q: '', filter: `id = "${identifier}"` });
  return hits[0] as { mature: boolean } | undefined;
}

beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await loadDemoCatalog(client, { schema: 'upstream', images: 150, audio: 10, mediaBaseUrl: 'http://127.0.0.1:9' });
  config = {
    databaseUrl: database.url,
    upstreamUrl: database.url,
    upstreamSchema: 'upstream',
    meiliUrl: inject('meiliUrl'),
    meiliMasterKey: inject('meiliMasterKey'),
    indexPrefix: `${inject('indexPrefix')}mod_`,
  };
  meili = new MeiliAdmin(config.meiliUrl, config.meiliMasterKey);
  await runTask(config, 'refresh', 'image');
  ids = (
    await client.query<{ identifier: string }>('select identifier::text from image where not mature order by identifier limit 3')
  ).rows.map((r) => r.identifier);
}, 120_000);

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

describe('moderation', () => {
  it('marks a work sensitive at once, with the pending reports of the same reason', async () => {
    const [id] = ids;
    const first = await report(id, 'mature');
    await report(id, 'mature', 'again');
    const dmca = await report(id, 'dmca');
    expect((await listReports(client)).map((r) => r.id)).toContain(first);
    const result = await resolveReport(client, meili, config, first, 'sensitive');
    expect(result).toMatchObject({ status: 'mature_filtered', resolved: 2 });
    expect((await doc(id))?.mature).toBe(true);
    expect((await client.query('select mature from image where identifier = $1', [id])).rows[0].mature).toBe(true);
    expect((await client.query('select status from content_report where id = $1', [dmca])).rows[0].status).toBe('pending_review');
    await expect(resolveReport(client, meili, config, first, 'no_action')).rejects.toThrow(/already resolved/);
  });

  it('deindexes a work and every pending report on it', async () => {
    const [, id] = ids;
    const a = await report(id, 'dmca');
    await report(id, 'other', 'a long enough description here');
    const result = await resolveReport(client, meili, config, a, 'deindex');
    expect(result).toMatchObject({ status: 'deindexed', resolved: 2 });
    expect(await doc(id)).toBeUndefined();
    expect((await client.query('select count(*)::int as n from image where identifier = $1', [id])).rows[0].n).toBe(0);
  });

  it('no action only closes the report', async () => {
    const [, , id] = ids;
    const r = await report(id, 'other', 'not actually a problem, I think');
    expect(await resolveReport(client, meili, config, r, 'no_action')).toMatchObject({ status: 'no_action', resolved: 1 });
    expect((await doc(id))?.mature).toBe(false);
  });

  it('both outlive a full refresh', async () => {
    await runTask(config, 'refresh', 'image');
    expect((await doc(ids[0]))?.mature).toBe(true);
    expect(await doc(ids[1])).toBeUndefined();
  });

  it("`moderate list` prints a reporter's control characters escaped, never raw", async () => {
    const hostile = 'ok\x1b]0;owned\x07\x1b[2J\x1b[1A\rfake line\u202eevil\x9b31m\\x1b';
    const { rows } = await client.query<{ id: number }>(
      `insert into content_report (media_type, identifier, reason, description) values ('audio', $1, 'other', $2) returning id`,
      [ids[2], hostile],
    );
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'ingest/bin/moderate.ts', 'list', '--media', 'audio'],
        {
          env: { ...process.env, DATABASE_URL: config.databaseUrl, MEILI_URL: config.meiliUrl, MEILI_MASTER_KEY: config.meiliMasterKey },
        },
      );
      const line = stdout.split('\n').find((l) => l.startsWith(String(rows[0].id).padStart(6)));
      expect(line).toBeDefined();
      // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach the terminal
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
      expect(line).toContain('ok\\x1b]0;owned\\x07\\x1b[2J\\x1b[1A\\x0dfake line\\u202eevil\\x9b31m\\\\x1b');
    } finally {
      await client.query('delete from content_report where id = $1', [rows[0].id]);
    }
  });

  // A promotion holds the change-log lock from its diff until it renames the tables.
  // A decision must wait for it before it touches the work's row, or the rename waits
  // for the decision while the decision waits for the lock: a deadlock.
  it.skipIf(inject('embeddedPostgres'))('a decision during a promotion waits for it without a deadlock', async () => {
    const { rows } = await client.query<{ identifier: string }>(
      'select identifier::text from image where not mature and identifier <> all($1::uuid[]) order by identifier limit 1',
      [ids],
    );
    const id = rows[0].identifier;
    const promotion = new pg.Client({ connectionString: database.url });
    await promotion.connect();
    try {
      await promotion.query('begin');
      await lockChangeLog(promotion, 'image');
      const deciding = resolveReport(client, meili, config, await report(id, 'mature'), 'sensitive');
      for (let i = 0; ; i++) {
        const waiting = await promotion.query(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event = 'advisory'",
        );
        if (waiting.rows[0].n > 0) break;
        expect(i, 'the decision never waited for the change log').toBeLessThan(300);
        await new Promise((r) => setTimeout(r, 100));
      }
      // The rename's lock: granted, since the waiting decision holds no row of the table.
      await promotion.query("set local lock_timeout = '20s'");
      await promotion.query('lock table image in access exclusive mode');
      await promotion.query('rollback');
      expect(await deciding).toMatchObject({ status: 'mature_filtered' });
    } finally {
      await promotion.end();
    }
    expect((await client.query('select mature from image where identifier = $1', [id])).rows[0].mature).toBe(true);
  });

  it('refuses unknown reports', async () => {
    await expect(resolveReport(client, meili, config, 999_999, 'deindex')).rejects.toThrow(/no report with id/);
  });
});
