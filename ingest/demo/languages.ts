/**
 * Works of the demo catalog written in other languages than English (issue #20, item 4):
 * one image row in 50 (index 25, 75, …) takes the title, tags and description of the
 * next entry here, in turn, so a catalog of 400 images holds the first eight once each.
 * The rest of the row (provider, licence, media) stays as generated.
 */
import type { UpstreamImageRow } from '../sources/upstream-schema.js';

export interface LocalizedText {
  /** ISO 639-1: what the ingest's detector should find. */
  language: string;
  title: string;
  tags: string[];
  description: string | null;
}

export const LOCALIZED_IMAGES: readonly LocalizedText[] = [
  { language: 'ja', title: '富士山の夕焼け', tags: ['山', '風景', '日本'], description: '静岡県から見た富士山と夕暮れの空' },
  { language: 'zh', title: '北京故宫的雪景', tags: ['故宫', '雪', '建筑'], description: '冬天的紫禁城，红墙白雪' },
  {
    language: 'de',
    title: 'Winterlandschaft im Schwarzwald',
    tags: ['Schnee', 'Wald', 'Berge'],
    description: 'Verschneite Tannen am Ufer des Titisees im Januar',
  },
  { language: 'he', title: 'שקיעה מעל ים המלח', tags: ['ים', 'מדבר', 'שקיעה'], description: 'הרי מואב נשקפים מעבר למים' },
  {
    language: 'ar',
    title: 'غروب الشمس فوق الأهرامات',
    tags: ['صحراء', 'مصر', 'أهرامات'],
    description: 'منظر الأهرامات في الجيزة عند المساء',
  },
  { language: 'ja', title: '京都の紅葉と清水寺', tags: ['紅葉', '寺', '秋'], description: '秋の清水寺の舞台から見た京都の街並み' },
  { language: 'zh', title: '长城日出', tags: ['长城', '日出', '山'], description: '清晨的阳光照在古老的长城上' },
  { language: 'de', title: 'Straßenbahn in der Münchner Altstadt', tags: ['Straßenbahn', 'Verkehr', 'Stadt'], description: null },
  {
    language: 'fr',
    title: 'Le pont Neuf au coucher du soleil',
    tags: ['pont', 'Paris', 'Seine'],
    description: 'Vue depuis le quai des Grands Augustins',
  },
  { language: 'ko', title: '서울의 밤거리', tags: ['서울', '야경', '도시'], description: null },
];

const EVERY = 50;
const OFFSET = 25;

/** The localized text of image row `index`, if it is one of the localized rows. */
export function localizedImageText(index: number): LocalizedText | null {
  if (index % EVERY !== OFFSET) return null;
  return LOCALIZED_IMAGES[((index - OFFSET) / EVERY) % LOCALIZED_IMAGES.length];
}

/** Row `index` with its localized text, when it has one; other rows unchanged. */
export function localizeImageRow(index: number, row: UpstreamImageRow): UpstreamImageRow {
  const text = localizedImageText(index);
  if (!text) return row;
  const provider = row.provider ?? 'flickr';
  return {
    ...row,
    title: text.title,
    tags: text.tags.map((name) => ({ name, provider })),
    // Always served, so every catalog of 400 images or more can be searched for each.
    meta_data: { ...row.meta_data, description: text.description, mature: false },
    removed_from_source: false,
  };
}
