/**
 * The media server's pictures: one image per identifier (a field of one palette colour
 * with a centred disc of another, ingest/demo/media.ts `demoImageColors`), encoded in the format its extension names: JPEG (jpeg-js),
 * PNG (palette, deflated by zlib), GIF (omggif) or SVG.
 */
import jpeg from 'jpeg-js';
import { GifWriter } from 'omggif';
import { deflateSync } from 'node:zlib';
import { PALETTE, parseHex, type Rgb } from '../../../model/colors.js';
import { DEMO_DISC_RADIUS, demoImageColors } from '../../../ingest/demo/media.js';

export interface RenderedImage {
  body: Buffer;
  type: string;
}

const JPEG_QUALITY = 80;

/** Content types by extension; an extension missing here is not rendered. */
export const IMAGE_TYPES: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  svg: 'image/svg+xml',
};

/** The image `id` at width × height in the format of `ext` (a key of IMAGE_TYPES). */
export function renderImage(id: string, ext: string, width: number, height: number): RenderedImage {
  const type = IMAGE_TYPES[ext];
  switch (ext) {
    case 'svg':
      return { body: renderSvg(id, width, height), type };
    case 'png':
      return { body: renderPng(picture(id, width, height)), type };
    case 'gif':
      return { body: renderGif(picture(id, width, height)), type };
    case 'jpg':
    case 'jpeg':
      return { body: renderJpeg(picture(id, width, height)), type };
    default:
      throw new Error(`no renderer for .${ext}`);
  }
}

/** A two-colour picture: the palette (RGB triplets) and one palette index per pixel. */
interface Picture {
  width: number;
  height: number;
  palette: Uint8Array;
  indexes: Uint8Array;
}

/** The field's and the disc's colours as RGB (palette anchors: the colour job names them back). */
function colours(id: string): [Rgb, Rgb] {
  const { field, disc } = demoImageColors(id);
  return [parseHex(PALETTE[field])!, parseHex(PALETTE[disc])!];
}

/** A field of one colour, a centred disc of another (index 1). */
function picture(id: string, width: number, height: number): Picture {
  const [field, disc] = colours(id);
  const palette = Uint8Array.from([...field, ...disc]);
  const indexes = new Uint8Array(width * height);
  const cx = width / 2;
  const cy = height / 2;
  const r2 = (Math.min(width, height) * DEMO_DISC_RADIUS) ** 2;
  for (let y = 0; y < height; y++) {
    const dy2 = (y + 0.5 - cy) ** 2;
    for (let x = 0; x < width; x++) if ((x + 0.5 - cx) ** 2 + dy2 < r2) indexes[y * width + x] = 1;
  }
  return { width, height, palette, indexes };
}

function renderJpeg(p: Picture): Buffer {
  const rgba = Buffer.alloc(p.width * p.height * 4, 255);
  for (let i = 0; i < p.indexes.length; i++) {
    const c = p.indexes[i] * 3;
    rgba[i * 4] = p.palette[c];
    rgba[i * 4 + 1] = p.palette[c + 1];
    rgba[i * 4 + 2] = p.palette[c + 2];
  }
  return jpeg.encode({ data: rgba, width: p.width, height: p.height }, JPEG_QUALITY).data;
}

function renderGif(p: Picture): Buffer {
  const palette: number[] = [];
  for (let i = 0; i < p.palette.length; i += 3) palette.push((p.palette[i] << 16) | (p.palette[i + 1] << 8) | p.palette[i + 2]);
  // LZW codes are at most 12 bits per pixel; a small picture still needs its headers.
  const out = Buffer.alloc(2048 + Math.ceil(p.indexes.length * 1.6));
  const writer = new GifWriter(out, p.width, p.height, { palette });
  writer.addFrame(0, 0, p.width, p.height, p.indexes as unknown as number[]);
  return out.subarray(0, writer.end());
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** 8-bit palette PNG. Runs of equal indexes deflate to almost nothing. */
function renderPng(p: Picture): Buffer {
  const stride = p.width + 1;
  const raw = Buffer.alloc(stride * p.height); // filter type 0 (None) on every row
  for (let y = 0; y < p.height; y++) raw.set(p.indexes.subarray(y * p.width, (y + 1) * p.width), y * stride + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(p.width, 0);
  ihdr.writeUInt32BE(p.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // colour type: palette
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('PLTE', Buffer.from(p.palette)),
    pngChunk('IDAT', deflateSync(raw, { level: 6 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function renderSvg(id: string, width: number, height: number): Buffer {
  const [a, b] = colours(id);
  const rgb = (c: Rgb): string => `rgb(${c[0]},${c[1]},${c[2]})`;
  const r = Math.round(Math.min(width, height) * DEMO_DISC_RADIUS);
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
      `<rect width="100%" height="100%" fill="${rgb(a)}"/>` +
      `<circle cx="${width / 2}" cy="${height / 2}" r="${r}" fill="${rgb(b)}"/></svg>`,
  );
}
