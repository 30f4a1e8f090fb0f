import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../app.js';
import { renderXml } from '../../xml.js';
import { get, getJson } from '../../test-helpers.js';
import { OembedSchema, acceptsXmlFirst, identifierFromOembedUrl } from './oembed.js';

const KEYS = ['version', 'type', 'width', 'height', 'title', 'author_name', 'author_url', 'license_url'];
const UNKNOWN = '4bc43a04-ef46-4544-a0c1-63c63f56e276';

type Image = {
  id: string;
  title: string | null;
  creator: string | null;
  creator_url: string | null;
  license_url: string;
  width: number | null;
  height: number | null;
};

async function images(pages = 3): Promise<Image[]> {
  const all: Image[] = [];
  for (let page = 1; page <= pages; page++) {
    const { body } = await getJson(`/v1/images/?page_size=20&page=${page}`);
    all.push(...body.results);
  }
  return all;
}

function expectedOf(image: Image) {
  return {
    version: '1.0',
    type: 'photo',
    width: image.width,
    height: image.height,
    title: image.title,
    author_name: image.creator,
    license_url: image.license_url,
  };
}

const oembed = (url: string, extra = '') => `/v1/images/oembed/?url=${encodeURIComponent(url)}${extra}`;

describe('identifierFromOembedUrl', () => {
  it.each([
    [UNKNOWN, UNKNOWN],
    [`https://wordpress.org/openverse/photos/${UNKNOWN}`, UNKNOWN],
    [`https://wordpress.org/openverse/photos/${UNKNOWN}/`, UNKNOWN],
    [`wordpress.org/openverse/image/${UNKNOWN}?q=cat`, UNKNOWN],
    [UNKNOWN.toUpperCase(), UNKNOWN],
    [UNKNOWN.replaceAll('-', ''), UNKNOWN],
    [`urn:uuid:${UNKNOWN}`, UNKNOWN],
    ['https://wordpress.org/openverse/photos/cat', null],
    [`https://wordpress.org/openverse/photos/${UNKNOWN}//`, null],
    ['', null],
  ])('%s → %s', (url, id) => {
    expect(identifierFromOembedUrl(url)).toBe(id);
  });
});

describe('acceptsXmlFirst', () => {
  it.each([
    [undefined, false],
    ['*/*', false],
    ['application/json', false],
    ['application/xml', true],
    ['application/xml, application/json', false],
    ['application/xml, */*;q=0.1', true],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
  ])('%s → %s', (accept, xml) => {
    expect(acceptsXmlFirst(accept)).toBe(xml);
  });
});

describe('renderXml', () => {
  it('writes DRF XML: root element, list items, empty nulls, escaped text', () => {
    expect(renderXml({ a: null, b: 'x < y & z > "q"', c: [1, { d: true }], e: 1.5 })).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<root><a></a><b>x &lt; y &amp; z &gt; "q"</b>' +
        '<c><list-item>1</list-item><list-item><d>True</d></list-item></c><e>1.5</e></root>',
    );
  });
});

describe('GET /v1/images/oembed/', () => {
  it('answers the oEmbed photo for every accepted form of the URL', async () => {
    const [image] = await images(1);
    const forms = [
      image.id,
      `https://wordpress.org/openverse/photos/${image.id}`,
      `https://wordpress.org/openverse/photos/${image.id}/`,
      `wordpress.org/openverse/photos/${image.id}`,
      `http://localhost/v1/images/${image.id}/`,
      image.id.toUpperCase(),
    ];
    for (const url of forms) {
      const { body } = await getJson(oembed(url));
      OembedSchema.parse(body);
      expect(Object.keys(body)).toEqual(KEYS);
      expect(body).toMatchObject(expectedOf(image));
      // `author_url` is the stored creator URL, unmodified (results add a missing scheme).
      if (body.author_url === null) expect(image.creator_url).toBeNull();
      else expect([body.author_url, `https://${body.author_url}`]).toContain(image.creator_url);
    }
  });

  it('gives null width and height when the catalog lacks them, and never fetches the image', async () => {
    const all = await images(10);
    const sized = all.find((i) => i.width !== null && i.height !== null);
    const unsized = all.find((i) => i.width === null || i.height === null);
    expect(sized, 'an image with a size in the fixture').toBeTruthy();
    const { body } = await getJson(oembed(sized!.id));
    expect([body.width, body.height]).toEqual([sized!.width, sized!.height]);
    if (unsized) {
      // The fixture's media URLs never answer: a fetch would time out, not give a size.
      const { body: b } = await getJson(oembed(unsized.id));
      expect([b.width, b.height]).toEqual([unsized.width, unsized.height]);
    }
  });

  it('answers the same as XML with format=xml', async () => {
    const all = await images(10);
    const image = all.find((i) => (i.title ?? '').includes('&')) ?? all[0];
    const { body: json } = await getJson(oembed(image.id));
    const res = await get(oembed(image.id, '&format=xml'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const xml = await res.text();
    expect(xml).toBe(renderXml(json));
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<root><version>1.0</version><type>photo</type>')).toBe(true);
    if ((image.title ?? '').includes('&')) expect(xml).toContain(`<title>${image.title!.replaceAll('&', '&amp;')}</title>`);
  });

  it('answers XML when the Accept header asks for it, JSON with format=json', async () => {
    const [image] = await images(1);
    const res = await get(oembed(image.id), { headers: { Accept: 'application/xml' } });
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const { body } = await getJson(oembed(image.id, '&format=json'), 200, { headers: { Accept: 'application/xml' } });
    expect(body.version).toBe('1.0');
  });

  it('answers 404 for an unknown format, before validating anything', async () => {
    const [image] = await images(1);
    for (const path of [
      oembed(image.id, '&format=yaml'),
      '/v1/images/oembed/?format=csv',
      '/v1/images/oembed/?format=yaml&page_size=100',
    ]) {
      const { body } = await getJson(path, 404);
      expect(body).toEqual({ detail: 'Not found.' });
    }
  });

  it.each([
    ['', { url: ['This field is required.'] }],
    ['?url=', { url: ['This field is required.'] }],
    ['?url=%20%20', { url: ['This field may not be blank.'] }],
    ['?format=xml', { url: ['This field is required.'] }],
  ])('answers 400 for the query "%s"', async (query, detail) => {
    const { body } = await getJson(`/v1/images/oembed/${query}`, 400);
    expect(body).toEqual({ detail });
  });

  it.each([UNKNOWN, `https://wordpress.org/openverse/photos/${UNKNOWN}`, 'https://wordpress.org/openverse/photos/not-a-uuid', 'cat'])(
    'answers 404 for %s (unknown or not an identifier)',
    async (url) => {
      const { body } = await getJson(oembed(url), 404);
      expect(body).toEqual({ detail: 'Not found.' });
    },
  );

  it('validates search parameters here too (§2.3)', async () => {
    const [image] = await images(1);
    const { body } = await getJson(oembed(image.id, '&page_size=100'), 401);
    expect(body).toEqual({ detail: 'Ensure this value is less than or equal to 20.' });
    const { body: both } = await getJson('/v1/images/oembed/?page=0', 400);
    expect(Object.keys(both.detail).sort()).toEqual(['page', 'url']);
  });

  it('exists for images only', async () => {
    const { body } = await getJson(`/v1/audio/oembed/?url=${UNKNOWN}`, 404);
    expect(body).toEqual({ detail: 'Not found.' });
  });

  it('redirects the path without the trailing slash, keeping the query', async () => {
    const res = await get(`/v1/images/oembed?url=${UNKNOWN}&format=xml`);
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toMatch(new RegExp(`/v1/images/oembed/\\?url=${UNKNOWN}&format=xml$`));
  });

  it('answers 503 when the database is unreachable', async () => {
    const res = await createApp().request(oembed(UNKNOWN), {}, { ...env, NEON_WS_PROXY: '127.0.0.1:9' });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ detail: 'The database is unavailable. Try again shortly.' });
  });

  it('is documented as image_oembed', async () => {
    const { body } = await getJson('/v1/openapi.json');
    const op = body.paths['/v1/images/oembed/'].get;
    expect(op.operationId).toBe('image_oembed');
    const url = op.parameters.find((p: { name: string }) => p.name === 'url');
    expect(url.required).toBe(true);
    expect(Object.keys(op.responses['200'].content)).toEqual(['application/json', 'application/xml']);
  });
});

describe('oembed url: bounded and linear', () => {
  it('reads an identifier in linear time, however many braces', () => {
    // `/\}+$/` over this took seconds (quadratic); a linear scan takes a millisecond.
    const started = performance.now();
    expect(identifierFromOembedUrl(`${'}'.repeat(60_000)}x`)).toBeNull();
    expect(identifierFromOembedUrl(`${'{'.repeat(60_000)}x`)).toBeNull();
    expect(performance.now() - started).toBeLessThan(250);
    expect(identifierFromOembedUrl(`{{${UNKNOWN}}}`)).toBe(UNKNOWN);
  });

  it('refuses a url over 1000 characters with a 400 naming it', async () => {
    const { body } = await getJson(`/v1/images/oembed/?url=${'}'.repeat(16_000)}`, 400);
    expect(body).toEqual({ detail: { url: ['Ensure this field has no more than 1000 characters.'] } });
  });
});
