/**
 * The demo catalog's seeded randomness: a small PRNG keyed by a string, uniform and
 * weighted picks. Nothing here reads the clock or Math.random, so a key always yields the
 * same stream.
 */

// cyrb128 hashes the (seed, kind, index) key into 128 bits of state for sfc32.
// A 32-bit-state generator such as mulberry32 would be simpler, but with one stream per
// row its 2^32 possible streams make duplicate identifiers likely at ~10^5 rows.

function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A table of (value, weight) pairs for `Rand.weighted`; weights need not sum to 1. */
export type Weighted<T> = readonly (readonly [T, number])[];

/** sfc32 PRNG seeded by hashing a string key: one independent stream per key. */
export class Rand {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(key: string) {
    [this.a, this.b, this.c, this.d] = cyrb128(key);
    for (let i = 0; i < 12; i++) this.u32(); // let the hashed state mix before use
  }

  /** sfc32 step. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [lo, hi], inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** `n` distinct items (fewer if the list is shorter). */
  sample<T>(items: readonly T[], n: number): T[] {
    const out: T[] = [];
    const seen = new Set<number>();
    const want = Math.min(n, items.length);
    while (out.length < want) {
      const i = Math.floor(this.next() * items.length);
      if (seen.has(i)) continue;
      seen.add(i);
      out.push(items[i]);
    }
    return out;
  }

  weighted<T>(table: Weighted<T>): T {
    let total = 0;
    for (const [, w] of table) total += w;
    let x = this.next() * total;
    for (const [value, w] of table) {
      x -= w;
      if (x < 0) return value;
    }
    return table[table.length - 1][0];
  }

  /** Lowercase RFC 4122 version-4 UUID. */
  uuid(): string {
    let hex = '';
    for (let i = 0; i < 4; i++) hex += this.u32().toString(16).padStart(8, '0');
    const variant = '89ab'[parseInt(hex[16], 16) & 3];
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

/** Popular creators recur: index into a pool with a skew towards low indexes. */
export function poolIndex(r: Rand, size: number): number {
  const x = r.next();
  return Math.floor(x * x * size);
}
