import { describe, expect, it } from 'vitest';
import { LOCALIZED_IMAGES } from '../demo/languages.js';
import { detectLanguage, languageText, loadLanguageDetector } from './language.js';

const record = (title: string | null, tags: string[] = [], description: string | null = null) => ({
  title,
  tags: tags.map((name) => ({ name, accuracy: null })),
  description,
});

describe('language detection', () => {
  it('finds the language of every localized demo work', async () => {
    const detector = await loadLanguageDetector();
    for (const w of LOCALIZED_IMAGES) {
      expect([w.title, detectLanguage(detector, languageText(record(w.title, w.tags, w.description)))]).toEqual([w.title, w.language]);
    }
  });

  it('reads short titles and tags alone, kanji-only ones included', async () => {
    const detector = await loadLanguageDetector();
    const cases: [string, string | null][] = [
      ['Mountain sunset over the lake. mountain sunset lake', 'en'],
      ['Red fox in the snow. fox winter wildlife', 'en'],
      ['Blick auf den Bodensee bei Sonnenuntergang', 'de'],
      ['Herbstwald mit Nebel. Herbst Nebel Bäume', 'de'],
      ['东京塔', 'zh'],
      ['金閣寺. 京都', 'zh'],
      ['雨の日の渋谷スクランブル交差点', 'ja'],
      ['העיר העתיקה בירושלים. ירושלים חומה', 'he'],
      ['سوق التوابل في مراكش. سوق توابل', 'ar'],
      ['Зимний лес под Москвой. лес зима снег', 'ru'],
      ['한라산의 겨울. 산 눈', 'ko'],
    ];
    for (const [text, language] of cases) expect([text, detectLanguage(detector, text)]).toEqual([text, language]);
  });

  it('answers null for camera file names and text without letters', async () => {
    const detector = await loadLanguageDetector();
    for (const text of ['IMG_1234', 'DSC00012.JPG', 'P1000234', '2019-05-04', '']) {
      expect([text, detectLanguage(detector, text)]).toEqual([text, null]);
    }
  });

  it('looks at the title, the tags, then the start of the description', () => {
    expect(languageText(record('Titel', ['a', 'b'], 'Beschreibung'))).toBe('Titel. a b. Beschreibung');
    expect(languageText(record(null, [], null))).toBe('');
    expect(languageText(record('x', [], 'y'.repeat(1000))).length).toBe(160);
  });
});
