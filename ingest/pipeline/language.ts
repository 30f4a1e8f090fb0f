/**
 * The language of a work, detected from its title, tags and the start of its description:
 * an ISO 639-1 code, or null when the text is too short or mixed to tell (camera file
 * names, single words). Detection is eld (n-grams, pure JS) with its small database,
 * chosen on short catalog texts (bench/RESULTS.md, languages, "which detector"): the most
 * accurate of tinyld, eld and franc-min there and the fastest (~20 µs for a short title;
 * 35–60 µs of CPU for a whole demo row). Its large database is a little more accurate
 * but takes 139 MB of heap, over half the ingest's 256.
 */
import type { MediaRecord } from '../../model/record.js';

interface Detector {
  detect(text: string): { language: string; isReliable(): boolean };
}

/** Past this many characters text adds cost but rarely changes the answer (99.9 % agree with 300). */
const MAX_TEXT = 160;
const KANA = /[\u3040-\u30ff]/;
const HAN = /\p{Script=Han}/u;
const LETTER = /\p{L}/u;

let loading: Promise<Detector> | undefined;

/** Loads the detector once per process (about 0.5 s and 53 MB of heap), on first use. */
export function loadLanguageDetector(): Promise<Detector> {
  loading ??= import('eld/small').then((m) => m.eld as Detector);
  return loading;
}

/** The text detection looks at: title, tag names, then the description, cut to `MAX_TEXT`. */
export function languageText(record: Pick<MediaRecord, 'title' | 'tags' | 'description'>): string {
  const parts = [record.title, record.tags.map((t) => t.name).join(' '), record.description];
  return parts
    .filter((p): p is string => !!p)
    .join('. ')
    .slice(0, MAX_TEXT);
}

/**
 * Script first where it decides (kana is Japanese only), then eld; Han text that eld
 * cannot place (short kanji-only titles) counts as Chinese, its most likely reading.
 */
export function detectLanguage(detector: Detector, text: string): string | null {
  if (!LETTER.test(text)) return null;
  if (KANA.test(text)) return 'ja';
  const result = detector.detect(text);
  if (result.language && result.isReliable()) return result.language;
  return HAN.test(text) ? 'zh' : null;
}
