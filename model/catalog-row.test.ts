import { describe, expect, it } from 'vitest';
import { cleanAudioRow, cleanImageRow, cleanTags } from './catalog-row.js';
import { audioDocument, imageDocument } from './document.js';
import { formatTimestamp } from './record.js';
import { audioResult, imageResult } from './result.js';
import { outputUrl, repairUrl } from './urls.js';

const base = {
  identifier: '4BC43A04-EF46-4544-A0C1-63C63F56E276',
  created_on: '2022-08-27 17:39:48+00',
  updated_on: '2022-08-28 10:00:00.5+00',
  license: 'CC0',
  url: 'www.example.org/a/photo.JPG?w=10',
  provider: 'NYPL',
  title: 'Bridge &ndash; at dusk &amp; dawn',
  meta_data: JSON.stringify({ description: 'x'.repeat(3000), mature: 't' }),
  tags: JSON.stringify([
    { name: 'bridge', provider: 'nypl' },
    { name: 'Bridge', provider: 'nypl' },
    { name: 'cc0', provider: 'nypl' },
    { name: 'uploaded:by=flickrmobile' },
    { name: 'river', accuracy: 0.95 },
    { name: 'cloud', accuracy: 0.5 },
    { name: 'baby' },
    { accuracy: 1 },
  ]),
  removed_from_source: 'f',
};

describe('cleanImageRow', () => {
  it('repairs what real rows need', () => {
    const result = cleanImageRow({ ...base, width: '640', height: '' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const r = result.record;
    expect(r.identifier).toBe('4bc43a04-ef46-4544-a0c1-63c63f56e276');
    expect(r.license).toBe('cc0');
    expect(r.provider).toBe('nypl');
    expect(r.source).toBe('nypl');
    expect(r.url).toBe('https://www.example.org/a/photo.JPG?w=10');
    expect(r.title).toBe('Bridge \u2013 at dusk & dawn');
    expect(r.description).toHaveLength(2000);
    expect(r.mature).toBe(true);
    expect(r.tags).toEqual([
      { name: 'bridge', accuracy: null },
      { name: 'river', accuracy: 0.95 },
      { name: 'baby', accuracy: null },
    ]);
    expect(r.width).toBe(640);
    expect(r.height).toBeNull();
    expect(r.created_on).toBe('2022-08-27T17:39:48Z');
    expect(r.updated_on).toBe('2022-08-28T10:00:00.500000Z');
  });

  it.each([
    [{ identifier: 'not-a-uuid' }, 'invalid_identifier'],
    [{ license: 'gpl-3' }, 'unknown_license'],
    [{ url: '' }, 'invalid_url'],
    [{ url: 'javascript:alert(1)' }, 'invalid_url'],
    [{ removed_from_source: true }, 'removed_from_source'],
    [{ created_on: 'yesterday', updated_on: null }, 'invalid_timestamp'],
  ])('skips %o as %s', (patch, reason) => {
    const result = cleanImageRow({ ...base, ...patch });
    expect(result).toMatchObject({ ok: false, reason });
  });

  it('keeps a provider deed URL only when it names the same licence', () => {
    const agree = cleanImageRow({ ...base, license: 'by', meta_data: { license_url: 'https://creativecommons.org/licenses/by/2.0/' } });
    const disagree = cleanImageRow({
      ...base,
      license: 'by',
      meta_data: { license_url: 'https://creativecommons.org/licenses/by-nc/2.0/' },
    });
    expect(agree.ok && agree.record.license_url).toBe('https://creativecommons.org/licenses/by/2.0/');
    expect(disagree.ok && disagree.record.license_url).toBeNull();
  });
});

describe('cleanAudioRow', () => {
  it('reads genres arrays, Jamendo audio sets and falls back to set artwork', () => {
    const result = cleanAudioRow({
      ...base,
      genres: '{rock,"hip hop"}',
      duration: '183000',
      audio_set: JSON.stringify({
        set_url: 'https://www.jamendo.com/album/33/x',
        audio_set: 'Simple',
        set_thumbnail: 'https://usercontent.jamendo.com/33',
      }),
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record.genres).toEqual(['rock', 'hip hop']);
    expect(result.record.audio_set?.title).toBe('Simple');
    expect(result.record.audio_set_foreign_identifier).toBe('https://www.jamendo.com/album/33/x');
    expect(result.record.thumbnail).toBe('https://usercontent.jamendo.com/33');
    const doc = audioDocument(result.record);
    expect(doc.length).toBe('medium');
    expect(doc.id).toBe(result.record.identifier);
  });
});

describe('audio set URLs', () => {
  const hostile = {
    foreign_landing_url: 'javascript:alert(1)',
    creator_url: 'data:text/html,<script>alert(2)</script>',
    url: 'JAVASCRIPT:alert(3)',
  };

  it("are repaired at ingest like the work's own", () => {
    const result = cleanAudioRow({ ...base, audio_set: JSON.stringify({ foreign_identifier: 'set-1', title: 'Set', ...hostile }) });
    if (!result.ok) throw new Error('row rejected');
    expect(result.record.audio_set).toMatchObject({ foreign_landing_url: null, creator_url: null, url: null, title: 'Set' });
    expect(result.record.audio_set_foreign_identifier).toBe('set-1');
    const schemeless = cleanAudioRow({
      ...base,
      audio_set: JSON.stringify({ foreign_identifier: 'set-2', url: 'www.jamendo.com/album/2' }),
    });
    expect(schemeless.ok && schemeless.record.audio_set?.url).toBe('https://www.jamendo.com/album/2');
  });

  it('are cleaned on output too (records stored before the ingest rule)', () => {
    const result = cleanAudioRow({ ...base, audio_set: JSON.stringify({ foreign_identifier: 'set-1', title: 'Set' }) });
    if (!result.ok) throw new Error('row rejected');
    const stored = { ...result.record, ...hostile, audio_set: { ...result.record.audio_set!, ...hostile } };
    const out = audioResult(stored, { baseUrl: 'https://api.example' });
    expect(out.audio_set).toMatchObject({ foreign_landing_url: null, creator_url: null, url: null, title: 'Set' });
    expect([out.foreign_landing_url, out.creator_url, out.url]).toEqual([null, null, null]);
    const image = cleanImageRow(base);
    if (!image.ok) throw new Error('row rejected');
    const img = imageResult({ ...image.record, ...hostile }, { baseUrl: 'https://api.example' });
    expect([img.foreign_landing_url, img.creator_url, img.url]).toEqual([null, null, null]);
  });
});

describe('documents', () => {
  it('derives the filter fields', () => {
    const result = cleanImageRow({ ...base, width: 1920, height: 1080, filetype: null });
    if (!result.ok) throw new Error('row rejected');
    const doc = imageDocument(result.record);
    expect(doc).toMatchObject({ aspect_ratio: 'wide', size: 'large', extension: 'jpg', tag_names: ['bridge', 'river', 'baby'] });
    expect(doc.indexed_on_ts).toBe(Date.UTC(2022, 7, 27, 17, 39, 48) / 1000);
  });

  it('tolerates odd tag payloads', () => {
    expect(cleanTags('not json')).toEqual([]);
    expect(cleanTags(null)).toEqual([]);
    expect(cleanTags([{ name: 'ok', accuracy: 'NaN' }])).toEqual([]);
  });
});

describe('timestamps and URLs', () => {
  it('formats indexed_on like the original', () => {
    expect(formatTimestamp('2022-08-27 17:39:48+00')).toBe('2022-08-27T17:39:48Z');
    expect(formatTimestamp('2022-08-27T17:39:48.123456+00:00')).toBe('2022-08-27T17:39:48.123456Z');
    expect(formatTimestamp('2022-08-27 19:39:48+02')).toBe('2022-08-27T17:39:48Z');
    expect(formatTimestamp(new Date(Date.UTC(2020, 0, 1)))).toBe('2020-01-01T00:00:00Z');
  });

  it('adds https to schemeless output URLs with the original quirks', () => {
    expect(outputUrl('www.flickr.com/x')).toBe('https://www.flickr.com/x');
    expect(outputUrl('')).toBe('https://');
    expect(outputUrl('//host/x')).toBe('https:////host/x');
    expect(outputUrl('HTTP://host/x')).toBe('HTTP://host/x');
    expect(outputUrl(null)).toBeNull();
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:x',
    'file:///etc/passwd',
    'host:8000/x',
  ])('never outputs a non-http(s) URL: %s', (url) => {
    expect(outputUrl(url)).toBeNull();
  });

  it('repairs provider URLs at ingest', () => {
    expect(repairUrl('d1lfxha3ugu3d4.cloudfront.net/a.jpg')).toBe('https://d1lfxha3ugu3d4.cloudfront.net/a.jpg');
    expect(repairUrl('//cdn.example.org/a.jpg')).toBe('https://cdn.example.org/a.jpg');
    expect(repairUrl('ftp://example.org/a')).toBeNull();
    expect(repairUrl('not a url')).toBeNull();
  });
});
