/**
 * Colour search (issue #20 item 5) against the fixture catalog, whose demo images the
 * colour job has named (test/fixture-catalog.ts): `color=` filters to exactly the works
 * whose stored dominant colours include the name (Postgres is the truth), a hex colour
 * filters as its nearest names, `colors=true` shows them, bad values are 400s naming
 * `color`, and audio routes ignore both as they ignore other image-only parameters.
 */
import { describe, expect, inject, it } from 'vitest';
import { demoImageColors } from '../../../ingest/demo/media.js';
import { COLOR_NAMES } from '../../../model/colors.js';
import { get, getJson } from '../../test-helpers.js';
import { ImageResultSchema, searchResponseSchemaOf } from './schema.js';

const truth = inject('fixture').colors;
const BASE = '/v1/images/?filter_dead=false&page_size=20';

interface Page {
  result_count: number;
  page_count: number;
  results: { id: string; colors?: { name: string; hex: string; share: number }[] }[];
}

/** Every id a search returns, page by page (anonymous pages of 20, at most 20 pages). */
async function allIds(query: string): Promise<{ ids: string[]; count: number; pages: Page[] }> {
  const pages: Page[] = [];
  for (let page = 1; ; page++) {
    const { body } = await getJson<Page>(`${BASE}&${query}&page=${page}`);
    pages.push(body);
    if (page >= body.page_count) break;
  }
  return { ids: pages.flatMap((p) => p.results.map((r) => r.id)).sort(), count: pages[0].result_count, pages };
}

describe('color= on /v1/images/', () => {
  it('the fixture has colours to find: the job named every colour on some visible work', () => {
    for (const name of COLOR_NAMES) expect(truth[name]?.length, name).toBeGreaterThan(0);
  });

  it.each(['red', 'blue', 'white'])('color=%s returns exactly the works whose dominant colours include it', async (name) => {
    const { ids, count, pages } = await allIds(`color=${name}&colors=true`);
    expect(count).toBe(truth[name].length);
    expect(ids).toEqual(truth[name]);
    for (const r of pages.flatMap((p) => p.results)) {
      expect(r.colors?.map((c) => c.name)).toContain(name);
      // Demo pictures are a field and a disc of known colours: the job named both, field first.
      const { field, disc } = demoImageColors(r.id);
      expect(r.colors?.map((c) => c.name)).toEqual([field, disc]);
    }
  });

  it('takes a list (any of the names) and names in any case', async () => {
    const { ids } = await allIds('color=RED,Green');
    expect(ids).toEqual([...new Set([...truth.red, ...truth.green])].sort());
  });

  it('maps a hex colour to its nearest palette names: #336699 is blue, #f00 red, light pink both pink and white', async () => {
    expect((await allIds('color=%23336699')).ids).toEqual(truth.blue);
    expect((await allIds('color=%23F00')).ids).toEqual(truth.red);
    expect((await allIds('color=%23ffc0cb')).ids).toEqual([...new Set([...truth.pink, ...truth.white])].sort());
  });

  it('combines with the other filters and with q', async () => {
    const { body: jpg } = await getJson<Page>(`${BASE}&color=blue&extension=jpg`);
    const { body: blue } = await getJson<Page>(`${BASE}&color=blue`);
    expect(jpg.result_count).toBeGreaterThan(0);
    expect(jpg.result_count).toBeLessThan(blue.result_count);
    const { body: mature } = await getJson<Page>(`${BASE}&color=blue&mature=true`);
    expect(mature.result_count).toBeGreaterThanOrEqual(blue.result_count);
  });

  it('adds `colors` only when asked: results without `colors=true` are unchanged', async () => {
    const { body: plain } = await getJson<Page>(`${BASE}&color=red`);
    expect(plain.results.length).toBeGreaterThan(0);
    for (const r of plain.results) expect(r).not.toHaveProperty('colors');
    const { body } = await getJson(`${BASE}&colors=true`);
    searchResponseSchemaOf('image').parse(body);
    // Works the job has not named (the real rows' media is remote) carry `[]`.
    const shapes = (body as Page).results.map((r) => r.colors);
    expect(shapes.every((c) => Array.isArray(c))).toBe(true);
    for (const r of (body as Page).results) ImageResultSchema.parse(r);
    const named = (body as Page).results.filter((r) => r.colors!.length > 0);
    for (const r of named) {
      expect(r.colors!.reduce((a, c) => a + c.share, 0)).toBeCloseTo(1, 1);
      for (const c of r.colors!) expect(c.hex).toMatch(/^#[0-9a-f]{6}$/);
    }
  });

  it.each([
    ['magenta', 'Invalid value: magenta.'],
    ['grey', 'Invalid value: grey.'],
    ['%23ggg', 'Invalid value: #ggg.'],
    ['%2312', 'Invalid value: #12.'],
    ['336699', 'Invalid value: 336699.'],
    ['red,%231234567', 'Invalid value: #1234567.'],
  ])('color=%s is a 400 naming `color`', async (value, message) => {
    const res = await get(`/v1/images/?color=${value}`);
    const text = await res.text();
    expect(res.status, text).toBe(400);
    const body = JSON.parse(text) as { detail: Record<string, string[]> };
    expect(Object.keys(body.detail)).toEqual(['color']);
    expect(body.detail.color[0]).toContain(message);
    expect(body.detail.color[0]).toContain('#336699');
  });

  it('an empty `color` is no filter', async () => {
    const { body: all } = await getJson<Page>(BASE);
    const { body: empty } = await getJson<Page>(`${BASE}&color=`);
    expect(empty.result_count).toBe(all.result_count);
  });
});

describe('color= on /v1/audio/', () => {
  it('is ignored, as image-only filters are (no 400, no `colors`)', async () => {
    const { body: all } = await getJson<Page>('/v1/audio/?filter_dead=false');
    for (const query of ['color=red&colors=true', 'color=magenta', 'aspect_ratio=wide']) {
      const { body } = await getJson<Page>(`/v1/audio/?filter_dead=false&${query}`);
      expect(body.result_count, query).toBe(all.result_count);
      for (const r of body.results) expect(r).not.toHaveProperty('colors');
    }
  });
});
