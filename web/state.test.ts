import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LICENSE_SLUGS } from '../model/licenses.js';
import {
  apiQuery,
  FILTER_KEYS,
  filterKeysOf,
  INITIAL_STATE,
  type PageState,
  parseState,
  sameSearch,
  stateToSearch,
  switchMedia,
} from './state.js';

const ID = '4bc43a04-ef46-4544-a0c1-63c63f56e276';

describe('page state in the URL', () => {
  it('reads a shared link', () => {
    expect(parseState(`?q=+red+fox+&media=audio&license=CC0,by&length=short&page=3&id=${ID}`)).toEqual({
      media: 'audio',
      q: 'red fox',
      page: 3,
      filters: { license: ['by', 'cc0'], length: ['short'] },
      id: ID,
    });
  });

  it('drops what the API would refuse: unknown values, filters of the other media type, pages out of range', () => {
    const state = parseState('?license=by,gpl&size=huge,large&length=short&category=music&page=99&id=nope&source=flickr,Bad%20Name');
    expect(state.media).toBe('image');
    expect(state.filters).toEqual({ license: ['by'], size: ['large'], source: ['flickr'] });
    expect(state.page).toBe(20);
    expect(state.id).toBeNull();
    expect(parseState('?page=0').page).toBe(1);
    expect(parseState('?page=2.5').page).toBe(1);
    expect(parseState('?media=video').media).toBe('image');
    expect(parseState(`?q=${'x'.repeat(300)}`).q).toHaveLength(200);
  });

  it('writes one canonical URL per view: fixed order, sorted values, defaults left out', () => {
    expect(stateToSearch(INITIAL_STATE)).toBe('');
    expect(stateToSearch({ ...INITIAL_STATE, q: 'cat & dog', filters: { license: ['cc0', 'by'], aspect_ratio: ['wide'] }, page: 2 })).toBe(
      '?q=cat+%26+dog&license=by,cc0&aspect_ratio=wide&page=2',
    );
    expect(stateToSearch({ ...INITIAL_STATE, media: 'audio', filters: { size: ['large'], length: ['long'] } })).toBe(
      '?media=audio&length=long',
    );
  });

  it('round-trips every state it writes', () => {
    const media = fc.constantFrom<'image' | 'audio'>('image', 'audio');
    const state = fc.record({
      media,
      q: fc.string({ maxLength: 40 }).map((s) => s.trim()),
      page: fc.integer({ min: 1, max: 20 }),
      filters: fc.record({ license: fc.subarray([...LICENSE_SLUGS]), source: fc.subarray(['flickr', 'jamendo', 'wikimedia']) }),
      id: fc.constantFrom(null, ID),
    });
    fc.assert(
      fc.property(state, (s) => {
        const written = stateToSearch(s as PageState);
        const read = parseState(written);
        expect(stateToSearch(read)).toBe(written);
        expect(read.q).toBe(s.q);
        expect(read.page).toBe(s.page);
        expect(read.filters.license ?? []).toEqual(LICENSE_SLUGS.filter((l) => s.filters.license.includes(l)));
      }),
    );
  });

  it('asks the API with its own names; audio asks for the waveform peaks too', () => {
    expect(apiQuery(parseState('?q=owl&license=by-sa&license_type=commercial&category=photograph&page=4'))).toEqual({
      q: 'owl',
      license: 'by-sa',
      license_type: 'commercial',
      category: 'photograph',
      page: 4,
    });
    expect(apiQuery(parseState('?media=audio&length=shortest,long'))).toEqual({ length: 'shortest,long', peaks: true });
    expect(apiQuery(INITIAL_STATE)).toEqual({});
  });

  it('knows which filters each media type takes', () => {
    expect(filterKeysOf('image')).toEqual(['license', 'license_type', 'source', 'category', 'size', 'aspect_ratio']);
    expect(filterKeysOf('audio')).toEqual(['license', 'license_type', 'source', 'category', 'length']);
    expect([...new Set([...filterKeysOf('image'), ...filterKeysOf('audio')])].sort()).toEqual([...FILTER_KEYS].sort());
  });

  it('switching media keeps the query and the shared licence filters, from page 1', () => {
    const from = parseState(`?q=rain&license=by&license_type=commercial&category=photograph&size=large&source=flickr&page=3&id=${ID}`);
    expect(switchMedia(from, 'audio')).toEqual({
      media: 'audio',
      q: 'rain',
      page: 1,
      filters: { license: ['by'], license_type: ['commercial'] },
      id: null,
    });
    expect(switchMedia(from, 'image')).toBe(from);
  });

  it('the open work does not change the search', () => {
    expect(sameSearch(parseState('?q=a'), parseState(`?q=a&id=${ID}`))).toBe(true);
    expect(sameSearch(parseState('?q=a'), parseState('?q=a&page=2'))).toBe(false);
  });
});
