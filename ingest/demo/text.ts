/** Titles' and descriptions' building blocks, names and tags of the demo catalog. */
import type { UpstreamTag } from '../sources/upstream-schema.js';
import type { Rand } from './random.js';
import {
  ADJECTIVES,
  CAMERAS,
  CITIES,
  FIRST_NAMES,
  LAST_NAMES,
  MACHINE_TAGS,
  SEASONS,
  SOUND_WORDS,
  TIMES,
  TOPIC_NOUNS,
  type Topic,
} from './words.js';

export const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
export const titleCase = (s: string): string => s.split(' ').map(cap).join(' ');
export const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
export const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

export function personName(r: Rand): string {
  return `${r.pick(FIRST_NAMES)} ${r.pick(LAST_NAMES)}`;
}

export function words(r: Rand, topic: Topic): { a: string; n1: string; n2: string; city: string } {
  const nouns = TOPIC_NOUNS[topic];
  return { a: r.pick(ADJECTIVES), n1: r.pick(nouns), n2: r.pick(nouns), city: r.pick(CITIES) };
}

export type TextKind = 'photo' | 'artwork' | 'sound' | 'music';

function sentence(r: Rand, topic: Topic, kind: TextKind): string {
  const { a, n1, n2, city } = words(r, topic);
  if (kind === 'artwork') {
    switch (r.int(0, 3)) {
      case 0:
        return `${cap(r.pick(TOPIC_NOUNS.art))} depicting a ${a} ${n1}.`;
      case 1:
        return `Gift of ${personName(r)}, ${r.int(1890, 2020)}.`;
      case 2:
        return `Made in ${city} around ${r.int(1500, 1950)}.`;
      default:
        return `The ${n1} and the ${n2} are shown in ${a} tones.`;
    }
  }
  if (kind === 'sound') {
    const s = r.pick(SOUND_WORDS);
    switch (r.int(0, 3)) {
      case 0:
        return `${cap(s)} recorded in ${city} on a ${a} ${r.pick(TIMES)}.`;
      case 1:
        return `Recorded with a Zoom H${r.int(1, 6)}n, ${r.pick(['mono', 'stereo'])}, no processing.`;
      case 2:
        return `A ${a} ${s} sound, useful for games and films.`;
      default:
        return `Field recording near the ${n1} with some ${r.pick(SOUND_WORDS)} in the background.`;
    }
  }
  if (kind === 'music') {
    switch (r.int(0, 2)) {
      case 0:
        return `Performed by the ${city} ${r.pick(['Symphony Orchestra', 'Chamber Ensemble', 'Choir'])}.`;
      case 1:
        return `A ${a} piece for ${r.pick(TOPIC_NOUNS.music)} and ${r.pick(TOPIC_NOUNS.music)}.`;
      default:
        return `Recorded live in ${r.int(1950, 2024)}.`;
    }
  }
  switch (r.int(0, 5)) {
    case 0:
      return `A ${a} ${n1} near the ${n2} in ${city}.`;
    case 1:
      return `${cap(n1)} and ${n2} on a ${a} ${r.pick(SEASONS)} ${r.pick(TIMES)}.`;
    case 2:
      return `Taken during a trip to ${city} in ${2000 + r.int(5, 25)}.`;
    case 3:
      return `Shot with a ${r.pick(CAMERAS)}.`;
    case 4:
      return `The ${n1} was ${a} and the ${n2} seemed to go on forever.`;
    default:
      return `One of my favourite ${n1} pictures, with a ${a} ${n2} in the background.`;
  }
}

/** 0-3 sentences usually, occasionally a very long one (real descriptions can be huge). */
export function description(r: Rand, topic: Topic, kind: TextKind): string | null {
  const x = r.next();
  if (x < 0.2) return null;
  if (x < 0.25) return '';
  const n = x > 0.97 ? r.int(15, 40) : r.int(1, 3);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(sentence(r, topic, kind));
  return parts.join(' ');
}

export function providerTags(r: Rand, topic: Topic, provider: string, max: number): UpstreamTag[] {
  const n = r.int(0, max);
  const names = r.sample(TOPIC_NOUNS[topic], n);
  if (n > 2 && r.chance(0.4)) names.push(r.pick(CITIES).toLowerCase());
  if (n > 3 && r.chance(0.3)) names.push(r.pick(ADJECTIVES));
  return names.map((name) => ({ name, provider }));
}

/** Machine tags (Clarifai / Rekognition style) with an accuracy; ~1/3 fall below 0.9. */
export function machineTags(r: Rand, topic: Topic, provider: string): UpstreamTag[] {
  const names = new Set([...r.sample(TOPIC_NOUNS[topic], r.int(1, 4)), ...r.sample(MACHINE_TAGS, r.int(1, 4))]);
  return [...names].map((name) => ({ name, provider, accuracy: round(0.85 + 0.15 * r.next(), 5) }));
}
