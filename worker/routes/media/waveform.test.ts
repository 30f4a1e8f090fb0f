import { describe, expect, inject, it } from 'vitest';
import { getJson } from '../../test-helpers.js';

async function demoTrack(): Promise<string> {
  const pages = await Promise.all([1, 2].map((p) => getJson(`/v1/audio/?page_size=20&page=${p}`)));
  const local = pages
    .flatMap((p) => p.body.results)
    .find((r: { url: string }) => r.url.startsWith(inject('mediaUrl')) && !r.url.includes('/dead/'));
  return local.id;
}

describe('GET /v1/audio/{id}/waveform/', () => {
  it('serves the stored peaks, and peaks=true adds the same to results', async () => {
    const id = await demoTrack();
    const { body } = await getJson(`/v1/audio/${id}/waveform/`);
    expect(body.len).toBe(body.points.length);
    expect(body.len).toBeGreaterThan(10);
    expect(Math.max(...body.points)).toBe(1);
    const detail = await getJson(`/v1/audio/${id}/?peaks=true`);
    expect(detail.body.peaks).toEqual(body.points);
    const search = await getJson(`/v1/audio/?peaks=true&page_size=20`);
    const hit = search.body.results.find((r: { id: string }) => r.id === id);
    if (hit) expect(hit.peaks).toEqual(body.points);
    for (const r of search.body.results) expect(Array.isArray(r.peaks)).toBe(true);
  });

  it('answers 404 for unknown tracks and tracks without a waveform', async () => {
    await getJson('/v1/audio/4bc43a04-ef46-4544-a0c1-63c63f56e276/waveform/', 404);
    const { body } = await getJson('/v1/audio/?source=jamendo&page_size=20');
    const remote = body.results.find((r: { url: string }) => !r.url.startsWith(inject('mediaUrl')));
    if (remote) {
      const { body: err } = await getJson(`/v1/audio/${remote.id}/waveform/`, 404);
      expect(err).toEqual({ detail: 'No waveform has been computed for this track yet.' });
    }
  });
});
