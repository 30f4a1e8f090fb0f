/**
 * Image rows of the demo catalog: per-provider mixes of sources, licences, file types,
 * sizes and metadata, modelled on the real catalog's providers.
 */
import { licenseDeedUrl } from '../../model/licenses.js';
import type { UpstreamImageRow } from '../sources/upstream-schema.js';
import { fitWithin, imageUrl, THUMBNAIL_MAX_SIDE } from './media.js';
import { poolIndex, Rand, type Weighted } from './random.js';
import {
  type Creator,
  type Ctx,
  DAY_MS,
  dates,
  ingestionType,
  iso,
  licenseVersion,
  mediaPrefix,
  popularity,
  wikimediaUser,
} from './rows.js';
import { cap, description, machineTags, personName, providerTags, slug, titleCase, words } from './text.js';
import { ADJECTIVES, FIRST_NAMES, LAST_NAMES, LATIN_GENERA, LATIN_SPECIES, TOPIC_NOUNS, type Topic } from './words.js';

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
  [1024, 768],
  [1024, 683],
  [800, 600],
  [640, 480],
  [500, 375],
  [1600, 1067],
  [2048, 1365],
  [4000, 3000],
  [3024, 4032],
  [683, 1024],
  [768, 1024],
  [1080, 1080],
  [1920, 1080],
  [5472, 3648],
] as const;
const ARTWORK_SIZES = [
  [3000, 4000],
  [2400, 3000],
  [4000, 3200],
  [1600, 2000],
  [5000, 3750],
  [900, 1200],
  [2000, 2000],
] as const;
const STOCK_SIZES = [
  [5184, 3456],
  [6000, 4000],
  [4000, 6000],
  [1920, 1280],
  [3840, 2560],
] as const;

const ALL_CC_VERSIONS: Weighted<string> = [
  ['4.0', 50],
  ['3.0', 35],
  ['2.0', 15],
];

const IMAGE_PROVIDERS: Record<ImageProvider, ImageProviderSpec> = {
  flickr: {
    weight: 60,
    sources: [['flickr', 1]],
    licenses: [
      ['by', 28],
      ['by-nc-sa', 22],
      ['by-nc', 14],
      ['by-sa', 12],
      ['by-nc-nd', 12],
      ['by-nd', 5],
      ['pdm', 4],
      ['cc0', 3],
    ],
    versions: [
      ['2.0', 90],
      ['4.0', 10],
    ],
    filetypes: [
      ['jpg', 92],
      ['png', 5],
      ['gif', 3],
    ],
    categories: [
      ['photograph', 88],
      [null, 12],
    ],
    topics: [
      ['nature', 30],
      ['animals', 20],
      ['city', 30],
      ['art', 5],
      ['music', 15],
    ],
    sizes: PHOTO_SIZES,
    missingDims: 0.03,
    thumbnail: 0.9,
    machineTagProvider: 'clarifai',
    machineTagRate: 0.4,
  },
  wikimedia: {
    weight: 20,
    sources: [['wikimedia', 1]],
    licenses: [
      ['by-sa', 50],
      ['by', 20],
      ['cc0', 15],
      ['pdm', 15],
    ],
    versions: [
      ['3.0', 50],
      ['4.0', 35],
      ['2.0', 15],
    ],
    filetypes: [
      ['jpg', 70],
      ['png', 15],
      ['svg', 10],
      ['gif', 5],
    ],
    categories: [
      ['photograph', 55],
      ['digitized_artwork', 25],
      ['illustration', 20],
    ],
    topics: [
      ['city', 30],
      ['nature', 25],
      ['animals', 20],
      ['art', 15],
      ['music', 10],
    ],
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
    categories: [
      ['digitized_artwork', 80],
      [null, 20],
    ],
    topics: [
      ['animals', 35],
      ['nature', 35],
      ['art', 30],
    ],
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
    topics: [
      ['art', 70],
      ['animals', 15],
      ['nature', 15],
    ],
    sizes: ARTWORK_SIZES,
    missingDims: 0.2,
    thumbnail: 0.8,
    machineTagProvider: 'rekognition',
    machineTagRate: 0.15,
  },
  rawpixel: {
    weight: 3,
    sources: [['rawpixel', 1]],
    licenses: [
      ['cc0', 85],
      ['pdm', 15],
    ],
    versions: ALL_CC_VERSIONS,
    filetypes: [
      ['jpg', 70],
      ['png', 30],
    ],
    categories: [
      ['illustration', 50],
      ['photograph', 30],
      ['digitized_artwork', 20],
    ],
    topics: [
      ['art', 40],
      ['nature', 30],
      ['animals', 15],
      ['city', 15],
    ],
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
    topics: [
      ['nature', 35],
      ['city', 35],
      ['animals', 15],
      ['music', 15],
    ],
    sizes: STOCK_SIZES,
    missingDims: 0,
    thumbnail: 1,
    machineTagProvider: 'clarifai',
    machineTagRate: 0.3,
  },
  nypl: {
    weight: 2,
    sources: [['nypl', 1]],
    licenses: [
      ['pdm', 80],
      ['cc0', 20],
    ],
    versions: ALL_CC_VERSIONS,
    filetypes: [['jpg', 1]],
    categories: [['digitized_artwork', 1]],
    topics: [
      ['city', 50],
      ['art', 50],
    ],
    sizes: ARTWORK_SIZES,
    missingDims: 0.5,
    thumbnail: 0.7,
    machineTagProvider: null,
    machineTagRate: 0,
  },
  brooklynmuseum: {
    weight: 1.5,
    sources: [['brooklynmuseum', 1]],
    licenses: [
      ['by', 70],
      ['cc0', 30],
    ],
    versions: [['3.0', 1]],
    filetypes: [['jpg', 1]],
    categories: [['digitized_artwork', 1]],
    topics: [
      ['art', 80],
      ['animals', 10],
      ['city', 10],
    ],
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
    topics: [
      ['art', 85],
      ['nature', 15],
    ],
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
/** Flickr users come from a fixed pool so names and profile URLs stay consistent. */
function flickrUser(ctx: Ctx, k: number): Creator & { nsid: string } {
  const r = new Rand(`${ctx.seed}:flickr-user:${k}`);
  const nsid = `${r.int(10000000, 99999999)}@N0${r.int(0, 8)}`;
  const style = r.int(0, 9);
  const first = r.pick(FIRST_NAMES);
  const last = r.pick(LAST_NAMES);
  const creator =
    style < 5
      ? `${first} ${last}`
      : style < 7
        ? `${first}_${last}`.toLowerCase()
        : `${r.pick(ADJECTIVES)}${cap(r.pick(TOPIC_NOUNS.nature))}${r.int(1, 99)}`;
  return { nsid, creator, creator_url: `https://www.flickr.com/photos/${nsid}` };
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
  meta.license_url = licenseDeedUrl(license, version);
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

/** Image row `index` of the catalog: generated from its own stream, whatever the count. */
export function demoImageAt(index: number, ctx: Ctx): UpstreamImageRow {
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

  const prefix = mediaPrefix(r, ctx);
  const url = imageUrl(prefix, identifier, filetype, width, height);
  let thumbnail: string | null = null;
  if (r.chance(spec.thumbnail)) {
    // Providers' thumbnails: a JPEG (SVG stays SVG) at most 600 px on the long side.
    const [tw, th] = fitWithin(width, height, THUMBNAIL_MAX_SIDE);
    thumbnail = imageUrl(prefix, identifier, filetype === 'svg' ? 'svg' : 'jpg', tw, th);
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
    ingestion_type: ingestionType(created),
    category,
  };
}
