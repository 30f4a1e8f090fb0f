import { describe, expect, it } from 'vitest';
import { attributionHtml } from './attribution.js';

describe('attribution HTML (the search page\'s "Copy HTML")', () => {
  const work = {
    title: 'Tree Bark Photo',
    creator: 'Tim Sullivan',
    license: 'by-sa',
    licenseVersion: '2.0',
    licenseUrl: 'https://creativecommons.org/licenses/by-sa/2.0/',
    foreignLandingUrl: 'https://www.flickr.com/photos/x/1/',
    creatorUrl: 'https://www.flickr.com/photos/x/',
  };

  it('links the title, the creator and the licence deed', () => {
    expect(attributionHtml(work)).toBe(
      '<p class="attribution">"<a href="https://www.flickr.com/photos/x/1/" rel="noopener noreferrer">Tree Bark Photo</a>" by ' +
        '<a href="https://www.flickr.com/photos/x/" rel="noopener noreferrer">Tim Sullivan</a> is licensed under ' +
        '<a href="https://creativecommons.org/licenses/by-sa/2.0/" rel="license noopener noreferrer">CC BY-SA 2.0</a>.</p>',
    );
  });

  it('says "marked with" for public domain tools, and leaves out what is missing', () => {
    const html = attributionHtml({ ...work, title: null, creator: null, license: 'cc0', licenseVersion: '1.0', creatorUrl: null });
    expect(html).toBe(
      '<p class="attribution"><a href="https://www.flickr.com/photos/x/1/" rel="noopener noreferrer">This work</a> is marked with ' +
        '<a href="https://creativecommons.org/licenses/by-sa/2.0/" rel="license noopener noreferrer">CC0 1.0</a>.</p>',
    );
  });

  it('escapes every value and links only http(s) URLs', () => {
    const html = attributionHtml({
      ...work,
      title: '<script>alert(1)</script>',
      creator: 'A & "B"',
      foreignLandingUrl: 'javascript:alert(1)',
      creatorUrl: 'https://example.org/?a=1&b="2"',
    });
    expect(html).toContain('"&#60;script&#62;alert(1)&#60;/script&#62;"');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<a href="https://example.org/?a=1&#38;b=&#34;2&#34;" rel="noopener noreferrer">A &#38; &#34;B&#34;</a>');
  });
});
