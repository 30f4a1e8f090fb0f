import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fetchWith, get, getJson, withDb } from '../../test-helpers.js';
import { photonUrl } from './thumb.js';

/** A work whose stored URL refuses connections: the fetch itself fails. */
const UNREACHABLE = crypto.randomUUID();

beforeAll(() =>
  withDb((db) =>
    db.execute(sql`insert into image (identifier, created_on, updated_on, url, license)
                   values (${UNREACHABLE}, now(), now(), 'http://127.0.0.1:1/secret-host/x.jpg', 'cc0')`),
  ),
);
afterAll(() => withDb((db) => db.execute(sql`delete from image where identifier = ${UNREACHABLE}`)));

describe('GET /v1/images/{id}/thumb/', () => {
  it('proxies the stored image with a long Cache-Control', async () => {
    const { body } = await getJson('/v1/images/?page_size=20');
    const item = body.results.find((r: { url: string; width: number | null }) => r.width && r.url.includes('/images/'));
    const res = await get(`/v1/images/${item.id}/thumb/`);
    expect(
      res.status,
      await res
        .clone()
        .text()
        .catch(() => ''),
    ).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\//);
    expect(res.headers.get('cache-control')).toContain('max-age=2592000');
    // The client's Accept is sent upstream, so a shared cache must key on it.
    expect(res.headers.get('vary')).toMatch(/\bAccept\b/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(50);
  });

  it('answers 424 when the source is dead, and 404 for unknown works', async () => {
    const dead = inject('fixture').deadImageId;
    expect(dead).toBeTruthy();
    const { body } = await getJson(`/v1/images/${dead}/thumb/`, 424);
    expect(body.detail).toMatch(/^Failed to render thumbnail: the source answered 404/);
    await getJson('/v1/images/4bc43a04-ef46-4544-a0c1-63c63f56e276/thumb/', 404);
    await getJson('/v1/images/not-a-uuid/thumb/', 404);
  });

  it("says the source failed, without the fetch error's internals", async () => {
    const { body } = await getJson(`/v1/images/${UNREACHABLE}/thumb/`, 424);
    expect(body).toEqual({ detail: 'Failed to render thumbnail: the source failed.' });
  });

  it('never fetches private addresses unless the configuration allows them', async () => {
    const { body } = await getJson('/v1/images/?page_size=1');
    const res = await fetchWith(`/v1/images/${body.results[0].id}/thumb/`, {}, { ALLOW_PRIVATE_MEDIA: 'false' });
    expect(res.status).toBe(424);
    expect(await res.json()).toEqual({ detail: 'Failed to render thumbnail: the stored image URL is not fetchable.' });
  });

  it('goes through a Photon resizer when one is configured: 600 px wide, the stored format', async () => {
    const pages = await Promise.all([1, 2, 3].map((page) => getJson(`/v1/images/?page_size=20&page=${page}`)));
    const item = pages
      .flatMap((p) => p.body.results)
      .find(
        (r: { url: string; width: number | null }) =>
          (r.width ?? 0) > 1000 && r.url.startsWith(`${inject('mediaUrl')}/images/`) && r.url.includes('.jpg?'),
      );
    expect(item).toBeDefined();
    const photon = { PHOTON_ENDPOINT: `${inject('mediaUrl')}/photon/` };
    const res = await fetchWith(`/v1/images/${item.id}/thumb/`, {}, photon);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const [width, height] = jpegSize(new Uint8Array(await res.arrayBuffer()));
    expect(width).toBe(600);
    expect(Math.abs(height - (600 * item.height) / item.width)).toBeLessThanOrEqual(1);
    // full_size skips the resize, not the resizer (the original stays capped by the media server).
    const full = await fetchWith(`/v1/images/${item.id}/thumb/?full_size=true`, {}, photon);
    expect(jpegSize(new Uint8Array(await full.arrayBuffer()))[0]).toBeGreaterThan(600);
  });

  it('asks Photon as Openverse does (§7.6)', () => {
    expect(photonUrl('https://i0.wp.com', new URL('https://live.example.org/a/b.jpg?x=1&y=2'), { width: 600, quality: 80 })).toBe(
      'https://i0.wp.com/live.example.org/a/b.jpg?w=600&quality=80&q=x%3D1%26y%3D2&ssl=true',
    );
    expect(photonUrl('http://127.0.0.1:8790/photon/', new URL('http://127.0.0.1:8790/images/c.png'), {})).toBe(
      'http://127.0.0.1:8790/photon/127.0.0.1:8790/images/c.png',
    );
  });

  it('checks the stored URL before a resizer is asked for it', async () => {
    const { body } = await getJson('/v1/images/?page_size=1');
    const res = await fetchWith(
      `/v1/images/${body.results[0].id}/thumb/`,
      {},
      { ALLOW_PRIVATE_MEDIA: 'false', PHOTON_ENDPOINT: 'https://photon.example.org/' },
    );
    expect(res.status).toBe(424);
    expect(await res.json()).toEqual({ detail: 'Failed to render thumbnail: the stored image URL is not fetchable.' });
  });

  it('validates its own parameters', async () => {
    const { body } = await getJson('/v1/images/?page_size=1');
    const { body: err } = await getJson(`/v1/images/${body.results[0].id}/thumb/?full_size=perhaps`, 400);
    expect(err).toEqual({ detail: { full_size: ['Must be a valid boolean.'] } });
  });
});

describe('GET /v1/audio/{id}/thumb/', () => {
  it('serves artwork or says there is none', async () => {
    // Demo tracks (served by the local media server), not the real rows' remote artwork.
    const pages = await Promise.all([1, 2, 3].map((page) => getJson(`/v1/audio/?page_size=20&page=${page}`)));
    const body = { results: pages.flatMap((p) => p.body.results) };
    const local = body.results.filter((r: { url: string }) => r.url.startsWith(inject('mediaUrl')));
    const withArt = local.find((r: { thumbnail: string | null }) => r.thumbnail);
    const without = local.find((r: { thumbnail: string | null }) => !r.thumbnail);
    if (withArt) expect((await get(`/v1/audio/${withArt.id}/thumb/`)).status).toBe(200);
    if (without) expect((await getJson(`/v1/audio/${without.id}/thumb/`, 404)).body).toEqual({ detail: 'Could not find artwork.' });
    expect(withArt || without).toBeTruthy();
  });
});

/** Width and height from a JPEG's start-of-frame segment. */
function jpegSize(bytes: Uint8Array): [number, number] {
  expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
  let at = 2;
  while (at + 9 < bytes.length) {
    const marker = bytes[at + 1];
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (marker >= 0xc0 && marker <= 0xc2) return [(bytes[at + 7] << 8) | bytes[at + 8], (bytes[at + 5] << 8) | bytes[at + 6]];
    at += 2 + length;
  }
  throw new Error('no start-of-frame segment');
}
