import { describe, expect, it } from 'vitest';
import { ImageSearchQuerySchema } from '../routes/media/schema.js';
import { afterFilter, buildSearchPlan, fieldTerms, MAX_UNION_MEMBERS, OTHER_LANGUAGES_WEIGHT, quote } from './query.js';

const parse = (query: Record<string, string>) => ImageSearchQuerySchema.parse(query);

describe('quote', () => {
  it('escapes backslashes and quotes so a value stays one literal', () => {
    expect(quote('a"b')).toBe('"a\\"b"');
    expect(quote('a\\" OR x = "y')).toBe('"a\\\\\\" OR x = \\"y"');
  });
});

const buildSearchRequest = (...args: Parameters<typeof buildSearchPlan>) => buildSearchPlan(...args).request;

describe('buildSearchRequest', () => {
  it('requires every word of q over the text fields and hides mature works', () => {
    const req = buildSearchRequest('image', parse({ q: 'red fox' }), { authenticated: false });
    expect(req).toMatchObject({ q: 'red fox', matchingStrategy: 'all', attributesToSearchOn: ['title', 'tag_names', 'description'] });
    expect(req.filter).toEqual(['mature = false AND sensitive_text = false']);
    expect(req.sort).toBeUndefined();
  });

  it('turns list parameters into quoted IN filters', () => {
    const req = buildSearchRequest('image', parse({ license: 'BY,cc0', source: 'a"b', size: 'small', mature: 'true' }), {
      authenticated: false,
    });
    expect(req.filter).toEqual(['license IN ["by", "cc0"]', 'source IN ["a\\"b"]', 'size IN ["small"]']);
  });

  it('sorts by date only for authenticated callers; a browse breaks ties by id', () => {
    const sort = { unstable__sort_by: 'indexed_on', unstable__sort_dir: 'asc' };
    const params = parse(sort);
    expect(buildSearchRequest('image', params, { authenticated: true }).sort).toEqual(['indexed_on_ts:asc', 'id:asc']);
    expect(buildSearchRequest('image', params, { authenticated: false }).sort).toEqual(['popularity:desc', 'id:asc']);
    expect(buildSearchRequest('image', parse({ ...sort, q: 'sea' }), { authenticated: false }).sort).toBeUndefined();
    expect(buildSearchRequest('image', parse({ ...sort, q: 'sea' }), { authenticated: true }).sort).toEqual(['indexed_on_ts:asc']);
  });

  it('resumes a browse after its last keys with a quoted keyset filter', () => {
    const desc = buildSearchRequest('image', parse({}), { authenticated: false });
    expect(afterFilter(desc, 12.5, 'a"b')).toBe('(popularity < 12.5 OR (popularity = 12.5 AND id > "a\\"b"))');
    const asc = buildSearchRequest('image', parse({ unstable__sort_by: 'indexed_on', unstable__sort_dir: 'asc' }), { authenticated: true });
    expect(afterFilter(asc, 1700000000, 'x')).toBe('(indexed_on_ts > 1700000000 OR (indexed_on_ts = 1700000000 AND id > "x"))');
  });

  it('searches only the named fields without q', () => {
    const plan = buildSearchPlan('image', parse({ creator: 'Ann', title: 'Sea' }), { authenticated: false });
    expect(plan.request).toMatchObject({ q: 'Sea Ann', attributesToSearchOn: ['title', 'creator'], matchingStrategy: 'all' });
    expect(plan.union).toBeUndefined();
  });

  it('a field search with several words is a union: every word, then each word alone (OR)', () => {
    const plan = buildSearchPlan('image', parse({ creator: 'Congress Alavoine' }), { authenticated: false });
    expect(plan.union?.map((m) => [m.request.q, m.request.attributesToSearchOn, m.weight])).toEqual([
      ['Congress Alavoine', ['creator'], 1],
      ['Congress', ['creator'], 0.9],
      ['Alavoine', ['creator'], 0.9],
    ]);
    // Every member keeps the filters.
    expect(plan.union?.every((m) => m.request.filter?.[0] === 'mature = false AND sensitive_text = false')).toBe(true);
  });

  it('several fields: one term of each field in every member (AND between fields, OR within one)', () => {
    const plan = buildSearchPlan('image', parse({ title: 'red blue', creator: 'Ann' }), { authenticated: false });
    expect(plan.union?.slice(1).map((m) => m.request.q)).toEqual(['red Ann', 'blue Ann']);
  });

  it('caps the union, and keeps quoted phrases whole', () => {
    expect(fieldTerms('"New York" city  city "" x')).toEqual(['"New York"', 'city', 'x']);
    const many = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    expect(buildSearchPlan('image', parse({ tags: many }), { authenticated: false }).union).toHaveLength(MAX_UNION_MEMBERS);
  });

  it('narrows collections with exact, quoted filters', () => {
    const req = buildSearchRequest('image', parse({}), { authenticated: false, collection: { source: 'flickr', creator: 'Jo "J" Lee' } });
    expect(req.filter).toEqual(['mature = false AND sensitive_text = false', 'source = "flickr"', 'creator = "Jo \\"J\\" Lee"']);
    expect(req.sort).toEqual(['indexed_on_ts:desc', 'id:asc']);
  });

  it('language= doubles each member: narrowed to the language and read as it (full weight), then as it was', () => {
    const plan = buildSearchPlan('image', parse({ q: '清水寺', language: 'ja', license: 'by' }), { authenticated: false });
    const base = ['mature = false AND sensitive_text = false', 'license IN ["by"]'];
    expect(plan.union?.map((m) => [m.request.q, m.request.locales, m.request.filter, m.weight])).toEqual([
      ['清水寺', ['jpn'], [...base, 'language = "ja"'], 1],
      ['清水寺', undefined, base, OTHER_LANGUAGES_WEIGHT],
    ]);
  });

  it('language= with a field-search union keeps the cap: half the term combinations, each twice', () => {
    const many = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    const plan = buildSearchPlan('image', parse({ tags: many, language: 'de' }), { authenticated: false });
    expect(plan.union).toHaveLength(MAX_UNION_MEMBERS);
    expect(plan.union?.filter((m) => m.request.locales?.[0] === 'deu')).toHaveLength(MAX_UNION_MEMBERS / 2);
    expect(plan.union?.map((m) => m.weight)).toEqual([
      1,
      ...Array(7).fill(0.9),
      OTHER_LANGUAGES_WEIGHT,
      ...Array(7).fill(0.9 * OTHER_LANGUAGES_WEIGHT),
    ]);
  });

  it('language= without text changes nothing (placeholder hits merge by popularity, not weight)', () => {
    const plain = buildSearchPlan('image', parse({}), { authenticated: false });
    expect(buildSearchPlan('image', parse({ language: 'de' }), { authenticated: false })).toEqual(plain);
  });
});
