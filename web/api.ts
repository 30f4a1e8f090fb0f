/**
 * The page's calls to the API, through the typed client (client/index.ts), each turned
 * into an outcome the page can show: the data, or a problem that says what happened and
 * what to do next. Requests use the browser's HTTP cache as the API's `Cache-Control` and
 * `ETag` allow, so a search seen in the last minute is answered without the network and
 * an older one is revalidated (a 304).
 */
import {
  type ApiErrorBody,
  type Audio,
  type AudioSearch,
  createEdgeverseClient,
  type Image,
  type ImageSearch,
  type ReportReason,
  type SourceStats,
} from '../client/index.js';
import { apiQuery, type Media, type PageState } from './state.js';

export type { Audio, Image };
export type Work = Image | Audio;
export type SearchAnswer = ImageSearch | AudioSearch;

export type Problem =
  /** 429: the caller's budget is spent; `retryAfter` in seconds, from the header. */
  | { kind: 'rate_limited'; retryAfter: number | null; message: string }
  /** 400/401: the request is wrong; `message` is the API's. */
  | { kind: 'invalid'; message: string }
  | { kind: 'not_found'; message: string }
  /** 5xx: the API or what it depends on is down. */
  | { kind: 'unavailable'; status: number; message: string }
  /** No answer at all (offline, connection refused). */
  | { kind: 'network'; message: string }
  /** Superseded by a newer request. */
  | { kind: 'aborted'; message: string };

export type Outcome<T> = { ok: true; data: T } | { ok: false; problem: Problem };

const client = createEdgeverseClient();

/** The API's `detail` as one sentence: a message, or `field: message` pairs. */
export function detailText(body: unknown): string | null {
  const detail = (body as Partial<ApiErrorBody> | null | undefined)?.detail;
  if (typeof detail === 'string') return detail;
  if (detail && typeof detail === 'object') {
    const parts = Object.entries(detail).map(([field, messages]) => `${field}: ${[messages].flat().join(' ')}`);
    return parts.length ? parts.join('; ') : null;
  }
  return null;
}

/** `Retry-After` in seconds (a number or an HTTP date), or null. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The problem a non-2xx answer stands for. */
export function problemOf(response: Response, body: unknown): Problem {
  const detail = detailText(body);
  if (response.status === 429) {
    return {
      kind: 'rate_limited',
      retryAfter: retryAfterSeconds(response.headers.get('retry-after')),
      message: detail ?? 'Too many requests.',
    };
  }
  if (response.status === 404) return { kind: 'not_found', message: detail ?? 'Not found.' };
  if (response.status >= 500)
    return { kind: 'unavailable', status: response.status, message: detail ?? `The API answered ${response.status}.` };
  return { kind: 'invalid', message: detail ?? `The API answered ${response.status}.` };
}

async function call<T>(send: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Outcome<T>> {
  try {
    const { data, error, response } = await send();
    if (response.ok && data !== undefined) return { ok: true, data };
    return { ok: false, problem: problemOf(response, error) };
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') return { ok: false, problem: { kind: 'aborted', message: 'Cancelled.' } };
    return { ok: false, problem: { kind: 'network', message: (err as Error)?.message || 'No answer from the API.' } };
  }
}

export function search(state: PageState, signal?: AbortSignal): Promise<Outcome<SearchAnswer>> {
  const query = apiQuery(state);
  return state.media === 'image'
    ? call(() => client.GET('/v1/images/', { params: { query }, signal }))
    : call(() => client.GET('/v1/audio/', { params: { query }, signal }));
}

export function detail(media: Media, identifier: string, signal?: AbortSignal): Promise<Outcome<Work>> {
  const path = { identifier };
  return media === 'image'
    ? call(() => client.GET('/v1/images/{identifier}/', { params: { path }, signal }))
    : call(() => client.GET('/v1/audio/{identifier}/', { params: { path }, signal }));
}

export function related(media: Media, identifier: string, signal?: AbortSignal): Promise<Outcome<SearchAnswer>> {
  const path = { identifier };
  return media === 'image'
    ? call(() => client.GET('/v1/images/{identifier}/related/', { params: { path }, signal }))
    : call(() => client.GET('/v1/audio/{identifier}/related/', { params: { path }, signal }));
}

/** A track's waveform peaks (for a track that came without them, e.g. from the detail route). */
export function waveform(identifier: string, signal?: AbortSignal): Promise<Outcome<{ len: number; points: number[] }>> {
  return call(() => client.GET('/v1/audio/{identifier}/waveform/', { params: { path: { identifier } }, signal }));
}

export function sources(media: Media, signal?: AbortSignal): Promise<Outcome<SourceStats[]>> {
  return media === 'image'
    ? call(() => client.GET('/v1/images/stats/', { signal }))
    : call(() => client.GET('/v1/audio/stats/', { signal }));
}

export function report(media: Media, identifier: string, reason: ReportReason, description: string): Promise<Outcome<unknown>> {
  const params = { path: { identifier } };
  const body = { reason, description: description || null };
  return media === 'image'
    ? call(() => client.POST('/v1/images/{identifier}/report/', { params, body }))
    : call(() => client.POST('/v1/audio/{identifier}/report/', { params, body }));
}

/** Same-origin URL of a work's thumbnail (the API's proxy, so the CSP's `img-src 'self'` holds). */
export function thumbUrl(media: Media, identifier: string): string {
  return `/v1/${media === 'image' ? 'images' : 'audio'}/${encodeURIComponent(identifier)}/thumb/`;
}
