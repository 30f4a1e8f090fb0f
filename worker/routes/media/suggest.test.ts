/**
 * Suggestions (issue #20 item 3) against the fixture catalog: completions of a prefix,
 * typo tolerance, completions after earlier words, nothing from hidden works, 400s, and
 * the `suggestion` of a media search that finds nothing. Words come from the fixture.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getJson } from '../../test-helpers.js';
import { MAX_SUGGEST_QUERY_LENGTH, SuggestResponseSchema } from './schema.js';

type Media = 'images' | 'audio';
interface Envelope {
  result_count: number;
  results: { title: string | null; tags: { name: string }[] }[];
  suggestion?: string;
}

const suggestions = async (media: Media, q: string) => {
  const { body } = await getJson(`/v1/${media}/suggest/?q=${encodeURIComponent(q)}`);
  return SuggestResponseSchema.parse(body).suggestions;
};

/** The fixture's title words of 6+ letters, most frequent first, and a pair of adjacent words. */
async function fixtureWords(media: Media): Promise<{ words: string[]; pair: [string, string] }> {
  const counts = new Map<string, number>();
  let pair: [string, string] | undefined;
  for (let page = 1; page <= 3; page++) {
    const { body } = await getJson<Envelope>(`/v1/${media}/?page_size=20&page=${page}&filter_dead=false`);
    for (const r of body.results) {
      const ws = (r.title ?? '').toLowerCase().split(/\s+/);
      for (const w of ws) if (/^[a-z]{6,}$/.test(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
      for (let i = 0; !pair && i + 1 < ws.length; i++)
        if (/^[a-z]{4,}$/.test(ws[i]) && /^[a-z]{5,}$/.test(ws[i + 1])) pair = [ws[i], ws[i + 1]];
    }
  }
  const words = [...counts].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  if (words.length < 2 || !pair) throw new Error(`not enough title words in the ${media} fixture`);
  return { words, pair };
}

/** A one-letter deletion in the middle: within the engine's typo budget for 6+ letters. */
const typo = (w: string) => w.slice(0, 3) + w.slice(4);

describe.each(['images', 'audio'] as const)('/v1/%s/suggest/', (media) => {
  let words: string[];
  let pair: [string, string];
  beforeAll(async () => {
    ({ words, pair } = await fixtureWords(media));
  });

  it('completes a prefix with words of titles and tags that start so', async () => {
    const word = words[0];
    const prefix = word.slice(0, 4);
    const got = await suggestions(media, prefix);
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThanOrEqual(10);
    expect(new Set(got).size).toBe(got.length);
    // Each is a word completing the prefix, or a whole tag holding one.
    for (const s of got)
      expect(
        s.split(/\s+/).some((w) => w.startsWith(prefix)),
        s,
      ).toBe(true);
    // The fixture's most frequent word with a longer prefix is among them.
    expect(await suggestions(media, word.slice(0, word.length - 2))).toContain(word);
  });

  it('tolerates a typo', async () => {
    for (const word of words.slice(0, 3)) {
      const got = await suggestions(media, typo(word));
      expect(got, `${typo(word)} → ${got.join(', ')}`).toContain(word);
    }
  });

  it('completes the last word after the words before it', async () => {
    const [a, b] = pair;
    const got = await suggestions(media, `${a} ${b.slice(0, 4)}`);
    expect(got).toContain(`${a} ${b}`);
    for (const s of got) expect(s.startsWith(`${a} `) || s.includes(a), s).toBe(true);
  });

  it('refuses a missing, empty or over-long q, naming q', async () => {
    for (const query of ['', '?q=', '?q=%20%20', `?q=${'a'.repeat(MAX_SUGGEST_QUERY_LENGTH + 1)}`]) {
      const { body } = await getJson(`/v1/${media}/suggest/${query}`, 400);
      expect(Object.keys(body.detail), query).toEqual(['q']);
    }
    // At the limit it answers.
    await getJson(`/v1/${media}/suggest/?q=${'a'.repeat(MAX_SUGGEST_QUERY_LENGTH)}`);
  });

  it('an empty search carries the corrected query; one that finds works carries none', async () => {
    const [word] = words;
    for (const q of [`${word} zqxjvw`, `${typo(word)} zqxjvw`]) {
      const { body } = await getJson<Envelope>(`/v1/${media}/?q=${encodeURIComponent(q)}&filter_dead=false`);
      expect(body.result_count, q).toBe(0);
      expect(body.suggestion, q).toBe(word);
      const corrected = (await getJson<Envelope>(`/v1/${media}/?q=${encodeURIComponent(body.suggestion!)}&filter_dead=false`)).body;
      expect(corrected.result_count).toBeGreaterThan(0);
      expect(corrected).not.toHaveProperty('suggestion');
    }
    // Nothing to correct to: no suggestion.
    const none = (await getJson<Envelope>(`/v1/${media}/?q=zqxjvw&filter_dead=false`)).body;
    expect(none.result_count).toBe(0);
    expect(none).not.toHaveProperty('suggestion');
  });
});

it('suggests nothing from works hidden as sensitive', async () => {
  // The fixture titles two images 'Beach party NSFW edition' (sensitive text): hidden.
  const { body } = await getJson<Envelope>(`/v1/images/?q=nsfw&unstable__include_sensitive_results=true&filter_dead=false`);
  expect(body.result_count).toBeGreaterThan(0);
  expect(await suggestions('images', 'nsf')).not.toContain('nsfw');
  expect((await suggestions('images', 'beach part')).join(' ')).not.toContain('nsfw');
});
