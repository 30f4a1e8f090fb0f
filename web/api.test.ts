import { describe, expect, it } from 'vitest';
import { detailText, problemOf, retryAfterSeconds } from './api.js';
import { facetCounts } from './filters.js';

const answer = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers });

describe("the page's reading of API answers", () => {
  it('words the API error shapes', () => {
    expect(detailText({ detail: 'Not found.' })).toBe('Not found.');
    expect(detailText({ detail: { page: ['Ensure this value is less than or equal to 20.'], q: ['a', 'b'] } })).toBe(
      'page: Ensure this value is less than or equal to 20.; q: a b',
    );
    expect(detailText(null)).toBeNull();
    expect(detailText('<html>')).toBeNull();
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(retryAfterSeconds('42')).toBe(42);
    expect(retryAfterSeconds(null)).toBeNull();
    expect(retryAfterSeconds('soon')).toBeNull();
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(retryAfterSeconds('Mon, 07 Dec 2026 10:01:30 GMT', now)).toBe(90);
  });

  it('tells a refusal from a mistake and from an outage', () => {
    expect(problemOf(answer(429, { 'Retry-After': '30' }), { detail: 'Request was throttled. Expected available in 30 seconds.' })).toEqual(
      {
        kind: 'rate_limited',
        retryAfter: 30,
        message: 'Request was throttled. Expected available in 30 seconds.',
      },
    );
    expect(problemOf(answer(400), { detail: { page: ['A valid integer is required.'] } })).toEqual({
      kind: 'invalid',
      message: 'page: A valid integer is required.',
    });
    expect(problemOf(answer(404), { detail: 'Not found.' }).kind).toBe('not_found');
    expect(problemOf(answer(503), undefined)).toEqual({ kind: 'unavailable', status: 503, message: 'The API answered 503.' });
  });

  it('shows facet counts only when the answer carries them', () => {
    expect(facetCounts({ result_count: 3, results: [] })).toBeNull();
    expect(facetCounts({ facets: null })).toBeNull();
    expect(facetCounts({ facets: { license: { by: 12, cc0: 3, bad: 'x' }, source: {} } })).toEqual({ license: { by: 12, cc0: 3 } });
  });
});
