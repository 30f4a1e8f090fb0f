/**
 * Property-based bad-input test: thousands of generated requests across the media
 * endpoints and every search parameter. Invariants: never a 5xx; every 4xx is JSON
 * naming the parameter at fault (or a documented shape); every 200 honours its filters,
 * holds at most `page_size` results, and pages of one query share no id.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LICENSE_GROUPS, LICENSE_SLUGS } from '../../model/licenses.js';
import { get } from '../test-helpers.js';

// 1600 runs of three single-request properties per media type plus 160 × 3 pages:
// 2 × (3 × 1600 + 480) = 10,560 requests per run of this file.
const RUNS = 1600;

const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('"', "'", '=', ' OR ', ' AND ', '\\', '[', ']', '%00', '\u0000', '\u202e', '-1', '1e9', '2.5', 'NaN', 'null', 'true', ''),
  fc.integer({ min: -5, max: 600 }).map(String),
  fc.constantFrom(
    ...LICENSE_SLUGS,
    'BY',
    'Cc0',
    'commercial',
    'modification',
    'all-cc',
    'flickr',
    'wikimedia',
    'jpg',
    'photograph',
    'tall',
    'small',
    'short',
  ),
  fc.array(fc.constantFrom('by', 'cc0', 'flickr', 'x', ' ', ''), { maxLength: 4 }).map((a) => a.join(',')),
  fc.string({ maxLength: 1200 }).map((s) => s.repeat(2)),
);

const PARAMS = [
  'q',
  'creator',
  'tags',
  'title',
  'license',
  'license_type',
  'source',
  'excluded_source',
  'extension',
  'category',
  'mature',
  'qa',
  'filter_dead',
  'page',
  'page_size',
  'unstable__sort_by',
  'unstable__sort_dir',
  'unstable__include_sensitive_results',
  'aspect_ratio',
  'size',
  'length',
  'peaks',
  'li',
  'provider',
];

const query = fc.array(fc.tuple(fc.constantFrom(...PARAMS), nasty), { maxLength: 5 }).map((pairs) => {
  const qs = new URLSearchParams();
  for (const [k, v] of pairs) qs.append(k, v);
  return { pairs, qs: qs.toString() };
});

type Body = Record<string, any>;

async function call(path: string): Promise<{ status: number; body: Body | string; type: string }> {
  const res = await get(path);
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  let body: Body | string = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* asserted below */
  }
  return { status: res.status, body, type };
}

function checkError(status: number, body: Body | string, type: string, keys: string[]) {
  expect(status, JSON.stringify(body)).toBeLessThan(500);
  expect(type).toContain('application/json');
  if (status === 400) {
    const detail = (body as Body).detail;
    const named = Object.keys(detail);
    expect(
      named.every((k) => keys.includes(k) || k === 'non_field_errors'),
      JSON.stringify(detail),
    ).toBe(true);
  }
  if (status === 401) expect((body as Body).detail).toMatch(/less than or equal to 20/);
}

/** The last value of a parameter, as the API reads it. */
function last(pairs: [string, string][], name: string): string | undefined {
  const found = pairs.filter(([k]) => k === name);
  return found.length ? found[found.length - 1][1] : undefined;
}

function checkResults(media: 'images' | 'audio', pairs: [string, string][], body: Body) {
  expect(body.results.length).toBeLessThanOrEqual(body.page_size);
  const license = last(pairs, 'license')
    ?.toLowerCase()
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const group = last(pairs, 'license_type')
    ?.toLowerCase()
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const source = last(pairs, 'source')
    ?.toLowerCase()
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const mature = ['true', 'True', 'TRUE', 't', 'T', 'yes', 'Yes', 'YES', 'y', 'Y', 'on', 'On', 'ON', '1'];
  const wantsMature =
    mature.includes(last(pairs, 'mature')?.trim() ?? '') ||
    mature.includes(last(pairs, 'unstable__include_sensitive_results')?.trim() ?? '');
  for (const r of body.results) {
    if (license?.length) expect(license).toContain(r.license);
    if (group?.length) for (const g of group) expect(LICENSE_GROUPS[g as keyof typeof LICENSE_GROUPS]).toContain(r.license);
    if (source?.length) expect(source).toContain(r.source);
    if (!wantsMature) expect(r.mature).toBe(false);
    expect(r.detail_url).toContain(`/v1/${media}/${r.id}/`);
  }
}

describe.each(['images', 'audio'] as const)('generated requests to /v1/%s/', (media) => {
  it('search never fails with 5xx, errors name the parameter, results honour filters', async () => {
    await fc.assert(
      fc.asyncProperty(query, async ({ pairs, qs }) => {
        const { status, body, type } = await call(`/v1/${media}/?${qs}`);
        checkError(
          status,
          body,
          type,
          pairs.map(([k]) => k),
        );
        if (status === 200) checkResults(media, pairs, body as Body);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('detail, related and stats validate the same parameters (§2.3)', async () => {
    const { body } = await call(`/v1/${media}/?page_size=1`);
    const id = (body as Body).results[0].id;
    await fc.assert(
      fc.asyncProperty(
        query,
        fc.constantFrom(`/v1/${media}/${id}/`, `/v1/${media}/${id}/related/`, `/v1/${media}/stats/`),
        async ({ pairs, qs }, path) => {
          const { status, body: b, type } = await call(`${path}?${qs}`);
          checkError(
            status,
            b,
            type,
            pairs.map(([k]) => k),
          );
        },
      ),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('path segments of any shape are a 4xx JSON or a redirect, never a 5xx', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.uuid({ version: 4 }),
      fc.constantFrom('..', '%2e%2e', '%00', 'stats', 'oembed', '😀'),
    );
    await fc.assert(
      fc.asyncProperty(segment, fc.constantFrom('', 'related/', 'thumb/', 'report/'), async (seg, tail) => {
        const res = await get(`/v1/${media}/${encodeURIComponent(seg)}/${tail}`);
        expect(res.status, `${seg} ${tail}`).toBeLessThan(500);
        if (res.status >= 400 && !(tail === 'thumb/' && res.status === 424)) {
          expect(res.headers.get('content-type') ?? '').toContain('application/json');
        }
        await res.body?.cancel();
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('pages of one generated query share no id', async () => {
    const words = fc.constantFrom('', 'mountain', 'river', 'sun', 'music', 'rain', 'city', 'night', 'blue');
    await fc.assert(
      fc.asyncProperty(words, fc.integer({ min: 1, max: 20 }), async (q, size) => {
        const seen = new Set<string>();
        for (let page = 1; page <= 3; page++) {
          const { status, body } = await call(`/v1/${media}/?q=${q}&page_size=${size}&page=${page}`);
          expect(status).toBe(200);
          for (const r of (body as Body).results) {
            expect(seen.has(r.id), `${q} page ${page} repeats ${r.id}`).toBe(false);
            seen.add(r.id);
          }
        }
      }),
      { numRuns: Math.round(RUNS / 10) },
    );
  }, 300_000);
});

describe('generated requests to /v1/search/ and /v1/{media}/suggest/ (issue #20)', () => {
  it('the all-media search never fails with 5xx, errors name the parameter, results honour the shared filters', async () => {
    await fc.assert(
      fc.asyncProperty(query, async ({ pairs, qs }) => {
        const { status, body, type } = await call(`/v1/search/?${qs}`);
        checkError(
          status,
          body,
          type,
          pairs.map(([k]) => k),
        );
        if (status !== 200) return;
        const b = body as Body;
        expect(b.results.length).toBeLessThanOrEqual(b.page_size);
        for (const r of b.results) checkResults(r.media_type === 'image' ? 'images' : 'audio', pairs, { ...b, results: [r] });
      }),
      { numRuns: RUNS / 4 },
    );
  }, 300_000);

  it('suggest answers up to 10 strings or a 400 naming q, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(nasty, fc.constantFrom('images', 'audio'), async (q, media) => {
        const { status, body, type } = await call(`/v1/${media}/suggest/?q=${encodeURIComponent(q)}`);
        checkError(status, body, type, ['q']);
        if (status === 200) {
          const { suggestions } = body as Body;
          expect(suggestions.length).toBeLessThanOrEqual(10);
          for (const s of suggestions) expect(typeof s).toBe('string');
        }
      }),
      { numRuns: RUNS / 4 },
    );
  }, 300_000);
});
