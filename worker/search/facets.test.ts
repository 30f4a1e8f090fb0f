import { describe, expect, it } from 'vitest';
import { MAX_FACET_VALUES } from '../../model/search-index.js';
import { engineFacets, shapeFacets } from './facets.js';

describe('shapeFacets', () => {
  it('orders by count then value, keeps the limit, and derives license_type from license', () => {
    const shaped = shapeFacets(
      { source: { b: 2, a: 2, c: 5, z: 0 }, license: { by: 3, 'by-nc': 2, pdm: 1, cc0: 4 } },
      ['license_type', 'source', 'license'],
      2,
    );
    expect(Object.keys(shaped)).toEqual(['license_type', 'source', 'license']);
    expect(Object.entries(shaped.source)).toEqual([
      ['c', 5],
      ['a', 2],
    ]);
    // all = 10; all-cc leaves pdm out (9); commercial leaves by-nc out (8); modification keeps all 10.
    expect(Object.entries(shaped.license_type)).toEqual([
      ['all', 10],
      ['modification', 10],
    ]);
    expect(shapeFacets({ license: {} }, ['license_type', 'creator'], 20)).toEqual({ license_type: {}, creator: {} });
  });

  it('leaves out the lowest count when the engine may have cut its ties', () => {
    const counts = Object.fromEntries(Array.from({ length: MAX_FACET_VALUES }, (_, i) => [`v${i}`, i < 3 ? 2 : 1]));
    expect(shapeFacets({ creator: counts }, ['creator'], 100).creator).toEqual({ v0: 2, v1: 2, v2: 2 });
  });

  it('asks the engine for license in place of license_type, once', () => {
    expect(engineFacets(['license_type', 'source', 'license'])).toEqual(['license', 'source']);
  });
});
