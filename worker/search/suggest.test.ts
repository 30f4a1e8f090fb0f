/**
 * The pure parts of suggestions: match positions (UTF-8 bytes, as Meilisearch 1.21 gives
 * them) widened to whole words, the typo budget, and the ranking of candidates.
 */
import { describe, expect, it } from 'vitest';
import { fits, matchedWords, rankCandidates, tokensOf, type SuggestHit } from './suggest.js';

describe('matchedWords', () => {
  it('reads byte positions and widens a prefix match to its word', () => {
    // Positions Meilisearch 1.21 answered for `montreal` and `ete` on this title.
    const title = 'Café «Montréal» été';
    expect(matchedWords(title, [{ start: 8, length: 9 }])).toEqual(['montréal']);
    expect(matchedWords(title, [{ start: 20, length: 5 }])).toEqual(['été']);
    // `mou` matched 3 bytes of each word.
    expect(
      matchedWords('Mouse in the Mountains', [
        { start: 0, length: 3 },
        { start: 13, length: 3 },
      ]),
    ).toEqual(['mouse', 'mountains']);
  });
});

describe('fits', () => {
  it('follows the engine: prefixes for the last word, one typo from 5 letters, two from 9', () => {
    expect(fits('mou', 'mountain', true)).toBe(true);
    expect(fits('mou', 'mountain', false)).toBe(false);
    expect(fits('montain', 'mountain', true)).toBe(true);
    expect(fits('montain', 'mountains', true)).toBe(true);
    expect(fits('dgo', 'dog', false)).toBe(false);
    expect(fits('cafe', 'café', false)).toBe(true);
    expect(fits('mountaims', 'mountain', false)).toBe(true);
    expect(fits('lake', 'mountain', true)).toBe(false);
  });
});

describe('rankCandidates', () => {
  const hits: SuggestHit[] = [
    {
      title: 'Snowy Mountain at dawn',
      tag_names: ['mountain lake', 'snow'],
      _matchesPosition: { title: [{ start: 6, length: 3 }], tag_names: [{ start: 0, length: 3, indices: [0] }] },
    },
    {
      title: 'Mouse in the Mountains',
      tag_names: ['mouse'],
      _matchesPosition: {
        title: [
          { start: 0, length: 3 },
          { start: 13, length: 3 },
        ],
        tag_names: [{ start: 0, length: 3, indices: [0] }],
      },
    },
    { title: 'Mountain song', tag_names: [], _matchesPosition: { title: [{ start: 0, length: 3 }] } },
  ];

  it('counts hits per candidate, then the best rank; words and whole tags', () => {
    expect(rankCandidates(hits, tokensOf('mou'), 'complete')).toEqual(['mountain', 'mountain lake', 'mountains', 'mouse']);
    expect(rankCandidates(hits, tokensOf('mou'), 'word')).toEqual(['mountain', 'mountains', 'mouse']);
  });

  it('keeps the words before the last as typed', () => {
    const two: SuggestHit[] = [
      {
        title: 'Snowy Mountain',
        tag_names: [],
        _matchesPosition: {
          title: [
            { start: 0, length: 5 },
            { start: 6, length: 3 },
          ],
        },
      },
    ];
    expect(rankCandidates(two, tokensOf('snowy mou'), 'complete')).toEqual(['snowy mountain']);
  });
});
