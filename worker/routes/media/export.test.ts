/**
 * Bulk export (issue #18) in workerd against the fixture catalog in real Postgres: every
 * matching work once in the result shape, resumable, gzip, the daily budget's trailer,
 * and the refusals (401 without a key, 400 for a bad filter).
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { fetchWith, keyHeader, withDb } from '../../test-helpers.js';
import { ImageResultSchema } from './schema.js';

const LIFTED = { THROTTLE_STANDARD_BURST: '100000/min', THROTTLE_STANDARD_SUSTAINED: '1000000/day' };

interface Trailer {
  export: { status: string; rows: number; last_id?: string | null; resume_after?: string | null; detail?: string };
}

async function exportOf(path: string, headers: Record<string, string>, overrides: Record<string, unknown> = {}) {
  const res = await fetchWith(path, { headers }, { ...LIFTED, ...overrides });
  return res;
}

/** The NDJSON lines of a response body (gunzipped when it says gzip). */
async function lines(res: Response): Promise<{ works: { id: string }[]; trailer: Trailer }> {
  let body = res.body!;
  if (res.headers.get('content-encoding') === 'gzip') body = body.pipeThrough(new DecompressionStream('gzip'));
  const text = await new Response(body).text();
  const all = text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { works: all.slice(0, -1), trailer: all.at(-1) as Trailer };
}

async function idsWhere(condition: ReturnType<typeof sql>): Promise<string[]> {
  return withDb(async (db) => {
    const rows = await db.execute<{ id: string }>(sql`select identifier::text as id from image where ${condition} order by identifier`);
    return rows.rows.map((r) => r.id);
  });
}

let key: { Authorization: string };

beforeAll(async () => {
  key = await keyHeader();
});

describe('GET /v1/images/export/', () => {
  it('streams every matching work exactly once, in the result shape, then a complete trailer', async () => {
    const res = await exportOf('/v1/images/export/?license=by,cc0', key);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    expect(Number(res.headers.get('x-export-rows-remaining'))).toBeGreaterThan(0);
    const { works, trailer } = await lines(res);
    const expected = await idsWhere(sql`lower(license) in ('by', 'cc0') and not mature and not sensitive_text`);
    expect(expected.length).toBeGreaterThan(600); // more than one page of 500
    expect(works.map((w) => w.id)).toEqual(expected);
    expect(trailer.export).toMatchObject({ status: 'complete', rows: expected.length, last_id: expected.at(-1) });
    for (const w of works.slice(0, 50)) ImageResultSchema.parse(w);
    // A line is the work's detail answer (the API's one result shape).
    const detail = await (await fetchWith(`/v1/images/${works[3].id}/`, {}, LIFTED)).json();
    expect(works[3]).toEqual(detail);
  });

  it('includes sensitive works when asked, and resumes after an id', async () => {
    const sources = await withDb(async (db) => {
      const rows = await db.execute<{ source: string }>(sql`select source from image group by 1 order by count(*) desc limit 2`);
      return rows.rows.map((r) => r.source);
    });
    const path = `/v1/images/export/?mature=true&source=${sources.join(',')}`;
    const all = await lines(await exportOf(path, key));
    const expected = await idsWhere(sql`source in (${sql.join(sources, sql`, `)})`);
    expect(all.works.map((w) => w.id)).toEqual(expected);
    const cut = Math.floor(expected.length / 3);
    const rest = await lines(await exportOf(`${path}&after=${expected[cut]}`, key));
    expect(rest.works.map((w) => w.id)).toEqual(expected.slice(cut + 1));
  });

  it('gzip-compresses when the client accepts it', async () => {
    const res = await exportOf('/v1/images/export/?license=by', { ...key, 'Accept-Encoding': 'gzip, br' });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const { works, trailer } = await lines(res);
    expect(works.map((w) => w.id)).toEqual(await idsWhere(sql`lower(license) = 'by' and not mature and not sensitive_text`));
    expect(trailer.export.status).toBe('complete');
  });

  it('ends with a budget trailer when the daily budget runs out, then refuses with 429', async () => {
    const own = await keyHeader();
    const budget = { EXPORT_ROWS_PER_DAY: '730' };
    const first = await exportOf('/v1/images/export/?mature=true', own, budget);
    expect(first.headers.get('x-export-rows-remaining')).toBe('730');
    const { works, trailer } = await lines(first);
    expect(works).toHaveLength(730);
    expect(trailer.export).toMatchObject({ status: 'budget_exhausted', rows: 730, resume_after: works.at(-1)!.id });
    expect(trailer.export.detail).toMatch(/budget/);
    const spent = await exportOf('/v1/images/export/?mature=true', own, budget);
    expect(spent.status).toBe(429);
    expect(spent.headers.get('x-export-rows-remaining')).toBe('0');
    // A bigger budget resumes where the trailer said.
    const more = await lines(
      await exportOf(`/v1/images/export/?mature=true&after=${trailer.export.resume_after}`, own, { EXPORT_ROWS_PER_DAY: '1460' }),
    );
    const all = await idsWhere(sql`true`);
    expect(more.works.map((w) => w.id)).toEqual(all.slice(730, 1460));
  });

  it('a response sends at most EXPORT_ROWS_PER_RESPONSE rows, ends partial, and the loop of responses gives every work once', async () => {
    const own = await keyHeader();
    const capped = { EXPORT_ROWS_PER_RESPONSE: '300' };
    const expected = await idsWhere(sql`lower(license) in ('by', 'cc0') and not mature and not sensitive_text`);
    const ids: string[] = [];
    const statuses: string[] = [];
    let after = '';
    for (let i = 0; i < 20; i++) {
      const { works, trailer } = await lines(await exportOf(`/v1/images/export/?license=by,cc0${after}`, own, capped));
      ids.push(...works.map((w) => w.id));
      statuses.push(trailer.export.status);
      if (trailer.export.status !== 'partial') break;
      expect(works).toHaveLength(300);
      expect(trailer.export).toMatchObject({ rows: 300, resume_after: works.at(-1)!.id });
      expect(trailer.export.detail).toMatch(/at most 300 rows/);
      after = `&after=${trailer.export.resume_after}`;
    }
    expect(ids).toEqual(expected);
    expect(statuses.at(-1)).toBe('complete');
    expect(statuses.slice(0, -1).every((s) => s === 'partial')).toBe(true);
    expect(statuses.length).toBe(Math.floor(expected.length / 300) + 1);
  });

  it('a client that goes away stops the reading: only what was pulled is charged', async () => {
    const own = await keyHeader();
    const res = await exportOf('/v1/images/export/?mature=true', own);
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    expect(value!.byteLength).toBeGreaterThan(0);
    await reader.cancel();
    const charged = await withDb(async (db) => {
      const rows = await db.execute<{ rows: string }>(
        sql`select coalesce(sum(rows), 0)::text as rows from export_usage where client_id in (select client_id from api_token where token_hash = encode(sha256(convert_to(${own.Authorization.slice(7)}, 'UTF8')), 'hex'))`,
      );
      return Number(rows.rows[0].rows);
    });
    const total = (await idsWhere(sql`true`)).length;
    expect(charged).toBeGreaterThan(0);
    expect(charged).toBeLessThan(total);
    expect(charged).toBeLessThanOrEqual(1000);
  });

  it('refuses anonymous callers (401) and bad filters (400 naming the parameter)', async () => {
    const anon = await exportOf('/v1/images/export/', {});
    expect(anon.status).toBe(401);
    for (const [query, field] of [
      ['license=nope', 'license'],
      ['category=nope', 'category'],
      ['after=not-an-id', 'after'],
      ['mature=maybe', 'mature'],
    ]) {
      const res = await exportOf(`/v1/images/export/?${query}`, key);
      const body = (await res.json()) as { detail: Record<string, string[]> };
      expect(res.status, query).toBe(400);
      expect(Object.keys(body.detail), query).toEqual([field]);
    }
  });
});

describe('GET /v1/audio/export/', () => {
  it('exports every track with its audio set', async () => {
    const { works, trailer } = await lines(await exportOf('/v1/audio/export/?mature=true', key));
    const count = await withDb(async (db) =>
      Number((await db.execute<{ n: string }>(sql`select count(*)::text as n from audio`)).rows[0].n),
    );
    expect(works).toHaveLength(count);
    expect(new Set(works.map((w) => w.id)).size).toBe(count);
    expect(trailer.export.status).toBe('complete');
    expect(works.some((w) => (w as { audio_set?: unknown }).audio_set)).toBe(true);
  });
});
