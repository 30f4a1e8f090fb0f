/**
 * Audio rows of the demo catalog: Jamendo music (albums as audio sets), Freesound
 * effects and Wikimedia Commons recordings, with their licence, format and length mixes.
 */
import { licenseDeedUrl } from '../../model/licenses.js';
import type { UpstreamAudioRow, UpstreamAudioSet, UpstreamTag } from '../sources/upstream-schema.js';
import { audioUrl, DEMO_AUDIO_SAMPLE_RATE, DEMO_AUDIO_SAMPLE_RATES, imageUrl, MAX_DEMO_AUDIO_MS, wavBitRate, wavBytes } from './media.js';
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
import { cap, description, personName, round, slug, titleCase } from './text.js';
import {
  ADJECTIVES,
  CITIES,
  COMPOSERS,
  FIRST_NAMES,
  GENRES,
  JAMENDO_VARTAGS,
  LAST_NAMES,
  MUSICAL_FORMS,
  MUSICAL_KEYS,
  SOUND_WORDS,
  TOPIC_NOUNS,
} from './words.js';

type AudioProvider = 'jamendo' | 'freesound' | 'wikimedia_audio';

const AUDIO_PROVIDER_TABLE: Weighted<AudioProvider> = [
  ['jamendo', 60],
  ['freesound', 35],
  ['wikimedia_audio', 5],
];

const AUDIO_LICENSES: Record<AudioProvider, Weighted<string>> = {
  jamendo: [
    ['by-nc-sa', 25],
    ['by-nc-nd', 20],
    ['by-nc', 15],
    ['by', 15],
    ['by-sa', 12],
    ['by-nd', 10],
    ['sampling+', 1.5],
    ['nc-sampling+', 1.5],
  ],
  freesound: [
    ['cc0', 40],
    ['by', 35],
    ['by-nc', 22],
    ['sampling+', 3],
  ],
  wikimedia_audio: [
    ['by-sa', 45],
    ['cc0', 25],
    ['by', 15],
    ['pdm', 15],
  ],
};

const AUDIO_VERSIONS: Record<AudioProvider, Weighted<string>> = {
  jamendo: [
    ['3.0', 65],
    ['2.0', 35],
  ],
  freesound: [
    ['3.0', 60],
    ['4.0', 40],
  ],
  wikimedia_audio: [
    ['4.0', 50],
    ['3.0', 50],
  ],
};

const JAMENDO_ALBUM_SIZE = 8;
/** Cover art is square, thumbnail-sized, as Jamendo's 300 px covers. */
const ALBUM_ART_SIDE = 300;

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
  const name = r.chance(0.5)
    ? `${r.pick(FIRST_NAMES)}${r.pick(LAST_NAMES)}`.toLowerCase()
    : `${r.pick(SOUND_WORDS)}_${r.pick(ADJECTIVES)}${r.int(1, 999)}`;
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
      thumbnail: imageUrl(ctx.base, artUuid, 'jpg', ALBUM_ART_SIDE, ALBUM_ART_SIDE),
    },
  };
}

/**
 * Duration in ms. The media server renders every track at its full length, and a fresh
 * stack downloads and decodes all of them for their waveforms, so lengths are shorter
 * than the real catalog's (songs of 30 s to 5 min rather than 1.5 to 8 min) while every
 * length bucket of the API keeps members: `shortest` (< 30 s: sound effects,
 * pronunciations), `short` (30 s to 2 min: most songs), `medium` (2 to 10 min: long songs,
 * news, most podcasts and audiobooks), `long` (10 min and more: a few podcasts and
 * audiobooks). At about 78 s a track on average, the 5,000 tracks of a fresh stack cost
 * about 85 s of CPU (rendering, download and waveform; bench/demo-media.ts measures it).
 */
function audioDuration(r: Rand, category: string): number {
  const x = r.next();
  let ms: number;
  if (category === 'music') ms = 30_000 + x ** 4 * 270_000;
  else if (category === 'podcast') ms = 240_000 + x * x * 480_000;
  else if (category === 'audiobook') ms = 300_000 + x * x * 600_000;
  else if (category === 'news') ms = 30_000 + x * x * 270_000;
  else if (category === 'pronunciation') ms = 1_000 + x * 2_000;
  else ms = 1_000 + x ** 4 * 119_000;
  return Math.min(MAX_DEMO_AUDIO_MS, Math.round(ms));
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

/** Audio row `index` of the catalog: generated from its own stream, whatever the count. */
export function demoAudioAt(index: number, ctx: Ctx): UpstreamAudioRow {
  const r = new Rand(`${ctx.seed}:audio:${index}`);
  const identifier = r.uuid();
  const provider = r.weighted(AUDIO_PROVIDER_TABLE);
  const { created, updated } = dates(r);
  const license = r.weighted(AUDIO_LICENSES[provider]);
  const version = licenseVersion(r, license, AUDIO_VERSIONS[provider]);

  let category: string;
  if (provider === 'jamendo')
    category = r.weighted([
      ['music', 95],
      ['podcast', 5],
    ]);
  else if (provider === 'freesound')
    category = r.weighted([
      ['sound_effect', 80],
      ['music', 15],
      ['pronunciation', 5],
    ]);
  else
    category = r.weighted([
      ['pronunciation', 40],
      ['music', 35],
      ['audiobook', 15],
      ['news', 10],
    ]);
  const duration = audioDuration(r, category);
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
      if (r.chance(0.7)) thumbnail = imageUrl(ctx.base, identifier, 'jpg', ALBUM_ART_SIDE, ALBUM_ART_SIDE);
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
  meta.license_url = licenseDeedUrl(license, version);
  if (r.chance(0.003)) meta.mature = true;

  // What the media server sends (ingest/demo/media.ts): 8 kHz 16-bit mono WAV, exactly
  // `duration` long; some Freesound uploads have a 16 kHz WAV beside it.
  const filetype = 'wav';
  const bit_rate = wavBitRate();
  const sample_rate = DEMO_AUDIO_SAMPLE_RATE;
  const filesize = wavBytes(duration);
  const prefix = mediaPrefix(r, ctx);
  const url = audioUrl(prefix, identifier, duration);
  const altRate = DEMO_AUDIO_SAMPLE_RATES[1];
  const alt_files =
    provider === 'freesound' && r.chance(0.3)
      ? [
          {
            url: audioUrl(prefix, identifier, duration, altRate),
            filetype,
            bit_rate: wavBitRate(altRate),
            sample_rate: altRate,
            filesize: wavBytes(duration, altRate),
          },
        ]
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
    ingestion_type: ingestionType(created),
    audio_set,
  };
}
