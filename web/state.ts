/**
 * What the page shows, as data: the query, the media type, the filters, the page and the
 * open work. It lives in the page's own query string, so every view is a shareable URL:
 *
 *   /?q=cat&media=audio&license=by,cc0&length=short&page=2&id=<work id>
 *
 * Parameter names and values are the API's (reference §3), lists comma-separated;
 * defaults (`media=image`, `page=1`) are left out. Reading is forgiving (unknown values
 * are dropped, so a hand-edited link still searches); writing is canonical (fixed order,
 * sorted values), so one view has one URL and one API request, which the HTTP cache then
 * answers the second time. Pure: no DOM, tested in Node (web/state.test.ts).
 */
import { LICENSE_SLUGS } from '../model/licenses.js';
import { IDENTIFIER_PATTERN } from '../model/record.js';
import { ASPECT_RATIOS, AUDIO_CATEGORIES, IMAGE_CATEGORIES, LENGTHS, SIZES } from '../model/search-filters.js';

export type Media = 'image' | 'audio';
export const MEDIA: readonly Media[] = ['image', 'audio'];

export const FILTER_KEYS = ['license', 'license_type', 'source', 'category', 'size', 'aspect_ratio', 'length'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string[]>>;

/** The licence groups the page offers (the API's `all` and `all-cc` filter next to nothing). */
export const LICENSE_TYPE_CHOICES = ['commercial', 'modification'] as const;

/** Values each filter takes, per media type; `null`: any source name (the list comes from `/stats/`). */
export const FILTER_VALUES: Record<Media, Partial<Record<FilterKey, readonly string[] | null>>> = {
  image: {
    license: LICENSE_SLUGS,
    license_type: LICENSE_TYPE_CHOICES,
    source: null,
    category: IMAGE_CATEGORIES,
    size: SIZES,
    aspect_ratio: ASPECT_RATIOS,
  },
  audio: {
    license: LICENSE_SLUGS,
    license_type: LICENSE_TYPE_CHOICES,
    source: null,
    category: AUDIO_CATEGORIES,
    length: LENGTHS,
  },
};

export const MAX_PAGE = 20;
export const PAGE_SIZE = 20;
/** The API cuts `q` at 200 characters; the page does too, so the URL shows what was searched. */
export const MAX_QUERY_LENGTH = 200;
const SOURCE_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const MAX_SOURCES = 50;

export interface PageState {
  media: Media;
  q: string;
  page: number;
  filters: Filters;
  /** The work whose detail is open, if any. */
  id: string | null;
}

export const INITIAL_STATE: PageState = { media: 'image', q: '', page: 1, filters: {}, id: null };

/** The filters a media type takes, in display order. */
export function filterKeysOf(media: Media): FilterKey[] {
  return FILTER_KEYS.filter((key) => key in FILTER_VALUES[media]);
}

function listOf(raw: string | null): string[] {
  return raw
    ? raw
        .split(',')
        .map((v) => v.trim().toLowerCase())
        .filter(Boolean)
    : [];
}

/** Keeps the values a filter accepts, deduplicated, in the order of its choices (sources: sorted). */
export function cleanFilter(media: Media, key: FilterKey, values: readonly string[]): string[] {
  if (!(key in FILTER_VALUES[media])) return [];
  const allowed = FILTER_VALUES[media][key];
  const unique = [...new Set(values)];
  if (allowed === null || allowed === undefined)
    return unique
      .filter((v) => SOURCE_NAME.test(v))
      .sort()
      .slice(0, MAX_SOURCES);
  return allowed.filter((v) => unique.includes(v));
}

/** Reads the page state from a query string (`location.search`). */
export function parseState(search: string): PageState {
  const params = new URLSearchParams(search);
  const media: Media = params.get('media') === 'audio' ? 'audio' : 'image';
  const q = (params.get('q') ?? '').trim().slice(0, MAX_QUERY_LENGTH);
  const pageText = params.get('page') ?? '';
  const page = /^\d{1,3}$/.test(pageText) ? Math.min(MAX_PAGE, Math.max(1, Number(pageText))) : 1;
  const filters: Filters = {};
  for (const key of filterKeysOf(media)) {
    const values = cleanFilter(media, key, listOf(params.get(key)));
    if (values.length) filters[key] = values;
  }
  const id = (params.get('id') ?? '').toLowerCase();
  return { media, q, page, filters, id: IDENTIFIER_PATTERN.test(id) ? id : null };
}

/** The canonical query string of a state, `?` included (or `''` for the initial view). */
export function stateToSearch(state: PageState): string {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.media !== 'image') params.set('media', state.media);
  for (const key of filterKeysOf(state.media)) {
    const values = cleanFilter(state.media, key, state.filters[key] ?? []);
    if (values.length) params.set(key, values.join(','));
  }
  if (state.page > 1) params.set('page', String(state.page));
  if (state.id) params.set('id', state.id);
  const text = params.toString().replace(/%2C/g, ',');
  return text ? `?${text}` : '';
}

/** Two states that search the same (the open work aside). */
export function sameSearch(a: PageState, b: PageState): boolean {
  return stateToSearch({ ...a, id: null }) === stateToSearch({ ...b, id: null });
}

/**
 * Moving to another media type keeps the query and the filters both types share
 * (licences, licence groups) and starts at page 1.
 */
export function switchMedia(state: PageState, media: Media): PageState {
  if (media === state.media) return state;
  const filters: Filters = {};
  for (const key of filterKeysOf(media)) {
    if (key === 'source' || key === 'category') continue;
    const values = cleanFilter(media, key, state.filters[key] ?? []);
    if (values.length) filters[key] = values;
  }
  return { ...state, media, filters, page: 1, id: null };
}

/** Query parameters of a search request (names and values are the API's). */
export type ApiSearchQuery = Partial<Record<FilterKey, string>> & { q?: string; page?: number; peaks?: boolean };

/** The search request's query parameters, for the typed client. */
export function apiQuery(state: PageState): ApiSearchQuery {
  const query: ApiSearchQuery = {};
  if (state.q) query.q = state.q;
  for (const key of filterKeysOf(state.media)) {
    const values = cleanFilter(state.media, key, state.filters[key] ?? []);
    if (values.length) query[key] = values.join(',');
  }
  if (state.page > 1) query.page = state.page;
  // Audio results carry their waveform peaks: one request draws the whole list.
  if (state.media === 'audio') query.peaks = true;
  return query;
}
