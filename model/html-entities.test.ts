import { describe, expect, it } from 'vitest';
import { decodeHtmlEntities } from './html-entities.js';

describe('decodeHtmlEntities', () => {
  it('decodes named references beyond the common few', () => {
    expect(decodeHtmlEntities('I &hearts; rain &larr; &frac12; &Omega;')).toBe('I \u2665 rain \u2190 \u00bd \u03a9');
    expect(decodeHtmlEntities('Bridge &ndash; at dusk &amp; dawn')).toBe('Bridge \u2013 at dusk & dawn');
  });

  it('decodes numeric references, decimal and hex', () => {
    expect(decodeHtmlEntities('it&#39;s &#x27;here&#x27; &#128512;')).toBe("it's 'here' \u{1f600}");
  });

  it('leaves what is not a closed reference as written', () => {
    expect(decodeHtmlEntities('https://example.org/?a=1&para=2&copy AT&T &unknown; &')).toBe(
      'https://example.org/?a=1&para=2&copy AT&T &unknown; &',
    );
    expect(decodeHtmlEntities('no entities here')).toBe('no entities here');
  });

  it('decodes once: double-encoded text keeps one level', () => {
    expect(decodeHtmlEntities('&amp;quot;quoted&amp;quot;')).toBe('&quot;quoted&quot;');
  });
});
