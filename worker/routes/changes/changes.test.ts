/**
 * `/v1/changes/` in workerd over real Postgres: rows the ingest writes to `change_log`
 * come back in order, grouped per action, paged, with the next token; bad tokens and
 * parameters are 400s naming them; a token behind the pruning horizon is a 410. (The
 * whole loop with the real ingest is test/changes/mirror.test.ts.)
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getJson, withDb } from '../../test-helpers.js';

interface Page {
  media_type: string;
  changes: { generation: number; changed_at: string; added: string[]; updated: string[]; removed: string[] }[];
  has_more: boolean;
  next: string;
}

const uuid = () => crypto.randomUUID();

describe('GET /v1/changes/', () => {
  it('lists what was recorded after a token, grouped by action, in pages', async () => {
    // Audio: no other workerd test writes its feed.
    const { body: start } = await getJson<Page>('/v1/changes/?media_type=audio');
    expect(start.changes).toEqual([]);
    const ids = Array.from({ length: 5 }, uuid);
    await withDb(async (db) => {
      // Two actions: one transaction each (one commit time each).
      await db.execute(sql`insert into change_log (media_type, op, identifier, generation, changed_at)
        values ('audio', 'a', ${ids[0]}, 3, now()), ('audio', 'a', ${ids[1]}, 3, now()), ('audio', 'u', ${ids[2]}, 3, now())`);
      await db.execute(sql`insert into change_log (media_type, op, identifier, generation, changed_at)
        values ('audio', 'r', ${ids[3]}, 4, now() + interval '1 second'), ('audio', 'a', ${ids[4]}, 4, now() + interval '1 second')`);
    });
    const { body: all } = await getJson<Page>(`/v1/changes/?media_type=audio&since=${start.next}`);
    expect(all.has_more).toBe(false);
    expect(all.changes.map(({ changed_at: _, ...b }) => b)).toEqual([
      { generation: 3, added: [ids[0], ids[1]], updated: [ids[2]], removed: [] },
      { generation: 4, added: [ids[4]], updated: [], removed: [ids[3]] },
    ]);
    // Paged: two at a time, the same changes in the same order.
    const seen: string[] = [];
    let since = start.next;
    for (let i = 0; i < 5; i++) {
      const { body } = await getJson<Page>(`/v1/changes/?media_type=audio&limit=2&since=${since}`);
      for (const b of body.changes) seen.push(...b.added, ...b.updated, ...b.removed);
      since = body.next;
      if (!body.has_more) break;
    }
    expect(seen.sort()).toEqual([...ids].sort());
    const { body: idle } = await getJson<Page>(`/v1/changes/?media_type=audio&since=${since}`);
    expect(idle.changes).toEqual([]);
  });

  it('refuses bad parameters and tokens (400 naming them), and tokens behind the horizon (410)', async () => {
    await getJson('/v1/changes/', 400).then(({ body }) => expect(Object.keys(body.detail)).toEqual(['media_type']));
    await getJson('/v1/changes/?media_type=video', 400).then(({ body }) => expect(Object.keys(body.detail)).toEqual(['media_type']));
    await getJson('/v1/changes/?media_type=image&limit=0', 400).then(({ body }) => expect(Object.keys(body.detail)).toEqual(['limit']));
    const { body: head } = await getJson<Page>('/v1/changes/?media_type=image');
    const [payload, mac] = head.next.split('.');
    for (const bad of ['nope', `${payload}.${mac.slice(0, -2)}AA`]) {
      const { body } = await getJson(`/v1/changes/?media_type=image&since=${bad}`, 400);
      expect(Object.keys(body.detail)).toEqual(['since']);
    }
    // An image token on the audio feed.
    await getJson(`/v1/changes/?media_type=audio&since=${head.next}`, 400);
    await withDb((db) =>
      db.execute(sql`insert into change_horizon (media_type, pruned_through) values ('image', 1000000000000)
        on conflict (media_type) do update set pruned_through = excluded.pruned_through`),
    );
    try {
      const { body } = await getJson(`/v1/changes/?media_type=image&since=${head.next}`, 410);
      expect(body.detail).toMatch(/export again/);
    } finally {
      await withDb((db) => db.execute(sql`delete from change_horizon where media_type = 'image'`));
    }
  });
});
