/**
 * The colour palette (issue #20, item 5): twelve named colours with hex anchors, and the
 * mapping of any sRGB colour to its nearest names by CIEDE2000 in CIELAB (D65), a
 * perceptual distance (culori). One home for the Worker (`color=` → names) and the
 * ingest's colour job (pixels → names); the search document stores the names.
 */
import { converter, differenceCiede2000, modeLab65, modeRgb, useMode } from 'culori/fn';

/** Names and their anchors, in the order the API lists them. */
export const PALETTE = {
  red: '#d32f2f',
  orange: '#f57c00',
  yellow: '#fdd835',
  green: '#43a047',
  teal: '#00897b',
  blue: '#2a4bd7',
  purple: '#7b1fa2',
  pink: '#f06292',
  brown: '#795548',
  black: '#111111',
  gray: '#808080',
  white: '#f5f5f5',
} as const;

export type ColorName = keyof typeof PALETTE;
export const COLOR_NAMES = Object.keys(PALETTE) as ColorName[];

/** One dominant colour of an image: its palette name, the mean of its pixels, its share of the picture. */
export interface DominantColor {
  name: ColorName;
  hex: `#${string}`;
  /** Fraction of the (sampled) pixels, rounded to 0.01. */
  share: number;
}

/** `#rgb` or `#rrggbb` (case-insensitive); the `#` is required, so a name never parses as hex. */
const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

export type Rgb = readonly [number, number, number];

/** `#abc` / `#aabbcc` → 0–255 channels; null when malformed. */
export function parseHex(value: string): Rgb | null {
  const m = HEX.exec(value.trim());
  if (!m) return null;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [Number.parseInt(h.slice(0, 2), 16), Number.parseInt(h.slice(2, 4), 16), Number.parseInt(h.slice(4, 6), 16)];
}

export function toHex(rgb: Rgb): `#${string}` {
  return `#${rgb
    .map((c) =>
      Math.round(Math.min(255, Math.max(0, c)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

useMode(modeRgb);
useMode(modeLab65);
const toLab = converter('lab65');
const deltaE = differenceCiede2000();

const labOf = (rgb: Rgb) => toLab({ mode: 'rgb', r: rgb[0] / 255, g: rgb[1] / 255, b: rgb[2] / 255 });
const ANCHORS = COLOR_NAMES.map((name) => ({ name, lab: labOf(parseHex(PALETTE[name])!) }));

/**
 * Names within this CIEDE2000 distance of the nearest one count as ties: about the
 * smallest difference a person notices, so a colour half-way between two names gets both.
 */
export const TIE_DELTA_E = 2;

/** Palette names by distance to `rgb`, nearest first. */
export function rankedNames(rgb: Rgb): { name: ColorName; distance: number }[] {
  const lab = labOf(rgb);
  return ANCHORS.map((a) => ({ name: a.name, distance: deltaE(lab, a.lab) })).sort((x, y) => x.distance - y.distance);
}

/** The one nearest palette name (the colour job's per-pixel label). */
export function nearestName(rgb: Rgb): ColorName {
  return rankedNames(rgb)[0].name;
}

/** The nearest palette name and any tied with it (within `TIE_DELTA_E`). */
export function nearestNames(rgb: Rgb): ColorName[] {
  const ranked = rankedNames(rgb);
  return ranked.filter((r) => r.distance - ranked[0].distance <= TIE_DELTA_E).map((r) => r.name);
}

/**
 * A `color` parameter value → the palette names it filters by: a name (any case) is
 * itself, a hex colour its nearest names; null when it is neither.
 */
export function colorNamesOf(value: string): ColorName[] | null {
  const lower = value.trim().toLowerCase();
  if (Object.hasOwn(PALETTE, lower)) return [lower as ColorName];
  const rgb = parseHex(lower);
  return rgb ? nearestNames(rgb) : null;
}
