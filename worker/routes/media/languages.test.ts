/**
 * Works in other languages (issue #20 item 4) against the fixture catalog, which holds
 * the demo's localized works (ingest/demo/languages.ts): each is found by a query in its
 * language and nothing else is; `language=` puts works detected in it first and reads
 * the query as that language; an unknown language is a 400 naming `language`.
 */
import { describe, expect, it } from 'vitest';
import { LOCALIZED_IMAGES } from '../../../ingest/demo/languages.js';
import { getJson } from '../../test-helpers.js';

interface Envelope {
  result_count: number;
  results: { id: string; title: string | null; tags: { name: string }[] }[];
}

// Dead links would shorten pages; these checks are about text.
const search = async (query: string, media = 'images') => (await getJson<Envelope>(`/v1/${media}/?filter_dead=false&${query}`)).body;
const titles = (body: Envelope) => body.results.map((r) => r.title);
/** The fixture's 400 images hold the first eight localized works once each. */
const inFixture = LOCALIZED_IMAGES.slice(0, 8);
const titleOf = (language: string, nth = 0) => inFixture.filter((w) => w.language === language)[nth].title;

describe('search in other languages', () => {
  it.each([
    ['ja', '富士山', titleOf('ja')],
    ['ja', '紅葉', titleOf('ja', 1)],
    ['zh', '故宫', titleOf('zh')],
    ['zh', '长城', titleOf('zh', 1)],
    ['de', 'Schwarzwald', titleOf('de')],
    ['de', 'Straßenbahn', titleOf('de', 1)],
    ['he', 'ים המלח', titleOf('he')],
    ['ar', 'الأهرامات', titleOf('ar')],
  ])('a %s query (%s) finds its work and no other, with or without language=', async (language, q, title) => {
    const body = await search(`q=${encodeURIComponent(q)}`);
    expect(titles(body)).toEqual([title]);
    expect(body.result_count).toBe(1);
    // Read as its own language (Meilisearch `locales`), the query finds the same work.
    const inLanguage = await search(`q=${encodeURIComponent(q)}&language=${language}`);
    expect(titles(inLanguage)).toEqual([title]);
    expect(inLanguage.result_count).toBe(1);
  });

  it('a Japanese or Chinese query without spaces matches a word inside a title', async () => {
    // 富士山 is the first word of 富士山の夕焼け, 雪景 the last of 北京故宫的雪景.
    expect(titles(await search(`q=${encodeURIComponent('富士山')}`))).toEqual([titleOf('ja')]);
    expect(titles(await search(`q=${encodeURIComponent('雪景')}`))).toEqual([titleOf('zh')]);
    // A kanji-only query is read as Japanese only when asked: 清水寺 inside 京都の紅葉と清水寺.
    expect(titles(await search(`q=${encodeURIComponent('清水寺')}&language=ja`))).toEqual([titleOf('ja', 1)]);
  });

  it('language= ranks works in that language first; the others still follow', async () => {
    // 山 is a tag of a Japanese work and of a Chinese one.
    const q = `q=${encodeURIComponent('山')}`;
    const plain = await search(q);
    expect(new Set(titles(plain))).toEqual(new Set([titleOf('ja'), titleOf('zh', 1)]));
    expect(titles(await search(`${q}&language=ja`))).toEqual([titleOf('ja'), titleOf('zh', 1)]);
    expect(titles(await search(`${q}&language=zh`))).toEqual([titleOf('zh', 1), titleOf('ja')]);
    for (const language of ['ja', 'zh', 'de']) expect((await search(`${q}&language=${language}`)).result_count).toBe(plain.result_count);
  });

  it('language= without a query leaves the listing as it is (popularity order)', async () => {
    // A federated merge orders placeholder hits by popularity before weights: nothing to prefer by.
    const all = await search('page_size=20');
    const german = await search('language=de&page_size=20');
    expect(german.results.map((r) => r.id)).toEqual(all.results.map((r) => r.id));
    expect(german.result_count).toBe(all.result_count);
  });

  it('language= with a field search (a union of term combinations) prefers the language too', async () => {
    const body = await search(`title=${encodeURIComponent('Schwarzwald Altstadt')}&language=de`);
    expect(titles(body).sort()).toEqual([titleOf('de'), titleOf('de', 1)].sort());
  });

  it('an English query answers the same with language=en as without, and audio takes the parameter', async () => {
    const { body: first } = await getJson<Envelope>('/v1/images/?page_size=5&filter_dead=false');
    const word = (first.results
      .map((r) => r.title ?? '')
      .join(' ')
      .match(/[a-z]{5,}/i) ?? ['photo'])[0];
    const plain = await search(`q=${word}`);
    const english = await search(`q=${word}&language=en`);
    expect(plain.result_count).toBeGreaterThan(0);
    expect(english.result_count).toBe(plain.result_count);
    if (plain.result_count <= 20) expect(new Set(english.results.map((r) => r.id))).toEqual(new Set(plain.results.map((r) => r.id)));
    expect((await search('language=ko', 'audio')).result_count).toBeGreaterThan(0);
  });

  it('results do not carry the detected language (the wire format is unchanged)', async () => {
    const body = await search(`q=${encodeURIComponent('富士山')}&language=ja`);
    expect(body.results[0]).not.toHaveProperty('language');
  });

  it.each(['xx', 'JA', 'japanese', 'ja,zh'])('an unknown language (%s) is a 400 naming language', async (value) => {
    const { body } = await getJson(`/v1/images/?language=${encodeURIComponent(value)}`, 400);
    expect(body).toEqual({ detail: { language: [`"${value}" is not a valid choice.`] } });
  });
});
