/**
 * Deterministic generated demo catalog: upstream `image` / `audio` rows (§10.9 columns)
 * that look like the real Openverse catalog (provider, licence and popularity mixes,
 * machine tags, missing dimensions, dead links) without shipping any real data.
 *
 * Every row is generated from its own PRNG stream keyed by (seed, media type, index), so
 * row N is the same whatever the count, and the same seed always gives byte-identical
 * output. Nothing here reads the clock: dates are spread over the ~3 years before a fixed
 * anchor date.
 *
 * Media URLs point at the stack's media server (scripts/stack/media-server.ts) and carry
 * the size / duration in the query string so the server can render them without a DB.
 */
import type { UpstreamAudioRow, UpstreamAudioSet, UpstreamImageRow, UpstreamTag } from '../upstream/schema.js';

/** Bump whenever the generator's output changes, so stacks reload their demo catalog. */
export const DEMO_CATALOG_VERSION = '2026-11-27.1';

export const DEFAULT_DEMO_SEED = 20240521;

/** Fixed "now" of the demo catalog; rows are dated in the 3 years before it. */
const ANCHOR_MS = Date.UTC(2026, 9, 1);
const DAY_MS = 86_400_000;
const SPAN_MS = 3 * 365 * DAY_MS;

export interface DemoCatalogOptions {
  /** Base URL of the media server, e.g. `http://127.0.0.1:8790` (no trailing slash needed). */
  mediaBaseUrl: string;
  seed?: number;
}

export interface DemoFingerprintOptions extends DemoCatalogOptions {
  images: number;
  audio: number;
}

/**
 * A stable string identifying a generated catalog: equal fingerprints mean equal rows,
 * so a stack can skip reloading when nothing changed.
 */
export function demoCatalogFingerprint(opts: DemoFingerprintOptions): string {
  return JSON.stringify({
    v: DEMO_CATALOG_VERSION,
    images: opts.images,
    audio: opts.audio,
    seed: opts.seed ?? DEFAULT_DEMO_SEED,
    mediaBaseUrl: normalizeBase(opts.mediaBaseUrl),
  });
}

export function* demoImages(count: number, opts: DemoCatalogOptions): Generator<UpstreamImageRow> {
  const ctx = context(opts);
  for (let i = 0; i < count; i++) yield demoImageAt(i, ctx);
}

export function* demoAudio(count: number, opts: DemoCatalogOptions): Generator<UpstreamAudioRow> {
  const ctx = context(opts);
  for (let i = 0; i < count; i++) yield demoAudioAt(i, ctx);
}

// ---------------------------------------------------------------------------------------
// PRNG. cyrb128 hashes the (seed, kind, index) key into 128 bits of state for sfc32.
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

type Weighted<T> = readonly (readonly [T, number])[];

class Rand {
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

// ---------------------------------------------------------------------------------------
// Word lists (embedded so the generator has no data files).

const w = (s: string): readonly string[] => s.trim().split(/\s+/);
const l = (s: string): readonly string[] => s.split('|').map((x) => x.trim());

type Topic = 'nature' | 'animals' | 'city' | 'art' | 'music';

const TOPIC_NOUNS: Record<Topic, readonly string[]> = {
  nature: w(`forest river mountain lake ocean beach sunset sunrise meadow valley canyon desert
    glacier waterfall island coast cliff cave volcano prairie marsh swamp jungle rainforest
    tundra reef lagoon bay dune hill field garden park trail snow rain fog storm cloud sky
    rainbow moon star aurora tree oak pine maple willow birch cedar palm fern moss flower rose
    tulip daisy sunflower lily orchid lavender poppy blossom leaf grass wheat stone rock pebble
    sand ice frost dew mist horizon shore wave`),
  animals: w(`cat dog horse cow sheep goat pig rabbit fox wolf bear deer moose elk bison lion
    tiger leopard cheetah elephant giraffe zebra rhino hippo monkey gorilla panda koala
    kangaroo squirrel owl eagle hawk falcon heron swan duck goose parrot penguin flamingo robin
    sparrow hummingbird butterfly bee dragonfly ladybug spider frog turtle lizard snake
    crocodile dolphin whale shark octopus jellyfish seal otter salmon kitten puppy pony`),
  city: w(`street bridge tower cathedral church temple mosque castle palace museum market
    station skyline building skyscraper alley square fountain statue monument harbor
    lighthouse train tram bus bicycle car taxi subway graffiti mural window door roof balcony
    staircase cafe restaurant library rooftop avenue boulevard pier canal neon crowd`),
  art: w(`painting portrait landscape sketch drawing engraving etching lithograph sculpture
    ceramic vase textile tapestry mosaic fresco manuscript map poster print photograph
    watercolor canvas illustration pattern ornament jewelry coin mask costume bowl teapot
    figurine relief icon scroll woodcut bust altarpiece still-life`),
  music: w(`guitar piano violin cello drum trumpet saxophone flute clarinet harp bass synth
    organ choir orchestra band concert stage festival singer drummer guitarist microphone
    vinyl record turntable speaker amplifier accordion banjo ukulele harmonica`),
};

const ADJECTIVES = w(`golden silver red blue green yellow purple orange black white grey dark
  bright quiet calm wild ancient old new little big tall tiny misty foggy sunny rainy snowy
  frozen hidden lonely distant peaceful vibrant colorful abstract vintage rustic urban rural
  coastal northern southern eastern western early late morning evening midnight hazy gentle
  silent broken shining faded crimson emerald amber velvet electric lost secret`);

const CITIES = l(`Paris|London|Tokyo|Berlin|Rome|Madrid|Lisbon|Amsterdam|Prague|Vienna|Istanbul|
  Cairo|Nairobi|Lagos|Mumbai|Delhi|Bangkok|Singapore|Sydney|Melbourne|Auckland|Toronto|
  Montreal|Vancouver|Chicago|Boston|Seattle|New York|San Francisco|Mexico City|Buenos Aires|
  Rio de Janeiro|Lima|Bogota|Havana|Dublin|Edinburgh|Oslo|Stockholm|Helsinki|Copenhagen|
  Reykjavik|Athens|Budapest|Warsaw|Krakow|Kyoto|Seoul|Shanghai|Hong Kong|Hanoi|Marrakech|
  Cape Town|Dubai|Porto|Seville|Florence|Venice|Munich|Zurich`);

const SEASONS = w('spring summer autumn winter');
const TIMES = w('morning afternoon evening night dawn dusk');

const FIRST_NAMES = w(`James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth
  David Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew
  Lisa Anthony Sandra Mark Ashley Paul Emily Steven Donna Andrew Michelle Kenji Yuki Aiko Hiro
  Wei Mei Li Chen Arjun Priya Ravi Ananya Olu Amara Kwame Zainab Mateo Sofia Lucas Valentina
  Lars Ingrid Sven Astrid Pierre Camille Hans Greta Marco Giulia Ivan Olga Fatima Omar Leila`);

const LAST_NAMES = w(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
  Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez
  Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright
  Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell
  Carter Roberts Tanaka Suzuki Sato Wang Zhang Kumar Singh Okafor Mensah Silva Santos Rossi
  Bianchi Muller Schmidt Dubois Laurent Johansson Nilsson Kowalski Novak Ivanova Haddad`);

const LATIN_GENERA = w(`Quercus Pinus Rosa Felis Canis Ursus Aquila Papilio Salix Acer Betula
  Lilium Orchis Falco Corvus Rana Bufo Helix Conus Mytilus Eriogonum Carex Viola Salvia Erica`);
const LATIN_SPECIES = w(`alba rubra nigra major minor vulgaris officinalis americana europaea
  orientalis sylvestris montana maritima gracilis latifolium pratensis arvensis canadensis`);

const MACHINE_TAGS = w(`outdoors nature no-person people travel architecture animal art
  landscape sky water tree city building portrait daylight color summer winter vintage`);

const SOUND_WORDS = w(`door creak footsteps rain thunder wind birdsong traffic crowd applause
  knock click beep whoosh explosion engine bell chime splash water drip bubble glass break
  metal hit impact swoosh alarm siren typing keyboard phone ring laugh breath heartbeat clock
  tick waves fire crackle forest ambience city night insects train horn`);

const GENRES = w(`rock pop electronic jazz classical hiphop ambient folk metal world soundtrack
  lounge reggae blues funk punk latin chillout techno house indie experimental`);

const JAMENDO_VARTAGS = w(`speed_low speed_medium speed_high vocal instrumental male female
  acoustic electric energetic relaxing happy sad dark`);

const CAMERAS = l(`Canon EOS 5D Mark III|Nikon D750|Sony A7 III|Fujifilm X-T3|iPhone 12|
  Olympus OM-D E-M10|Pentax K-1|Leica M6|Canon PowerShot G7 X|Google Pixel 6`);

const MUSICAL_KEYS = l('C major|G major|D minor|A minor|E flat major|F sharp minor|B flat major');
const MUSICAL_FORMS = w('Sonata Prelude Nocturne Etude Waltz Fugue Suite Rhapsody Minuet Serenade');
const COMPOSERS = l('Bach|Mozart|Beethoven|Chopin|Schubert|Debussy|Satie|Vivaldi|Handel|Brahms');

// ---------------------------------------------------------------------------------------
// Shared helpers

interface Ctx {
  seed: number;
  base: string;
}

function normalizeBase(url: string): string {
  return url.replace(/\/+$/, '');
}

function context(opts: DemoCatalogOptions): Ctx {
  return { seed: opts.seed ?? DEFAULT_DEMO_SEED, base: normalizeBase(opts.mediaBaseUrl) };
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const titleCase = (s: string): string => s.split(' ').map(cap).join(' ');
const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
const iso = (ms: number): string => new Date(ms).toISOString();
const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

function licenseUrl(license: string, version: string): string {
  if (license === 'cc0') return 'https://creativecommons.org/publicdomain/zero/1.0/';
  if (license === 'pdm') return 'https://creativecommons.org/publicdomain/mark/1.0/';
  return `https://creativecommons.org/licenses/${license}/${version}/`;
}

/** cc0/pdm/sampling+ only exist as 1.0; other licences take the provider's usual versions. */
function licenseVersion(r: Rand, license: string, versions: Weighted<string>): string {
  if (license === 'cc0' || license === 'pdm' || license.endsWith('sampling+')) return '1.0';
  return r.weighted(versions);
}

/** created_on somewhere in the last ~3 years; updated_on the same or later. */
function dates(r: Rand): { created: number; updated: number } {
  const created = ANCHOR_MS - Math.floor(r.next() * SPAN_MS);
  const updated = r.chance(0.4) ? created : created + Math.floor(r.next() * (ANCHOR_MS - created));
  return { created, updated };
}

/** Skewed popularity like the real catalog: most rows near 0, a few near 1. */
function popularity(r: Rand): number {
  const x = r.next();
  return x * x * x * x;
}

type LinkState = 'ok' | 'dead' | 'slow' | 'gone';

/**
 * ~0.5 % of rows point at /dead/ (media server answers 404), and ~0.05 % each at /slow/
 * (hangs) and /gone/ (410), so dead-link filtering and timeouts have something to do.
 */
function linkState(r: Rand): LinkState {
  const x = r.next();
  if (x < 0.005) return 'dead';
  if (x < 0.0055) return 'slow';
  if (x < 0.006) return 'gone';
  return 'ok';
}

function mediaPrefix(ctx: Ctx, state: LinkState): string {
  return state === 'ok' ? ctx.base : `${ctx.base}/${state}`;
}

function personName(r: Rand): string {
  return `${r.pick(FIRST_NAMES)} ${r.pick(LAST_NAMES)}`;
}

/** Popular creators recur: index into a pool with a skew towards low indexes. */
function poolIndex(r: Rand, size: number): number {
  const x = r.next();
  return Math.floor(x * x * size);
}

function words(r: Rand, topic: Topic): { a: string; n1: string; n2: string; city: string } {
  const nouns = TOPIC_NOUNS[topic];
  return { a: r.pick(ADJECTIVES), n1: r.pick(nouns), n2: r.pick(nouns), city: r.pick(CITIES) };
}

type TextKind = 'photo' | 'artwork' | 'sound' | 'music';

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
function description(r: Rand, topic: Topic, kind: TextKind): string | null {
  const x = r.next();
  if (x < 0.2) return null;
  if (x < 0.25) return '';
  const n = x > 0.97 ? r.int(15, 40) : r.int(1, 3);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(sentence(r, topic, kind));
  return parts.join(' ');
}

function providerTags(r: Rand, topic: Topic, provider: string, max: number): UpstreamTag[] {
  const n = r.int(0, max);
  const names = r.sample(TOPIC_NOUNS[topic], n);
  if (n > 2 && r.chance(0.4)) names.push(r.pick(CITIES).toLowerCase());
  if (n > 3 && r.chance(0.3)) names.push(r.pick(ADJECTIVES));
  return names.map((name) => ({ name, provider }));
}

/** Machine tags (Clarifai / Rekognition style) with an accuracy; ~1/3 fall below 0.9. */
function machineTags(r: Rand, topic: Topic, provider: string): UpstreamTag[] {
  const names = new Set([...r.sample(TOPIC_NOUNS[topic], r.int(1, 4)), ...r.sample(MACHINE_TAGS, r.int(1, 4))]);
  return [...names].map((name) => ({ name, provider, accuracy: round(0.85 + 0.15 * r.next(), 5) }));
}

// ---------------------------------------------------------------------------------------
// Images

type ImageProvider =
  | 'flickr'
  | 'wikimedia'
  | 'smithsonian'
  | 'met'
  | 'rawpixel'
  | 'stocksnap'
  | 'nypl'
  | 'brooklynmuseum'
  | 'clevelandmuseum';

interface ImageProviderSpec {
  weight: number;
  sources: Weighted<string>;
  licenses: Weighted<string>;
  versions: Weighted<string>;
  filetypes: Weighted<string>;
  categories: Weighted<string | null>;
  topics: Weighted<Topic>;
  sizes: readonly (readonly [number, number])[];
  /** Probability that width/height are not recorded. */
  missingDims: number;
  /** Probability that a thumbnail URL is recorded. */
  thumbnail: number;
  machineTagProvider: string | null;
  machineTagRate: number;
}

const PHOTO_SIZES = [
  [1024, 768], [1024, 683], [800, 600], [640, 480], [500, 375], [1600, 1067], [2048, 1365],
  [4000, 3000], [3024, 4032], [683, 1024], [768, 1024], [1080, 1080], [1920, 1080], [5472, 3648],
] as const;
const ARTWORK_SIZES = [
  [3000, 4000], [2400, 3000], [4000, 3200], [1600, 2000], [5000, 3750], [900, 1200], [2000, 2000],
] as const;
const STOCK_SIZES = [[5184, 3456], [6000, 4000], [4000, 6000], [1920, 1280], [3840, 2560]] as const;

const ALL_CC_VERSIONS: Weighted<string> = [['4.0', 50], ['3.0', 35], ['2.0', 15]];

const IMAGE_PROVIDERS: Record<ImageProvider, ImageProviderSpec> = {
  flickr: {
    weight: 60,
    sources: [['flickr', 1]],
    licenses: [['by', 28], ['by-nc-sa', 22], ['by-nc', 14], ['by-sa', 12], ['by-nc-nd', 12], ['by-nd', 5], ['pdm', 4], ['cc0', 3]],
    versions: [['2.0', 90], ['4.0', 10]],
    filetypes: [['jpg', 92], ['png', 5], ['gif', 3]],
    categories: [['photograph', 88], [null, 12]],
    topics: [['nature', 30], ['animals', 20], ['city', 30], ['art', 5], ['music', 15]],
    sizes: PHOTO_SIZES,
    missingDims: 0.03,
    thumbnail: 0.9,
    machineTagProvider: 'clarifai',
    machineTagRate: 0.4,
  },
  wikimedia: {
    weight: 20,
    sources: [['wikimedia', 1]],
    licenses: [['by-sa', 50], ['by', 20], ['cc0', 15], ['pdm', 15]],
    versions: [['3.0', 50], ['4.0', 35], ['2.0', 15]],
    filetypes: [['jpg', 70], ['png', 15], ['svg', 10], ['gif', 5]],
    categories: [['photograph', 55], ['digitized_artwork', 25], ['illustration', 20]],
    topics: [['city', 30], ['nature', 25], ['animals', 20], ['art', 15], ['music', 10]],
    sizes: [...PHOTO_SIZES, [2560, 1920], [3264, 2448], [4608, 3456], [512, 512], [220, 220]],
    missingDims: 0.08,
    thumbnail: 0.5,
    machineTagProvider: 'rekognition',
    machineTagRate: 0.15,
  },
  smithsonian: {
    weight: 6,
    sources: [
      ['smithsonian_national_museum_of_natural_history', 50],
      ['smithsonian_american_art_museum', 20],
      ['smithsonian_cooper_hewitt_museum', 15],
      ['smithsonian_freer_gallery_of_art', 15],
    ],
    licenses: [['cc0', 1]],
    versions: ALL_CC_VERSIONS,
    filetypes: [['jpg', 1]],
    categories: [['digitized_artwork', 80], [null, 20]],
    topics: [['animals', 35], ['nature', 35], ['art', 30]],
    sizes: ARTWORK_SIZES,
    missingDims: 0.6,
    thumbnail: 0.8,
    machineTagProvider: null,
    machineTagRate: 0,
  },
  met: {
    weight: 4,
    sources: [['met', 1]],
    licenses: [['cc0', 1]],
    versions: ALL_CC_VERSIONS,
    filetypes: [['jpg', 1]],
    categories: [['digitized_artwork', 1]],
    topics: [['art', 70], ['animals', 15], ['nature', 15]],
    sizes: ARTWORK_SIZES,
    missingDims: 0.2,
    thumbnail: 0.8,
    machineTagProvider: 'rekognition',
    machineTagRate: 0.15,
  },
  rawpixel: {
    weight: 3,
    sources: [['rawpixel', 1]],
    licenses: [['cc0', 85], ['pdm', 15]],
    versions: ALL_CC_VERSIONS,
    filetypes: [['jpg', 70], ['png', 30]],
    categories: [['illustration', 50], ['photograph', 30], ['digitized_artwork', 20]],
    topics: [['art', 40], ['nature', 30], ['animals', 15], ['city', 15]],
    sizes: [...STOCK_SIZES, ...ARTWORK_SIZES],
    missingDims: 0,
    thumbnail: 1,
    machineTagProvider: null,
    machineTagRate: 0,
  },
  stocksnap: {
    weight: 2,
    sources: [['stocksnap', 1]],
    licenses: [['cc0', 1]],
    versions: ALL_CC_VERSIONS,
    filetypes: [['jpg', 1]],
    categories: [['photograph', 1]],
    topics: [['nature', 35], ['city', 35], ['animals', 15], ['music', 15]],
    sizes: STOCK_SIZES,
    missingDims: 0,
    thumbnail: 1,
    machineTagProvider: 'clarifai',
    machineTagRate: 0.3,
  },
  nypl: {
    weight: 2,
    sources: [['nypl', 1]],
    licenses: [['pdm', 80], ['cc0', 20]],
    versions: ALL_CC_VERSIONS,
    filetypes: [['jpg', 1]],
    categories: [['digitized_artwork', 1]],
    topics: [['city', 50], ['art', 50]],
    sizes: ARTWORK_SIZES,
    missingDims: 0.5,
    thumbnail: 0.7,
    machineTagProvider: null,
    machineTagRate: 0,
  },
  brooklynmuseum: {
    weight: 1.5,
    sources: [['brooklynmuseum', 1]],
    licenses: [['by', 70], ['cc0', 30]],
    versions: [['3.0', 1]],
    filetypes: [['jpg', 1]],
    categories: [['digitized_artwork', 1]],
    topics: [['art', 80], ['animals', 10], ['city', 10]],
    sizes: ARTWORK_SIZES,
    missingDims: 0.3,
    thumbnail: 0.8,
    machineTagProvider: null,
    machineTagRate: 0,
  },
  clevelandmuseum: {
    weight: 1.5,
    sources: [['clevelandmuseum', 1]],
    licenses: [['cc0', 1]],
    versions: ALL_CC_VERSIONS,
    filetypes: [['jpg', 1]],
    categories: [['digitized_artwork', 1]],
    topics: [['art', 85], ['nature', 15]],
    sizes: ARTWORK_SIZES,
    missingDims: 0.1,
    thumbnail: 0.9,
    machineTagProvider: null,
    machineTagRate: 0,
  },
};

const IMAGE_PROVIDER_TABLE: Weighted<ImageProvider> = (Object.keys(IMAGE_PROVIDERS) as ImageProvider[]).map(
  (p) => [p, IMAGE_PROVIDERS[p].weight] as const,
);

const MUSEUM_PROVIDERS = new Set<ImageProvider>(['smithsonian', 'met', 'nypl', 'brooklynmuseum', 'clevelandmuseum']);

interface Creator {
  creator: string | null;
  creator_url: string | null;
}

/** Flickr users come from a fixed pool so names and profile URLs stay consistent. */
function flickrUser(ctx: Ctx, k: number): Creator & { nsid: string } {
  const r = new Rand(`${ctx.seed}:flickr-user:${k}`);
  const nsid = `${r.int(10000000, 99999999)}@N0${r.int(0, 8)}`;
  const style = r.int(0, 9);
  const first = r.pick(FIRST_NAMES);
  const last = r.pick(LAST_NAMES);
  const creator =
    style < 5 ? `${first} ${last}` : style < 7 ? `${first}_${last}`.toLowerCase() : `${r.pick(ADJECTIVES)}${cap(r.pick(TOPIC_NOUNS.nature))}${r.int(1, 99)}`;
  return { nsid, creator, creator_url: `https://www.flickr.com/photos/${nsid}` };
}

function wikimediaUser(ctx: Ctx, k: number): Creator {
  const r = new Rand(`${ctx.seed}:wikimedia-user:${k}`);
  const name = r.chance(0.6) ? personName(r) : `${cap(r.pick(ADJECTIVES))}${cap(r.pick(TOPIC_NOUNS.animals))}`;
  return { creator: name, creator_url: `https://commons.wikimedia.org/wiki/User:${name.replaceAll(' ', '_')}` };
}

function imageTitle(r: Rand, provider: ImageProvider, source: string, topic: Topic): string {
  const { a, n1, n2, city } = words(r, topic);
  if (source === 'smithsonian_national_museum_of_natural_history') {
    return `${r.pick(LATIN_GENERA)} ${r.pick(LATIN_SPECIES)}`;
  }
  if (MUSEUM_PROVIDERS.has(provider)) {
    switch (r.int(0, 4)) {
      case 0:
        return `Portrait of ${personName(r)}`;
      case 1:
        return `${cap(r.pick(TOPIC_NOUNS.art))} with ${n1}s`;
      case 2:
        return `${titleCase(`${a} ${n1}`)}, ${1500 + r.int(0, 420)}`;
      case 3:
        return `View of ${city}`;
      default:
        return `${cap(n1)} &ndash; ${r.pick(TOPIC_NOUNS.art)}`; // HTML entity, as real titles have
    }
  }
  if (provider === 'flickr') {
    switch (r.int(0, 7)) {
      case 0:
        return `IMG_${r.int(1000, 9999)}`;
      case 1:
        return `DSC_${r.int(1000, 9999)}`;
      case 2:
        return `${city} ${2015 + r.int(0, 11)}`;
      case 3:
        return `${cap(n1)} &amp; ${n2}`;
      case 4:
        return `${cap(a)} ${n1} in ${city}`;
      default:
        return titleCase(`${a} ${n1}`);
    }
  }
  if (provider === 'wikimedia') {
    return r.chance(0.5) ? `${cap(n1)} in ${city} (${2005 + r.int(0, 20)})` : `${titleCase(`${a} ${n1}`)} ${r.int(1, 40)}`;
  }
  return r.chance(0.5) ? `${titleCase(`${a} ${n1}`)} background` : `${cap(n1)} on ${n2}`;
}

function pickSize(r: Rand, sizes: readonly (readonly [number, number])[]): [number, number] {
  const [w0, h0] = r.pick(sizes);
  if (!r.chance(0.3)) return [w0, h0];
  // Arbitrary resample keeping the aspect ratio, so not every image has a stock size.
  const width = r.int(300, 6000);
  return [width, Math.max(1, Math.round((width * h0) / w0))];
}

function imageFilesize(r: Rand, filetype: string, width: number, height: number): number {
  const px = width * height;
  const factor = filetype === 'png' ? 1.1 : filetype === 'gif' ? 0.6 : 0.3;
  if (filetype === 'svg') return r.int(4_000, 200_000);
  return Math.round(px * factor * (0.6 + 0.8 * r.next()));
}

function imageLanding(r: Rand, provider: ImageProvider, fid: string, title: string, creator: Creator & { nsid?: string }): string {
  switch (provider) {
    case 'flickr':
      return `https://www.flickr.com/photos/${creator.nsid}/${fid}`;
    case 'wikimedia':
      return `https://commons.wikimedia.org/w/index.php?curid=${fid}`;
    case 'smithsonian':
      return `https://collections.si.edu/search/detail/edanmdm:${fid}`;
    case 'met':
      return `https://www.metmuseum.org/art/collection/search/${fid}`;
    case 'rawpixel':
      return `https://www.rawpixel.com/image/${fid}/${slug(title)}`;
    case 'stocksnap':
      return `https://stocksnap.io/photo/${slug(title)}-${fid}`;
    case 'nypl':
      return `https://digitalcollections.nypl.org/items/${r.uuid()}`;
    case 'brooklynmuseum':
      return `https://www.brooklynmuseum.org/opencollection/objects/${fid}`;
    case 'clevelandmuseum':
      return `https://clevelandart.org/art/${fid}`;
  }
}

/** foreign_identifier derived from the index so (foreign_identifier, provider) is unique. */
function imageForeignId(r: Rand, provider: ImageProvider, index: number): string {
  switch (provider) {
    case 'flickr':
      return String(50_000_000_000 + index * 1000 + r.int(0, 999));
    case 'wikimedia':
      return String(10_000_000 + index * 10 + r.int(0, 9));
    case 'smithsonian':
      return `nmnhbotany_${1_000_000 + index}`;
    case 'stocksnap':
      return (index + 1).toString(36).toUpperCase().padStart(10, 'X');
    default:
      return String(100_000 + index);
  }
}

function imageMeta(
  r: Rand,
  provider: ImageProvider,
  topic: Topic,
  license: string,
  version: string,
  created: number,
): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const desc = description(r, topic, MUSEUM_PROVIDERS.has(provider) ? 'artwork' : 'photo');
  if (desc !== null) meta.description = desc;
  meta.license_url = licenseUrl(license, version);
  if (r.chance(0.3)) meta.raw_license_url = meta.license_url;
  if (provider === 'flickr') {
    const taken = created - r.int(0, 3000) * DAY_MS;
    meta.pub_date = String(Math.floor(created / 1000));
    meta.date_taken = iso(taken).slice(0, 19).replace('T', ' ');
    meta.views = String(r.int(0, 5000) * r.int(0, 10));
  } else if (provider === 'wikimedia') {
    meta.global_usage_count = r.int(0, 50);
    meta.date_originally_created = iso(created - r.int(0, 4000) * DAY_MS).slice(0, 10);
  } else if (MUSEUM_PROVIDERS.has(provider)) {
    meta.accession_number = `${r.int(1850, 2020)}.${r.int(1, 999)}.${r.int(1, 99)}`;
    meta.classification = cap(r.pick(TOPIC_NOUNS.art));
    if (r.chance(0.5)) meta.credit_line = `Gift of ${personName(r)}, ${r.int(1900, 2020)}`;
  }
  // A few rows flagged mature by the provider.
  if (r.chance(0.004)) meta.mature = true;
  return meta;
}

function demoImageAt(index: number, ctx: Ctx): UpstreamImageRow {
  const r = new Rand(`${ctx.seed}:image:${index}`);
  const identifier = r.uuid();
  const provider = r.weighted(IMAGE_PROVIDER_TABLE);
  const spec = IMAGE_PROVIDERS[provider];
  const source = r.weighted(spec.sources);
  const topic = r.weighted(spec.topics);
  const { created, updated } = dates(r);

  const license = r.weighted(spec.licenses);
  const version = licenseVersion(r, license, spec.versions);
  const filetype = r.weighted(spec.filetypes);
  const category = filetype === 'svg' ? 'illustration' : r.weighted(spec.categories);
  const [width, height] = pickSize(r, spec.sizes);
  const hasDims = !r.chance(filetype === 'svg' ? 0.5 : spec.missingDims);

  let creator: Creator & { nsid?: string };
  if (provider === 'flickr') creator = flickrUser(ctx, poolIndex(r, 1500));
  else if (provider === 'wikimedia') creator = wikimediaUser(ctx, poolIndex(r, 600));
  else if (MUSEUM_PROVIDERS.has(provider)) creator = { creator: r.chance(0.15) ? 'Unknown' : personName(r), creator_url: null };
  else creator = { creator: personName(r), creator_url: null };

  const title = imageTitle(r, provider, source, topic);
  const foreign_identifier = imageForeignId(r, provider, index);
  const foreign_landing_url = imageLanding(r, provider, foreign_identifier, title, creator);

  const state = linkState(r);
  const prefix = mediaPrefix(ctx, state);
  const url = `${prefix}/images/${identifier}.${filetype}?w=${width}&h=${height}`;
  let thumbnail: string | null = null;
  if (r.chance(spec.thumbnail)) {
    // Providers' thumbnails are ~600 px on the long side.
    const scale = Math.min(1, 600 / Math.max(width, height));
    const tw = Math.max(1, Math.round(width * scale));
    const th = Math.max(1, Math.round(height * scale));
    thumbnail = `${prefix}/images/${identifier}.${filetype === 'svg' ? 'svg' : 'jpg'}?w=${tw}&h=${th}`;
  }

  const tags = providerTags(r, topic, provider, provider === 'flickr' ? 10 : 6);
  if (spec.machineTagProvider && r.chance(spec.machineTagRate)) tags.push(...machineTags(r, topic, spec.machineTagProvider));

  const meta_data = imageMeta(r, provider, topic, license, version, created);
  const filesize = r.chance(0.5) ? imageFilesize(r, filetype, width, height) : null;
  const updated_on = iso(updated);

  return {
    created_on: iso(created),
    updated_on,
    identifier,
    provider,
    source,
    foreign_identifier,
    foreign_landing_url,
    url,
    thumbnail,
    width: hasDims ? width : null,
    height: hasDims ? height : null,
    filesize,
    license,
    license_version: version,
    creator: creator.creator,
    creator_url: creator.creator_url,
    title,
    tags_list: null,
    last_synced_with_source: updated_on,
    removed_from_source: r.chance(0.002),
    meta_data,
    view_count: 0,
    tags: tags.length > 0 || r.chance(0.5) ? tags : null,
    watermarked: false,
    filetype,
    standardized_popularity: popularity(r),
    ingestion_type: created < ANCHOR_MS - 2.5 * 365 * DAY_MS ? 'commoncrawl' : 'provider_api',
    category,
  };
}

// ---------------------------------------------------------------------------------------
// Audio

type AudioProvider = 'jamendo' | 'freesound' | 'wikimedia_audio';

const AUDIO_PROVIDER_TABLE: Weighted<AudioProvider> = [['jamendo', 60], ['freesound', 35], ['wikimedia_audio', 5]];

const AUDIO_LICENSES: Record<AudioProvider, Weighted<string>> = {
  jamendo: [['by-nc-sa', 25], ['by-nc-nd', 20], ['by-nc', 15], ['by', 15], ['by-sa', 12], ['by-nd', 10], ['sampling+', 1.5], ['nc-sampling+', 1.5]],
  freesound: [['cc0', 40], ['by', 35], ['by-nc', 22], ['sampling+', 3]],
  wikimedia_audio: [['by-sa', 45], ['cc0', 25], ['by', 15], ['pdm', 15]],
};

const AUDIO_VERSIONS: Record<AudioProvider, Weighted<string>> = {
  jamendo: [['3.0', 65], ['2.0', 35]],
  freesound: [['3.0', 60], ['4.0', 40]],
  wikimedia_audio: [['4.0', 50], ['3.0', 50]],
};

const JAMENDO_ALBUM_SIZE = 8;

function jamendoArtist(ctx: Ctx, k: number): Creator & { artistId: number } {
  const r = new Rand(`${ctx.seed}:jamendo-artist:${k}`);
  const noun = r.pick([...TOPIC_NOUNS.animals, ...TOPIC_NOUNS.nature]);
  let name: string;
  switch (r.int(0, 4)) {
    case 0:
      name = `The ${cap(noun)}s`;
      break;
    case 1:
      name = personName(r);
      break;
    case 2:
      name = `DJ ${r.pick(FIRST_NAMES)}`;
      break;
    case 3:
      name = `${r.pick(FIRST_NAMES)} & the ${cap(noun)}s`;
      break;
    default:
      name = titleCase(`${r.pick(ADJECTIVES)} ${noun}`);
  }
  const artistId = 1000 + k;
  return { artistId, creator: name, creator_url: `https://www.jamendo.com/artist/${artistId}/${slug(name)}` };
}

function freesoundUser(ctx: Ctx, k: number): Creator {
  const r = new Rand(`${ctx.seed}:freesound-user:${k}`);
  const name = r.chance(0.5) ? `${r.pick(FIRST_NAMES)}${r.pick(LAST_NAMES)}`.toLowerCase() : `${r.pick(SOUND_WORDS)}_${r.pick(ADJECTIVES)}${r.int(1, 999)}`;
  return { creator: name, creator_url: `https://freesound.org/people/${name}/` };
}

interface Album {
  set: UpstreamAudioSet;
  artist: Creator;
}

/**
 * Consecutive jamendo tracks share an album (when their group has one), so audio sets
 * have several members and a consistent artist.
 */
function jamendoAlbum(ctx: Ctx, group: number): Album | null {
  const r = new Rand(`${ctx.seed}:jamendo-album:${group}`);
  if (!r.chance(0.6)) return null;
  const artist = jamendoArtist(ctx, poolIndex(r, 400));
  const albumId = String(200_000 + group);
  const title = titleCase(`${r.pick(ADJECTIVES)} ${r.pick([...TOPIC_NOUNS.nature, ...TOPIC_NOUNS.city])}`);
  const artUuid = r.uuid();
  return {
    artist,
    set: {
      foreign_identifier: albumId,
      title,
      foreign_landing_url: `https://www.jamendo.com/album/${albumId}/${slug(title)}`,
      creator: artist.creator ?? '',
      creator_url: artist.creator_url ?? '',
      url: `https://mp3d.jamendo.com/download/a${albumId}/mp32/`,
      filesize: null,
      filetype: null,
      thumbnail: `${ctx.base}/images/${artUuid}.jpg?w=300&h=300`,
    },
  };
}

/** Duration in ms, clamped to 5 s .. 10 min, skewed by provider. */
function audioDuration(r: Rand, provider: AudioProvider, category: string): number {
  const x = r.next();
  let ms: number;
  if (provider === 'jamendo' && category === 'music') ms = 90_000 + x * x * 420_000;
  else if (category === 'pronunciation') ms = 5_000 + x * 3_000;
  else ms = 5_000 + x * x * x * 595_000;
  return Math.min(600_000, Math.max(5_000, Math.round(ms)));
}

function audioTitle(r: Rand, provider: AudioProvider, category: string): string {
  const a = r.pick(ADJECTIVES);
  if (provider === 'freesound') {
    const s = r.pick(SOUND_WORDS);
    return r.chance(0.5) ? `${s} ${String(r.int(1, 30)).padStart(2, '0')}.wav` : `${cap(a)} ${s} ${r.pick(SOUND_WORDS)}`;
  }
  if (provider === 'wikimedia_audio') {
    if (category === 'pronunciation') return `En-us-${r.pick(TOPIC_NOUNS.animals)}.ogg`;
    return `${r.pick(COMPOSERS)} - ${r.pick(MUSICAL_FORMS)} in ${r.pick(MUSICAL_KEYS)}`;
  }
  if (category === 'podcast') return `Episode ${r.int(1, 200)}: ${titleCase(`${a} ${r.pick(TOPIC_NOUNS.city)}`)}`;
  const noun = r.pick([...TOPIC_NOUNS.nature, ...TOPIC_NOUNS.city, ...TOPIC_NOUNS.music]);
  switch (r.int(0, 3)) {
    case 0:
      return titleCase(`${a} ${noun}`);
    case 1:
      return `${cap(noun)} (${cap(a)} Mix)`;
    case 2:
      return `${cap(noun)} of ${r.pick(CITIES)}`;
    default:
      return titleCase(`${noun} ${r.pick(TOPIC_NOUNS.nature)}`);
  }
}

function demoAudioAt(index: number, ctx: Ctx): UpstreamAudioRow {
  const r = new Rand(`${ctx.seed}:audio:${index}`);
  const identifier = r.uuid();
  const provider = r.weighted(AUDIO_PROVIDER_TABLE);
  const { created, updated } = dates(r);
  const license = r.weighted(AUDIO_LICENSES[provider]);
  const version = licenseVersion(r, license, AUDIO_VERSIONS[provider]);

  let category: string;
  let filetype: string;
  if (provider === 'jamendo') {
    category = r.weighted([['music', 95], ['podcast', 5]]);
    filetype = 'mp3';
  } else if (provider === 'freesound') {
    category = r.weighted([['sound_effect', 80], ['music', 15], ['pronunciation', 5]]);
    filetype = r.weighted([['wav', 45], ['mp3', 25], ['ogg', 15], ['flac', 15]]);
  } else {
    category = r.weighted([['pronunciation', 40], ['music', 35], ['audiobook', 15], ['news', 10]]);
    filetype = r.weighted([['ogg', 60], ['wav', 15], ['flac', 15], ['mp3', 10]]);
  }
  const duration = audioDuration(r, provider, category);
  const title = audioTitle(r, provider, category);

  let creator: Creator;
  let audio_set: UpstreamAudioSet | null = null;
  let audio_set_position: number | null = null;
  let audio_set_foreign_identifier: string | null = null;
  let thumbnail: string | null = null;
  let genres: string[] | null = null;
  const tags: UpstreamTag[] = [];
  const meta: Record<string, unknown> = {};
  let foreign_identifier: string;
  let foreign_landing_url: string;

  if (provider === 'jamendo') {
    const album = category === 'music' ? jamendoAlbum(ctx, Math.floor(index / JAMENDO_ALBUM_SIZE)) : null;
    if (album) {
      creator = album.artist;
      audio_set = album.set;
      audio_set_position = (index % JAMENDO_ALBUM_SIZE) + 1;
      audio_set_foreign_identifier = album.set.foreign_identifier;
      thumbnail = album.set.thumbnail;
    } else {
      creator = jamendoArtist(ctx, poolIndex(r, 400));
      if (r.chance(0.7)) thumbnail = `${ctx.base}/images/${identifier}.jpg?w=300&h=300`;
    }
    if (category === 'music') genres = r.sample(GENRES, r.int(1, 3));
    foreign_identifier = String(1_000_000 + index);
    foreign_landing_url = `https://www.jamendo.com/track/${foreign_identifier}`;
    for (const name of [...(genres ?? []), ...r.sample(JAMENDO_VARTAGS, r.int(0, 4))]) tags.push({ name, provider });
    meta.listens = String(Math.floor(popularity(r) * 200_000));
    meta.downloads = String(r.int(0, 500));
    meta.playlists = String(r.int(0, 50));
    meta.release_date = iso(created - r.int(0, 5000) * DAY_MS).slice(0, 10);
  } else if (provider === 'freesound') {
    creator = freesoundUser(ctx, poolIndex(r, 500));
    foreign_identifier = String(300_000 + index);
    foreign_landing_url = `https://freesound.org/people/${creator.creator}/sounds/${foreign_identifier}/`;
    for (const name of r.sample(SOUND_WORDS, r.int(1, 6))) tags.push({ name, provider });
    if (r.chance(0.3)) tags.push({ name: 'field-recording', provider });
    const desc = description(r, 'nature', 'sound');
    if (desc !== null) meta.description = desc;
    meta.num_downloads = r.int(0, 20_000);
    meta.avg_rating = round(r.next() * 5, 2);
  } else {
    creator = wikimediaUser(ctx, poolIndex(r, 600));
    foreign_identifier = String(90_000_000 + index);
    foreign_landing_url = `https://commons.wikimedia.org/w/index.php?curid=${foreign_identifier}`;
    const desc = description(r, 'music', category === 'music' ? 'music' : 'sound');
    if (desc !== null) meta.description = desc;
    meta.global_usage_count = r.int(0, 20);
  }
  meta.license_url = licenseUrl(license, version);
  if (r.chance(0.003)) meta.mature = true;

  const bit_rate = filetype === 'mp3' ? r.weighted([[128_000, 50], [192_000, 30], [320_000, 20]]) : null;
  const sample_rate = provider === 'jamendo' ? null : r.weighted([[44_100, 70], [48_000, 25], [22_050, 5]]);
  const filesize = bit_rate ? Math.round((duration / 1000) * (bit_rate / 8)) : r.chance(0.5) ? Math.round((duration / 1000) * 88_200) : null;

  const state = linkState(r);
  const prefix = mediaPrefix(ctx, state);
  const url = `${prefix}/audio/${identifier}.${filetype}?d=${duration}`;
  const alt_files =
    provider === 'freesound' && filetype !== 'mp3' && r.chance(0.3)
      ? [{ url: `${prefix}/audio/${identifier}.mp3?d=${duration}`, filetype: 'mp3', bit_rate: 128_000, sample_rate: 44_100, filesize: Math.round((duration / 1000) * 16_000) }]
      : null;
  const updated_on = iso(updated);

  return {
    created_on: iso(created),
    updated_on,
    identifier,
    foreign_identifier,
    title,
    foreign_landing_url,
    creator: creator.creator,
    creator_url: creator.creator_url,
    url,
    filesize,
    watermarked: false,
    license,
    license_version: version,
    provider,
    source: provider,
    last_synced_with_source: updated_on,
    removed_from_source: r.chance(0.002),
    view_count: 0,
    tags: tags.length > 0 ? tags : null,
    tags_list: null,
    meta_data: meta,
    audio_set_position,
    genres,
    category,
    duration,
    bit_rate,
    sample_rate,
    alt_files,
    thumbnail,
    filetype,
    audio_set_foreign_identifier,
    standardized_popularity: popularity(r),
    ingestion_type: created < ANCHOR_MS - 2.5 * 365 * DAY_MS ? 'commoncrawl' : 'provider_api',
    audio_set,
  };
}
