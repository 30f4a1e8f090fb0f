import { describe, expect, it } from 'vitest';
import { parseTermList, termMatcher } from './sensitive-terms.js';

const rec = (title: string | null, description: string | null = null, tags: string[] = []) => ({
  title,
  description,
  tags: tags.map((name) => ({ name, accuracy: null })),
});

describe('termMatcher', () => {
  const match = termMatcher(['nude', 'explicit sex']);
  it('matches whole words in title, description and tags, case-insensitively', () => {
    expect(match(rec('A NUDE study'))).toBe(true);
    expect(match(rec(null, 'some explicit   sex scene'))).toBe(true);
    expect(match(rec('x', null, ['Nude']))).toBe(true);
  });
  it('does not match inside other words', () => {
    expect(match(rec('nudeness and denuded hills'))).toBe(false);
    expect(match(rec('sexy explicitness'))).toBe(false);
  });
  it('reads term files and handles an empty list', () => {
    expect(parseTermList('# list\nfoo\n\n bar baz # comment\n')).toEqual(['foo', 'bar baz']);
    expect(termMatcher([])(rec('anything'))).toBe(false);
  });
});
