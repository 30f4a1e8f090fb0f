// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { DEMO_CATALOG_VERSION, demoAudio, demoCatalogFingerprint, demoImages } from './catalog.js';
import { UPSTREAM_AUDIO_COLUMNS, UPSTREAM_IMAGE_COLUMNS } from '../sources/upstream-schema.js';
import { DEMO_AUDIO_SAMPLE_RATE, DEMO_AUDIO_TYPES, DEMO_IMAGE_TYPES, MAX_DEMO_AUDIO_MS, THUMBNAIL_MAX_SIDE, wavBytes } from './media.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BASE = 'http://127.0.0.1:8790';
const IMAGES = 4000;
const AUDIO = 1500;

const images = [...demoImages(IMAGES, { mediaBaseUrl: BASE })];
const audio = [...demoAudio(AUDIO, { mediaBaseUrl: BASE })];

describe('demo catalog', () => {
  it('is deterministic: same seed, byte-identical rows', () => {
    expect(JSON.stringify([...demoImages(IMAGES, { mediaBaseUrl: BASE })])).toBe(JSON.stringify(images));
    expect(JSON.stringify([...demoAudio(AUDIO, { mediaBaseUrl: BASE })])).toBe(JSON.stringify(audio));
  });

  it('keeps row N independent of the count, and changes with the seed', () => {
    expect([...demoImages(10, { mediaBaseUrl: BASE })]).toEqual(images.slice(0, 10));
    const other = [...demoImages(10, { mediaBaseUrl: BASE, seed: 7 })];
    expect(other.map((r) => r.identifier)).not.toEqual(images.slice(0, 10).map((r) => r.identifier));
  });

  it('yields the requested counts with exactly the upstream columns', () => {
    expect(images).toHaveLength(IMAGES);
    expect(audio).toHaveLength(AUDIO);
    expect(Object.keys(images[0]).sort()).toEqual([...UPSTREAM_IMAGE_COLUMNS].sort());
    expect(Object.keys(audio[0]).sort()).toEqual([...UPSTREAM_AUDIO_COLUMNS].sort());
  });

  it('gives every row a unique lowercase v4 identifier and a unique url', () => {
    for (const rows of [images, audio]) {
      for (const r of rows) expect(r.identifier).toMatch(UUID_V4);
      expect(new Set(rows.map((r) => r.identifier)).size).toBe(rows.length);
      expect(new Set(rows.map((r) => r.url)).size).toBe(rows.length);
      expect(new Set(rows.map((r) => `${r.provider}/${r.foreign_identifier}`)).size).toBe(rows.length);
    }
  });

  it('has a realistic licence and provider mix', () => {
    const imageLicenses = new Set(images.map((r) => r.license));
    for (const slug of ['by', 'by-sa', 'by-nc', 'by-nc-sa', 'by-nd', 'by-nc-nd', 'cc0', 'pdm']) expect(imageLicenses).toContain(slug);
    const audioLicenses = new Set(audio.map((r) => r.license));
    expect(audioLicenses).toContain('sampling+');
    expect(audioLicenses).toContain('nc-sampling+');
    for (const r of [...images, ...audio]) {
      if (['cc0', 'pdm', 'sampling+', 'nc-sampling+'].includes(r.license)) expect(r.license_version).toBe('1.0');
      else expect(['2.0', '3.0', '4.0']).toContain(r.license_version);
    }
    const flickr = images.filter((r) => r.provider === 'flickr').length / IMAGES;
    expect(flickr).toBeGreaterThan(0.55);
    expect(flickr).toBeLessThan(0.65);
    const jamendo = audio.filter((r) => r.provider === 'jamendo').length / AUDIO;
    expect(jamendo).toBeGreaterThan(0.55);
    expect(jamendo).toBeLessThan(0.65);
  });

  it('points some rows at dead, gone and slow links', () => {
    const under = (prefix: string): number => images.filter((r) => r.url.startsWith(`${BASE}/${prefix}/`)).length;
    expect(under('dead')).toBeGreaterThan(0);
    expect(under('dead') / IMAGES).toBeLessThan(0.02);
    expect(under('dead') + under('slow') + under('gone')).toBeGreaterThan(under('dead'));
    expect(audio.some((r) => r.url.startsWith(`${BASE}/dead/audio/`))).toBe(true);
  });

  it('encodes the media size in the url and keeps fields in range', () => {
    for (const r of images) {
      expect(r.url).toMatch(/\/images\/[0-9a-f-]{36}\.(jpg|png|gif|svg)\?w=\d+&h=\d+$/);
      expect(new Date(r.created_on).toISOString()).toBe(r.created_on);
      expect(r.updated_on >= r.created_on).toBe(true);
      expect(r.standardized_popularity).toBeGreaterThanOrEqual(0);
      expect(r.standardized_popularity).toBeLessThanOrEqual(1);
    }
    expect(images.some((r) => r.width === null)).toBe(true);
    for (const r of audio) {
      expect(r.url).toMatch(new RegExp(`/audio/[0-9a-f-]{36}\\.wav\\?d=${r.duration}$`));
      expect(r.duration).toBeGreaterThanOrEqual(1_000);
      expect(r.duration).toBeLessThanOrEqual(MAX_DEMO_AUDIO_MS);
    }
    const pops = images.map((r) => r.standardized_popularity ?? 0);
    expect(pops.filter((p) => p < 0.1).length).toBeGreaterThan(pops.filter((p) => p > 0.5).length * 2);
  });

  it('describes the files the media server sends: formats it renders, thumbnail sizes, exact audio sizes', () => {
    for (const r of images) {
      expect(DEMO_IMAGE_TYPES).toContain(r.filetype);
      expect(new URL(r.url).pathname.endsWith(`.${r.filetype}`)).toBe(true);
      if (!r.thumbnail) continue;
      const thumb = new URL(r.thumbnail);
      expect(Math.max(Number(thumb.searchParams.get('w')), Number(thumb.searchParams.get('h')))).toBeLessThanOrEqual(THUMBNAIL_MAX_SIDE);
    }
    expect(new Set(images.map((r) => r.filetype))).toEqual(new Set(DEMO_IMAGE_TYPES));
    for (const r of audio) {
      expect(DEMO_AUDIO_TYPES).toContain(r.filetype);
      expect(r.sample_rate).toBe(DEMO_AUDIO_SAMPLE_RATE);
      expect(r.filesize).toBe(wavBytes(r.duration!));
      for (const alt of (r.alt_files ?? []) as { url: string; filetype: string; sample_rate: number; filesize: number }[]) {
        expect(alt.url).toContain(`.${alt.filetype}?`);
        expect(alt.filesize).toBe(wavBytes(r.duration!, alt.sample_rate));
      }
    }
    expect(audio.some((r) => r.alt_files)).toBe(true);
  });

  it('spreads audio lengths over every length bucket of the API', () => {
    const bucket = (ms: number) => (ms < 30_000 ? 'shortest' : ms < 120_000 ? 'short' : ms < 600_000 ? 'medium' : 'long');
    const counts: Record<string, number> = {};
    for (const r of audio) counts[bucket(r.duration!)] = (counts[bucket(r.duration!)] ?? 0) + 1;
    expect(Object.keys(counts).sort()).toEqual(['long', 'medium', 'short', 'shortest']);
    expect(counts.short).toBeGreaterThan(counts.medium);
    expect(counts.long / AUDIO).toBeLessThan(0.02);
  });

  it('has machine tags with accuracies, some below 0.9, mature rows and audio sets', () => {
    const machine = images.flatMap((r) => r.tags ?? []).filter((t) => t.accuracy !== undefined);
    expect(machine.length).toBeGreaterThan(0);
    expect(machine.some((t) => (t.accuracy ?? 1) < 0.9)).toBe(true);
    expect(images.some((r) => r.meta_data?.mature === true)).toBe(true);
    const withSet = audio.filter((r) => r.audio_set !== null);
    expect(withSet.length).toBeGreaterThan(0);
    for (const r of withSet) expect(r.audio_set_foreign_identifier).toBe(r.audio_set?.foreign_identifier);
    expect(audio.filter((r) => r.provider === 'jamendo' && r.category === 'music').every((r) => (r.genres ?? []).length > 0)).toBe(true);
  });

  it('fingerprints version, counts, seed and media base url', () => {
    const fp = demoCatalogFingerprint({ images: 10, audio: 5, mediaBaseUrl: BASE });
    expect(fp).toContain(DEMO_CATALOG_VERSION);
    expect(demoCatalogFingerprint({ images: 10, audio: 5, mediaBaseUrl: `${BASE}/` })).toBe(fp);
    expect(demoCatalogFingerprint({ images: 11, audio: 5, mediaBaseUrl: BASE })).not.toBe(fp);
    expect(demoCatalogFingerprint({ images: 10, audio: 5, mediaBaseUrl: BASE, seed: 2 })).not.toBe(fp);
    expect(demoCatalogFingerprint({ images: 10, audio: 5, mediaBaseUrl: 'http://other:1' })).not.toBe(fp);
  });
});
