import { describe, expect, it } from 'vitest';
import { attributionText } from './attribution.js';
import { LICENSE_GROUPS, buildLicenseUrl, licenseDeedUrl, licenseDisplayName, licensesForTypes, normalizeLicense } from './licenses.js';

describe('licence groups (§6.2)', () => {
  it('has the documented members', () => {
    expect(LICENSE_GROUPS.commercial).toEqual(['by', 'by-sa', 'by-nd', 'cc0', 'pdm', 'sampling+']);
    expect(LICENSE_GROUPS.modification).toEqual(['by', 'by-sa', 'by-nc', 'by-nc-sa', 'cc0', 'pdm', 'sampling+', 'nc-sampling+']);
    expect(LICENSE_GROUPS['all-cc']).not.toContain('pdm');
    expect(LICENSE_GROUPS.all).toHaveLength(10);
  });

  it('intersects several groups', () => {
    expect(licensesForTypes(['commercial', 'modification'])).toEqual(['by', 'by-sa', 'cc0', 'pdm', 'sampling+']);
  });
});

describe('licence URLs (§6.3)', () => {
  it.each([
    ['cc0', '2.0', 'https://creativecommons.org/publicdomain/zero/1.0/'],
    ['pdm', null, 'https://creativecommons.org/publicdomain/mark/1.0//'],
    ['sampling+', '3.0', 'https://creativecommons.org/licenses/sampling+/1.0/'],
    ['nc-sampling+', null, 'https://creativecommons.org/licenses/nc-sampling+/1.0/'],
    ['by-nc-sa', '2.0', 'https://creativecommons.org/licenses/by-nc-sa/2.0/'],
    ['by', null, 'https://creativecommons.org/licenses/by/4.0/'],
  ])('%s %s → %s', (slug, version, url) => {
    expect(buildLicenseUrl(slug, version)).toBe(url);
  });

  it("builds canonical deeds without the PDM quirk for providers' own URLs", () => {
    expect(licenseDeedUrl('pdm', null)).toBe('https://creativecommons.org/publicdomain/mark/1.0/');
    expect(licenseDeedUrl('by-sa', '3.0')).toBe(buildLicenseUrl('by-sa', '3.0'));
  });
});

describe('licence names and normalisation', () => {
  it('names licences as attribution text does', () => {
    expect(licenseDisplayName('by-nc-sa', '3.0')).toBe('CC BY-NC-SA 3.0');
    expect(licenseDisplayName('cc0', '1.0')).toBe('CC0 1.0');
    expect(licenseDisplayName('pdm', null)).toBe('Public Domain Mark');
    expect(licenseDisplayName('nc-sampling+', '1.0')).toBe('CC NC-Sampling+ 1.0');
  });

  it('normalises provider spellings and rejects unknown licences', () => {
    expect(normalizeLicense('CC0')).toBe('cc0');
    expect(normalizeLicense(' PDM ')).toBe('pdm');
    expect(normalizeLicense('BY_NC')).toBe('by-nc');
    expect(normalizeLicense('gpl')).toBeNull();
    expect(normalizeLicense('')).toBeNull();
  });
});

describe('attribution text (§6.4)', () => {
  it('matches the reference examples', () => {
    expect(
      attributionText({
        title: 'Tree Bark Photo',
        creator: 'Tim Sullivan',
        license: 'cc0',
        licenseVersion: '1.0',
        licenseUrl: 'https://creativecommons.org/publicdomain/zero/1.0/',
      }),
    ).toBe(
      '"Tree Bark Photo" by Tim Sullivan is marked with CC0 1.0. To view the terms, visit https://creativecommons.org/publicdomain/zero/1.0/.',
    );
    expect(
      attributionText({
        title: 'Wish You Were Here',
        creator: 'The.madpix.project',
        license: 'by-nc-sa',
        licenseVersion: '3.0',
        licenseUrl: 'https://creativecommons.org/licenses/by-nc-sa/3.0/',
      }),
    ).toBe(
      '"Wish You Were Here" by The.madpix.project is licensed under CC BY-NC-SA 3.0. To view a copy of this license, visit https://creativecommons.org/licenses/by-nc-sa/3.0/.',
    );
    expect(attributionText({ title: null, creator: null, license: 'by', licenseVersion: null, licenseUrl: null })).toBe(
      'This work is licensed under CC BY.',
    );
  });

  it('collapses double spaces in one pass, content included', () => {
    expect(attributionText({ title: 'a    b', creator: '', license: 'by', licenseVersion: '4.0', licenseUrl: null })).toBe(
      '"a  b" is licensed under CC BY 4.0.',
    );
  });
});
