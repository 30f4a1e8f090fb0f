/**
 * Languages of works (issue #20, item 4): the ingest records a detected language per work
 * (`language`, ISO 639-1, null when unsure), and the `language` search parameter prefers
 * one of them. A language is offered when both the detector (eld) and Meilisearch's
 * tokenizer know it; the value is the locale Meilisearch's `locales` takes for it.
 */
export const SEARCH_LANGUAGES = {
  ar: 'ara',
  bg: 'bul',
  ca: 'cat',
  cs: 'ces',
  da: 'dan',
  de: 'deu',
  el: 'ell',
  en: 'eng',
  es: 'spa',
  fi: 'fin',
  fr: 'fra',
  he: 'heb',
  hi: 'hin',
  hu: 'hun',
  it: 'ita',
  ja: 'jpn',
  ko: 'kor',
  nl: 'nld',
  no: 'nob',
  pl: 'pol',
  pt: 'por',
  ro: 'ron',
  ru: 'rus',
  sv: 'swe',
  th: 'tha',
  tr: 'tur',
  uk: 'ukr',
  vi: 'vie',
  zh: 'cmn',
} as const;

export type SearchLanguage = keyof typeof SEARCH_LANGUAGES;

export const SEARCH_LANGUAGE_CODES = Object.keys(SEARCH_LANGUAGES) as SearchLanguage[];
