/**
 * An image's dominant colours: decode (JPEG by jpeg-js, PNG by fast-png, GIF by omggif,
 * all pure JS), sample at most `MAX_SAMPLES` pixels on an even grid, label each with its
 * nearest palette name (CIEDE2000, model/colors.ts), and keep the names that cover at
 * least `MIN_SHARE` of the picture, largest first, each with the mean of its pixels.
 * Labelling by the palette directly is a quantisation to the twelve names: the answer
 * depends on the pixels only, so a re-run gives the same colours.
 */
import { decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { GifReader } from 'omggif';
import { type ColorName, type DominantColor, nearestName, type Rgb, toHex } from '../../model/colors.js';
import { IngestError } from '../errors.js';

/** Largest file fetched: thumbnails are far smaller; a full-size image falls back to this cap. */
export const MAX_IMAGE_BYTES = 25 * 1024 * 1024;
/** Largest picture decoded (megapixels); jpeg-js refuses larger ones before allocating. */
const MAX_MEGAPIXELS = 60;
/** Pixels looked at per image (a 100 × 100 grid): enough for shares to 1 %. */
export const MAX_SAMPLES = 10_000;
/** A name counts as dominant from this share of the sampled pixels. */
export const MIN_SHARE = 0.08;
/** Names kept at most. */
export const MAX_COLORS = 4;

/** A decoded picture: its size and the colour of a pixel (null when mostly transparent: it shows none). */
interface Pixels {
  width: number;
  height: number;
  rgbAt(x: number, y: number): Rgb | null;
}

/** Interleaved 8-bit pixels (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA channels) read in place. */
function interleaved(width: number, height: number, channels: number, data: ArrayLike<number>, max = 255): Pixels {
  const scale = 255 / max;
  return {
    width,
    height,
    rgbAt(x, y) {
      const i = (y * width + x) * channels;
      const v = (k: number) => data[i + k] * scale;
      if (channels <= 2) return channels === 2 && v(1) < 128 ? null : [v(0), v(0), v(0)];
      return channels === 4 && v(3) < 128 ? null : [v(0), v(1), v(2)];
    },
  };
}

/** A PNG's pixels without expanding the whole picture: sub-byte rows and palettes are read at each sampled pixel. */
function pngPixels(png: ReturnType<typeof decodePng>): Pixels {
  const { width, height, depth, data } = png;
  if (!png.palette && depth >= 8) return interleaved(width, height, png.channels, data, depth === 16 ? 65_535 : 255);
  // Packed rows (1, 2, 4 bits a sample, each row starting on a byte), or one byte an index.
  const rowBytes = Math.ceil((width * depth) / 8);
  const sample = (x: number, y: number): number => {
    if (depth === 8) return data[y * width + x];
    const bit = x * depth;
    return (data[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
  };
  const palette = png.palette;
  if (!palette) {
    const scale = 255 / ((1 << depth) - 1);
    return { width, height, rgbAt: (x, y) => Array(3).fill(sample(x, y) * scale) as unknown as Rgb };
  }
  return {
    width,
    height,
    rgbAt(x, y) {
      const c = palette[sample(x, y)];
      if (!c || (c.length > 3 && c[3] < 128)) return null;
      return [c[0], c[1], c[2]];
    },
  };
}

function sniff(bytes: Buffer): 'jpeg' | 'png' | 'gif' | string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return 'gif';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'WebP';
  if (/^\s*(<\?xml|<svg|<!doctype svg)/i.test(bytes.subarray(0, 256).toString('latin1'))) return 'SVG';
  return 'unknown';
}

/** Decodes a JPEG, PNG or GIF (first frame); anything else is an IngestError naming the format. */
export function decodeImage(bytes: Buffer): Pixels {
  const kind = sniff(bytes);
  try {
    if (kind === 'jpeg') {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 1024 });
      return interleaved(img.width, img.height, 4, img.data);
    }
    if (kind === 'png') {
      // The header's size first: decoding inflates the whole image (a small file can
      // claim 40,000 × 40,000 pixels).
      const [width, height] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
      if (width * height > MAX_MEGAPIXELS * 1e6) throw new IngestError(`image too large (${width} × ${height})`);
      const png = decodePng(bytes);
      return pngPixels(png);
    }
    if (kind === 'gif') {
      const gif = new GifReader(bytes);
      if (gif.width * gif.height > MAX_MEGAPIXELS * 1e6) throw new IngestError(`image too large (${gif.width} × ${gif.height})`);
      const data = new Uint8Array(gif.width * gif.height * 4);
      gif.decodeAndBlitFrameRGBA(0, data);
      return interleaved(gif.width, gif.height, 4, data);
    }
  } catch (err) {
    if (err instanceof IngestError) throw err;
    throw new IngestError(`cannot decode the ${kind.toUpperCase()} image: ${(err as Error).message}`);
  }
  throw new IngestError(`not a JPEG, PNG or GIF image (${kind})`);
}

/** Dominant colours of decoded pixels (see the module comment); `[]` when every pixel is transparent. */
export function dominantColorsOf(p: Pixels): DominantColor[] {
  const step = Math.max(1, Math.sqrt((p.width * p.height) / MAX_SAMPLES));
  const tally = new Map<ColorName, { n: number; r: number; g: number; b: number }>();
  // Photos repeat colours: each distinct value is labelled once.
  const labels = new Map<number, ColorName>();
  let total = 0;
  for (let fy = step / 2; fy < p.height; fy += step) {
    for (let fx = step / 2; fx < p.width; fx += step) {
      const rgb = p.rgbAt(Math.floor(fx), Math.floor(fy));
      if (!rgb) continue;
      const key = (Math.round(rgb[0]) << 16) | (Math.round(rgb[1]) << 8) | Math.round(rgb[2]);
      let name = labels.get(key);
      if (!name) labels.set(key, (name = nearestName(rgb)));
      const t = tally.get(name) ?? { n: 0, r: 0, g: 0, b: 0 };
      t.n++;
      t.r += rgb[0];
      t.g += rgb[1];
      t.b += rgb[2];
      tally.set(name, t);
      total++;
    }
  }
  const ranked = [...tally].sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]));
  const kept = ranked.filter(([, t], i) => i === 0 || t.n / total >= MIN_SHARE).slice(0, MAX_COLORS);
  return kept.map(([name, t]) => ({
    name,
    hex: toHex([t.r / t.n, t.g / t.n, t.b / t.n]),
    share: Math.round((t.n / total) * 100) / 100,
  }));
}

/** Dominant colours of an encoded image file. */
export function dominantColors(bytes: Buffer): DominantColor[] {
  return dominantColorsOf(decodeImage(bytes));
}
