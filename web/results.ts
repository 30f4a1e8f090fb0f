/**
 * The results region: the image grid (thumbnails through the API's `/thumb/` proxy,
 * loaded lazily), the audio list (waveform and player per track), the pager, and the
 * words for every state the search can be in (loading, empty, refused, failed).
 */
import type { Audio, Image } from '../client/index.js';
import { licenseDisplayName } from '../model/licenses.js';
import { type Problem, type SearchAnswer, thumbUrl, type Work } from './api.js';
import { h, safeHref } from './dom.js';
import { formatDuration, formatWait } from './format.js';
import { player } from './player.js';
import { MAX_PAGE, type PageState, stateToSearch } from './state.js';

/** How the page links to a view of itself (a detail, another page), and opens it in place. */
export interface Navigator {
  href(state: PageState): string;
  /** Called on a plain click (not one that asks for a new tab); the link's default is prevented. */
  go(state: PageState, trigger: HTMLElement): void;
}

/** A link to another view of the page that opens in place on a plain click (a new tab keeps working). */
export function link(
  nav: Navigator,
  target: PageState,
  props: Record<string, string>,
  ...children: (Node | string | null)[]
): HTMLAnchorElement {
  const a = h('a', { href: nav.href(target), ...props }, ...children);
  a.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    nav.go(target, a);
  });
  return a;
}

export function byline(work: Work): string {
  return work.creator ? `by ${work.creator}` : '';
}

/** The licence as a badge linking to its deed. */
export function licenseBadge(work: Work): HTMLElement {
  const name = licenseDisplayName(work.license, work.license_version);
  const href = safeHref(work.license_url);
  return href
    ? h('a', { class: 'badge', href, rel: 'license noreferrer', title: `Licence: ${name}` }, name)
    : h('span', { class: 'badge' }, name);
}

export function imageGrid(results: Image[], state: PageState, nav: Navigator): HTMLElement {
  return h(
    'ul',
    { class: 'grid', id: 'results-list', 'aria-label': 'Images' },
    results.map((image) =>
      h(
        'li',
        {},
        link(
          nav,
          { ...state, id: image.id },
          { class: 'card', 'data-id': image.id },
          h('img', {
            src: thumbUrl('image', image.id),
            alt: '',
            loading: 'lazy',
            decoding: 'async',
            width: image.width ?? 400,
            height: image.height ?? 300,
          }),
          h(
            'span',
            { class: 'caption' },
            h('span', { class: 'title' }, image.title || 'Untitled image'),
            ' ',
            h('span', { class: 'by' }, byline(image)),
          ),
        ),
      ),
    ),
  );
}

export function audioList(results: Audio[], state: PageState, nav: Navigator): HTMLElement {
  return h(
    'ul',
    { class: 'tracks', id: 'results-list', 'aria-label': 'Audio' },
    results.map((track) =>
      h(
        'li',
        { class: 'track', 'data-id': track.id },
        h(
          'div',
          { class: 'track-head' },
          link(nav, { ...state, id: track.id }, { class: 'track-title', 'data-id': track.id }, track.title || 'Untitled track'),
          h('span', { class: 'by' }, byline(track)),
          h('span', { class: 'meta' }, [formatDuration(track.duration), track.source].filter(Boolean).join(' · ')),
          licenseBadge(track),
        ),
        player(track),
      ),
    ),
  );
}

/** "1,234 images for “cat”" (the API caps its count at 10,000). */
export function summary(answer: SearchAnswer, state: PageState): string {
  const count = answer.result_count;
  const noun = state.media === 'image' ? (count === 1 ? 'image' : 'images') : count === 1 ? 'track' : 'tracks';
  const amount = count >= 10_000 ? '10,000+' : count.toLocaleString('en');
  const page = answer.page_count > 1 ? `, page ${answer.page} of ${answer.page_count}` : '';
  return `${amount} ${noun}${state.q ? ` for “${state.q}”` : ''}${page}`;
}

export function pager(answer: SearchAnswer, state: PageState, nav: Navigator): HTMLElement | null {
  const last = Math.min(answer.page_count, MAX_PAGE);
  if (last <= 1) return null;
  const at = state.page;
  const to = (page: number, label: string, rel: string) =>
    link(nav, { ...state, page, id: null }, { class: 'button secondary', rel, 'data-page': String(page) }, label);
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Result pages' },
    at > 1 ? to(at - 1, '← Previous', 'prev') : h('span', { class: 'button secondary', 'aria-disabled': 'true' }, '← Previous'),
    h('span', { class: 'page-of', 'aria-current': 'page' }, `Page ${at} of ${last}`),
    at < last ? to(at + 1, 'Next →', 'next') : h('span', { class: 'button secondary', 'aria-disabled': 'true' }, 'Next →'),
  );
}

/** What an empty answer means and what to try. */
export function emptyView(state: PageState, clearFilters: () => void): HTMLElement {
  const filtered = Object.values(state.filters).some((v) => v && v.length > 0);
  const what = state.media === 'image' ? 'images' : 'audio tracks';
  return h(
    'div',
    { class: 'message', id: 'empty' },
    h('h2', {}, `No ${what} found${state.q ? ` for “${state.q}”` : ''}`),
    h(
      'p',
      {},
      filtered
        ? 'The filters may be too narrow. Remove some of them, or use fewer or other words.'
        : 'Try fewer words, another spelling, or the other media type.',
    ),
    filtered ? h('button', { type: 'button', class: 'secondary', onclick: clearFilters }, 'Clear filters') : null,
  );
}

/** The words for a failed request: what happened, and what to do next. */
export function problemView(problem: Problem, retry: () => void): HTMLElement {
  let title: string;
  let advice: (Node | string)[];
  switch (problem.kind) {
    case 'rate_limited': {
      const wait = problem.retryAfter;
      title = 'Too many requests';
      advice = [
        'This address has used its share of anonymous searches for now',
        wait === null ? '. Wait a little, then try again.' : `: try again in ${formatWait(wait)}.`,
        ' Applications can ask for an API key to get higher limits (see the ',
        h('a', { href: '/v1/' }, 'API documentation'),
        ').',
      ];
      break;
    }
    case 'invalid':
      title = 'The search could not be run';
      advice = [`The API said: ${problem.message} Change the search or the filters and try again.`];
      break;
    case 'not_found':
      title = 'Not found';
      advice = [`${problem.message} It may have been removed from the catalog.`];
      break;
    case 'unavailable':
      title = 'The search service is unavailable';
      advice = [`${problem.message} This is usually brief: try again in a moment.`];
      break;
    case 'network':
      title = 'No answer from the API';
      advice = ['Check your connection, then try again.'];
      break;
    case 'aborted':
      title = 'Cancelled';
      advice = [];
      break;
  }
  return h(
    'div',
    { class: `message problem ${problem.kind}`, id: 'problem', 'data-kind': problem.kind },
    h('h2', {}, title),
    h('p', {}, ...advice),
    h('button', { type: 'button', onclick: retry }, 'Try again'),
  );
}

/** The page's own URL for `state` (path `/`, query canonical). */
export function pageUrl(state: PageState): string {
  return `/${stateToSearch(state)}`;
}
