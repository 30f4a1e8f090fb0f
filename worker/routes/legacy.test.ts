import { describe, expect, it } from 'vitest';
import { get, getJson } from '../test-helpers.js';

const ID = '4bc43a04-ef46-4544-a0c1-63c63f56e276';
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

async function expectRedirect(path: string, location: string, method = 'GET') {
  const res = await get(path, { method });
  expect(res.status, `${method} ${path}`).toBe(301);
  // Relative, as Django's RedirectView writes it.
  expect(res.headers.get('location'), `${method} ${path}`).toBe(location);
}

describe('legacy redirects (§1.3)', () => {
  it('/v1/sources → /v1/images/stats/, query dropped, every method', async () => {
    await expectRedirect('/v1/sources', '/v1/images/stats/');
    await expectRedirect('/v1/sources?page=2&q=dog', '/v1/images/stats/');
    for (const method of METHODS) await expectRedirect('/v1/sources', '/v1/images/stats/', method);
  });

  it('/v1/recommendations/images/{id} → /v1/images/{id}/related/', async () => {
    await expectRedirect(`/v1/recommendations/images/${ID}`, `/v1/images/${ID}/related/`);
    await expectRedirect(`/v1/recommendations/images/${ID}?page_size=5`, `/v1/images/${ID}/related/`);
  });

  it('/v1/oembed → /v1/images/oembed/, query kept', async () => {
    await expectRedirect(`/v1/oembed?url=${ID}&format=xml`, `/v1/images/oembed/?url=${ID}&format=xml`);
    await expectRedirect('/v1/oembed', '/v1/images/oembed/');
  });

  it('/v1/thumbs/{id} → /v1/images/{id}/thumb/', async () => {
    await expectRedirect(`/v1/thumbs/${ID}`, `/v1/images/${ID}/thumb/`);
  });

  it.each(['abcd', ID.toUpperCase(), '4bc43a04-ef46-1544-a0c1-63c63f56e276', 'x%20y'])(
    'answers a JSON 404, not a redirect, for the malformed identifier %s',
    async (id) => {
      for (const prefix of ['/v1/recommendations/images/', '/v1/thumbs/']) {
        const { body } = await getJson(`${prefix}${id}`, 404);
        expect(body).toEqual({ detail: 'Not found.' });
      }
    },
  );

  it.each(['/v1/sources/', `/v1/recommendations/images/${ID}/`, '/v1/oembed/', `/v1/thumbs/${ID}/`])(
    'does not match the slashed form %s',
    async (path) => {
      const { body } = await getJson(path, 404);
      expect(body).toEqual({ detail: 'Not found.' });
    },
  );

  it('lands where it points: the stats, related and oEmbed routes answer', async () => {
    const sources = await get('/v1/sources');
    const { body: stats } = await getJson(sources.headers.get('location')!);
    expect(Array.isArray(stats)).toBe(true);

    const { body: search } = await getJson('/v1/images/?page_size=1');
    const id = search.results[0].id;
    const related = await get(`/v1/recommendations/images/${id}`);
    const { body } = await getJson(related.headers.get('location')!);
    expect(body.page_size).toBe(10);

    const oembed = await get(`/v1/oembed?url=${id}`);
    const { body: embed } = await getJson(oembed.headers.get('location')!);
    expect(embed.type).toBe('photo');
  });
});

describe('discontinued /v1/link/ (§1.3)', () => {
  const GONE = { error: 'Gone', reason: 'This API endpoint has been discontinued.' };

  it.each(['/v1/link/', '/v1/link/abc', '/v1/link/abc/def/', '/v1/link/?url=https://example.org'])(
    '%s answers 410 to any method',
    async (path) => {
      for (const method of METHODS.filter((m) => m !== 'HEAD')) {
        const { body } = await getJson(path, 410, { method });
        expect(body).toEqual(GONE);
      }
      expect((await get(path, { method: 'HEAD' })).status).toBe(410);
    },
  );

  it('/v1/link redirects to /v1/link/ for any method, query kept', async () => {
    for (const method of METHODS) await expectRedirect('/v1/link', '/v1/link/', method);
    await expectRedirect('/v1/link?x=1', '/v1/link/?x=1');
  });
});
