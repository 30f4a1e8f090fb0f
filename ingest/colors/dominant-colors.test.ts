import { randomUUID } from 'node:crypto';
import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { PALETTE, parseHex, rankedNames } from '../../model/colors.js';
import { renderImage } from '../../scripts/stack/media-render/image.js';
import { demoImageColors } from '../demo/media.js';
import { IngestError } from '../errors.js';
import { dominantColors, MIN_SHARE } from './dominant-colors.js';

/** A PNG of `width` × `height` whose pixel colour (RGBA) `paint` gives. */
function png(width: number, height: number, paint: (x: number, y: number) => readonly number[], depth: 8 | 16 = 8): Buffer {
  const channels = paint(0, 0).length;
  const data = depth === 16 ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(paint(x, y), (y * width + x) * channels);
  return Buffer.from(encodePng({ width, height, data, depth, channels }));
}

describe('dominant colours', () => {
  it("name a demo picture's field then its disc, in every format the media server renders", () => {
    for (const ext of ['jpg', 'png', 'gif']) {
      for (const [w, h] of [
        [600, 400],
        [300, 533],
        [64, 64],
      ]) {
        const id = randomUUID();
        const { field, disc } = demoImageColors(id);
        const colors = dominantColors(renderImage(id, ext, w, h).body);
        expect(
          colors.map((c) => c.name),
          `${ext} ${w}×${h} ${id}`,
        ).toEqual([field, disc]);
        expect(colors[0].share + colors[1].share).toBeCloseTo(1, 1);
        // The mean colour of each is its anchor, up to the JPEG's rounding.
        for (const c of colors) expect(rankedNames(parseHex(c.hex)!).find((r) => r.name === c.name)!.distance).toBeLessThan(3);
      }
    }
  });

  it('leave out names under the minimum share and transparent pixels', () => {
    const red = parseHex(PALETTE.red)!;
    const blue = parseHex(PALETTE.blue)!;
    // 95 % red, a 5 % blue stripe: blue is under MIN_SHARE.
    expect(MIN_SHARE).toBeGreaterThan(0.05);
    const striped = dominantColors(png(100, 100, (x) => (x < 95 ? red : blue)));
    expect(striped).toEqual([{ name: 'red', hex: PALETTE.red, share: 0.95 }]);
    // Left half transparent red, right half opaque blue: only blue shows.
    const half = dominantColors(png(100, 100, (x) => (x < 50 ? [...red, 0] : [...blue, 255])));
    expect(half).toEqual([{ name: 'blue', hex: PALETTE.blue, share: 1 }]);
  });

  it('read 16-bit grey PNGs', () => {
    expect(dominantColors(png(40, 40, () => [65_535], 16)).map((c) => c.name)).toEqual(['white']);
    expect(dominantColors(png(40, 40, (x) => [x < 20 ? 0 : 32_896], 16)).map((c) => c.name)).toEqual(['black', 'gray']);
  });

  it('refuse what they cannot decode, naming the format', () => {
    const svg = renderImage(randomUUID(), 'svg', 100, 100).body;
    expect(() => dominantColors(svg)).toThrow(IngestError);
    expect(() => dominantColors(svg)).toThrow('not a JPEG, PNG or GIF image (SVG)');
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), Buffer.alloc(32)]);
    expect(() => dominantColors(webp)).toThrow('(WebP)');
    expect(() => dominantColors(Buffer.from('<html>not found</html>'))).toThrow('(unknown)');
    // A truncated JPEG: the decoder's failure, as an IngestError.
    const jpeg = renderImage(randomUUID(), 'jpg', 200, 200).body;
    expect(() => dominantColors(jpeg.subarray(0, 300))).toThrow(/cannot decode the JPEG image/);
  });

  it('refuse a PNG whose header claims too many pixels before inflating it (a decompression bomb)', () => {
    // A real 1×1 PNG, its IHDR rewritten to 40,000 × 40,000 (6.4 GB of RGBA if decoded).
    const png = Buffer.from(encodePng({ width: 1, height: 1, data: new Uint8Array([255, 0, 0, 255]), channels: 4 }));
    png.writeUInt32BE(40_000, 16);
    png.writeUInt32BE(40_000, 20);
    expect(() => dominantColors(png)).toThrow('image too large (40000 × 40000)');
  });
});
