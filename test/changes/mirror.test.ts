/**
 * The change feed end to end (issue #18): a mirror takes a feed token, exports the
 * catalog through the Worker (wrangler dev, workerd) and then, after a refresh with
 * changed, added and deleted rows, an incremental update, two moderation decisions and
 * a rollback (all through the production ingest), replays the feed: it ends with
 * exactly the live catalog. Then the refusals: a forged or foreign token is a 400, a
 * token older than the feed keeps is a 410.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestConfig } from '../../ingest/config.js';
import { pruneChanges } from '../../ingest/generations/changes.js';
import { MeiliAdmin } from '../../ingest/meili-admin.js';
import { resolveReport } from '../../ingest/moderation/moderation.js';
import { runTask } from '../../ingest/tasks/run-task.js';
import { startPrivateStack, type PrivateStack } from '../reliability/private-stack.js';

let stack: PrivateStack;
let config: IngestConfig;
let auth: { Authorization: string };

type Work = { id: string } & Record<string, unknown>;

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${stack.apiUrl}${path}`, { ...init, signal: AbortSignal.timeout(60_000) });
}

/** Every image, mature ones included, as the export streams them (one result per id). */
async function exportAll(): Promise<Map<string, Work>> {
  const res = await api('/v1/images/export/?mature=true', { headers: auth });
  expect(res.status).toBe(200);
  const lines = (await res.text())
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines.at(-1).export.status).toBe('complete');
  return new Map(lines.slice(0, -1).map((w: Work) => [w.id, w]));
}

async function changes(since: string | null): Promise<Response> {
  return api(`/v1/changes/?media_type=image${since ? `&since=${encodeURIComponent(since)}` : ''}&limit=50`);
}

beforeAll(async () => {
  stack = await startPrivateStack({ images: 240, audio: 20, vars: { THROTTLE_STANDARD_BURST: '100000/min' } });
  config = {
    databaseUrl: stack.databaseUrl,
    upstreamUrl: stack.databaseUrl,
    upstreamSchema: 'upstream',
    meiliUrl: stack.meili.url,
    meiliMasterKey: stack.meiliMasterKey,
    indexPrefix: '',
  };
  const registered = await api('/v1/auth_tokens/register/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'mirror', description: 'change feed test', email: 'm@example.org' }),
  });
  const app = (await registered.json()) as { client_id: string; client_secret: string };
  const token = await api('/v1/auth_tokens/token/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret }).toString(),
  });
  auth = { Authorization: `Bearer ${((await token.json()) as { access_token: string }).access_token}` };
}, 300_000);
afterAll(async () => stack?.stop());

describe('a mirror that follows the change feed', () => {
  it('ends with exactly the live catalog after a refresh, an update, moderation and a rollback', { timeout: 300_000 }, async () => {
    const db = await stack.sql();
    try {
      // The mirror: a token first, then the export (changes between the two are replayed again, harmlessly).
      const start = (await (await changes(null)).json()) as { next: string; changes: unknown[] };
      expect(start.changes).toEqual([]);
      const mirror = await exportAll();
      expect(mirror.size).toBeGreaterThan(200);

      // A refresh with changed, added and deleted rows.
      await db.query(`update upstream.image set title = 'Changed title ' || id where id % 7 = 0`);
      await db.query(`delete from upstream.image where id % 11 = 0`);
      await db.query(`create temp table extra as select * from upstream.image order by id limit 4`);
      await db.query(
        `update extra set id = id + 1000000, identifier = gen_random_uuid(), foreign_identifier = foreign_identifier || '-new', url = url || '?new', updated_on = now()`,
      );
      await db.query(`insert into upstream.image select * from extra`);
      await runTask(config, 'refresh', 'image');

      // An incremental update: a title, a new work, a work removed from its source.
      await db.query(
        `update upstream.image set title = 'Updated title', updated_on = now() where id = (select min(id) from upstream.image where id % 5 = 1)`,
      );
      await db.query(
        `update extra set id = id + 1000000, identifier = gen_random_uuid(), foreign_identifier = foreign_identifier || '-upd', url = url || '-upd', updated_on = now()`,
      );
      await db.query(`insert into upstream.image select * from extra limit 1`);
      await db.query(
        `update upstream.image set removed_from_source = true, updated_on = now() where id = (select min(id) from upstream.image where id % 5 = 2)`,
      );
      await runTask(config, 'update', 'image');

      // Moderation: one work marked sensitive, one deindexed.
      const [a, b] = (await db.query<{ id: string }>(`select identifier::text as id from image order by identifier limit 2`)).rows;
      const meili = new MeiliAdmin(stack.meili.url, stack.meiliMasterKey);
      for (const [id, resolution] of [
        [a.id, 'sensitive'],
        [b.id, 'deindex'],
      ] as const) {
        const report = await db.query<{ id: number }>(
          `insert into content_report (media_type, identifier, reason, description) values ('image', $1, 'mature', 'test') returning id`,
          [id],
        );
        await resolveReport(db, meili, config, report.rows[0].id, resolution);
      }
      const beforeRollback = await exportAll();

      // A rollback to the generation before the refresh.
      await runTask(config, 'rollback', 'image');
      const live = await exportAll();
      expect(live).not.toEqual(beforeRollback);

      // Replay: fetch added and updated works again, delete removed ones, in order.
      let since = start.next;
      let seen = { added: 0, updated: 0, removed: 0, pages: 0 };
      for (;;) {
        const res = await changes(since);
        expect(res.status).toBe(200);
        const page = (await res.json()) as {
          changes: { generation: number; changed_at: string; added: string[]; updated: string[]; removed: string[] }[];
          has_more: boolean;
          next: string;
        };
        seen.pages++;
        for (const batch of page.changes) {
          expect(batch.changed_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
          for (const id of batch.removed) mirror.delete(id);
          for (const id of [...batch.added, ...batch.updated]) {
            const detail = await api(`/v1/images/${id}/`);
            if (detail.status === 404) mirror.delete(id);
            else mirror.set(id, (await detail.json()) as Work);
          }
          seen = {
            ...seen,
            added: seen.added + batch.added.length,
            updated: seen.updated + batch.updated.length,
            removed: seen.removed + batch.removed.length,
          };
        }
        since = page.next;
        if (!page.has_more) break;
      }
      // Every kind of change was seen, over several pages.
      expect(seen.added).toBeGreaterThan(0);
      expect(seen.updated).toBeGreaterThan(0);
      expect(seen.removed).toBeGreaterThan(0);
      expect(seen.pages).toBeGreaterThan(1);
      // Only what changed is listed: a refresh and its rollback do not list every work as updated.
      expect(seen.updated).toBeLessThan(live.size / 2);
      expect(new Map([...mirror].sort())).toEqual(new Map([...live].sort()));

      // Nothing changed since: the last token lists nothing.
      const idle = (await (await changes(since)).json()) as { changes: unknown[]; has_more: boolean };
      expect(idle).toMatchObject({ changes: [], has_more: false });

      // Refusals: forged and foreign tokens (400 naming since), then a token older than the feed keeps (410).
      const [body, mac] = since.split('.');
      for (const bad of [`${body}.${mac.slice(0, -2)}AA`, 'garbage', `${body}x.${mac}`]) {
        const res = await changes(bad);
        expect(res.status, bad).toBe(400);
        expect(Object.keys(((await res.json()) as { detail: object }).detail)).toEqual(['since']);
      }
      const audioToken = ((await (await api('/v1/changes/?media_type=audio')).json()) as { next: string }).next;
      expect((await changes(audioToken)).status).toBe(400);
      expect(await pruneChanges(db, 'image', 0)).toBeGreaterThan(0);
      const gone = await changes(start.next);
      expect(gone.status).toBe(410);
      expect(String(((await gone.json()) as { detail: string }).detail)).toMatch(/export again/);
      // The newest token is still good: nothing it had not seen was pruned.
      expect((await changes(since)).status).toBe(200);
    } finally {
      await db.end();
    }
  });
});
