import { describe, expect, it } from 'vitest';
import { ImageSearchQuerySchema } from '../routes/media/schema.js';
import { buildSearchRequest, quote } from './query.js';

const parse = (query: Record<string, string>) => ImageSearchQuerySchema.parse(query);

describe('quote', () => {
  it('escapes backslashes and quotes so a value stays one literal', () => {
    expect(quote('a"b')).toBe('"a\\"b"');
    expect(quote('a\\" OR x = "y')).toBe('"a\\\\\\" OR x = \\"y"');
  });
});

describe('buildSearchRequest', () => {
  it('requires every word of q over the text fields and hides mature works', () => {
    const req = buildSearchRequest('image', parse({ q: 'red fox' }), { authenticated: false });
    expect(req).toMatchObject({ q: 'red fox', matchingStrategy: 'all', attributesToSearchOn: ['title', 'tag_names', 'description'] });
    expect(req.filter).toEqual(['mature = false AND sensitive_text = false']);
    expect(req.sort).toBeUndefined();
  });

  it('turns list parameters into quoted IN filters', () => {
    const req = buildSearchRequest('image', parse({ license: 'BY,cc0', source: 'a"b', size: 'small', mature: 'true' }), { authenticated: false });
    expect(req.filter).toEqual(['license IN ["by", "cc0"]', 'source IN ["a\\"b"]', 'size IN ["small"]']);
  });

  it('sorts by date only for authenticated callers', () => {
    const params = parse({ unstable__sort_by: 'indexed_on', unstable__sort_dir: 'asc' });
    expect(buildSearchRequest('image', params, { authenticated: true }).sort).toEqual(['indexed_on_ts:asc']);
    expect(buildSearchRequest('image', params, { authenticated: false }).sort).toBeUndefined();
  });

  it('searches only the named fields without q', () => {
    const req = buildSearchRequest('image', parse({ creator: 'Ann', title: 'Sea' }), { authenticated: false });
    expect(req).toMatchObject({ q: 'Sea Ann', attributesToSearchOn: ['title', 'creator'], matchingStrategy: 'all' });
  });

  it('narrows collections with exact, quoted filters', () => {
    const req = buildSearchRequest('image', parse({}), { authenticated: false, collection: { source: 'flickr', creator: 'Jo "J" Lee' } });
    expect(req.filter).toEqual(['mature = false AND sensitive_text = false', 'source = "flickr"', 'creator = "Jo \\"J\\" Lee"']);
    expect(req.sort).toEqual(['indexed_on_ts:desc']);
  });
});
