/**
 * The search page at `/`: Edgeverse's first client. Everything it shows comes from the
 * API through the typed client (client/index.ts); what it shows is the page state in its
 * own URL (web/state.ts), so Back, Forward, reload and a shared link all land on the
 * same view. Served as static assets (scripts/build-assets.ts) under a strict CSP.
 */
import type { SourceStats } from '../client/index.js';
import * as api from './api.js';
import { relatedWorks, showDetail, showDetailLoading, showDetailProblem } from './detail.js';
import { byId, fill } from './dom.js';
import { type FacetCounts, facetCounts, readFilters, renderFilters } from './filters.js';
import { audioList, emptyView, imageGrid, type Navigator, pager, pageUrl, problemView, summary } from './results.js';
import { type Media, MEDIA, type PageState, parseState, sameSearch, switchMedia } from './state.js';
import { suggestions } from './suggest.js';

const searchForm = byId<HTMLFormElement>('search');
const queryInput = byId<HTMLInputElement>('q');
const suggestionList = byId<HTMLDataListElement>('suggestions');
const filtersForm = byId<HTMLFormElement>('filters');
const statusLine = byId<HTMLElement>('status');
const resultsBox = byId<HTMLElement>('results');
const dialog = byId<HTMLDialogElement>('detail');

let state = parseState(location.search);
/** The answer on screen and the state it answers. */
let shown: { state: PageState; answer: api.SearchAnswer } | null = null;
/** The state of the latest search started (its answer may still be on its way). */
let asked: PageState | null = null;
let pending: Promise<void> | null = null;
let searchRequest: AbortController | null = null;
let detailRequest: AbortController | null = null;
let facets: FacetCounts | null = null;
const sources: Record<Media, SourceStats[] | null> = { image: null, audio: null };
const sourcesProblem: Record<Media, string | null> = { image: null, audio: null };
let firstPaint = true;

/** History entries that opened a detail from the results carry this, so closing goes Back. */
const DETAIL_ENTRY = { detail: true };

/** Set when the person moved to another page of results: the new page takes the focus. */
let focusResults = false;

const nav: Navigator = {
  href: pageUrl,
  go(next, trigger) {
    focusResults = !!trigger.closest('.pager');
    // From one work to another (related works) the entry is replaced: Back leaves the detail.
    const detailToDetail = !!state.id && !!next.id && sameSearch(state, next);
    navigate(next, detailToDetail ? 'replace' : 'push');
  },
};

/** A search is due unless the latest one asked the same and its answer is on screen or on its way. */
function needsSearch(next: PageState): boolean {
  return !shown || !asked || !sameSearch(asked, next);
}

function navigate(next: PageState, how: 'push' | 'replace'): void {
  const searchChanged = needsSearch(next);
  const opensDetail = !state.id && !!next.id && !searchChanged;
  state = next;
  if (how === 'push') history.pushState(opensDetail ? DETAIL_ENTRY : null, '', pageUrl(state));
  else history.replaceState(history.state, '', pageUrl(state));
  update(searchChanged);
}

function update(searchChanged: boolean): void {
  syncForm();
  if (searchChanged) pending = runSearch();
  void syncDetail();
}

function syncForm(): void {
  if (queryInput.value.trim() !== state.q) queryInput.value = state.q;
  for (const media of MEDIA) {
    const radio = searchForm.querySelector<HTMLInputElement>(`input[name="media"][value="${media}"]`);
    if (radio) radio.checked = media === state.media;
  }
  drawFilters();
  document.title = state.q ? `${state.q} – Edgeverse search` : 'Edgeverse: search openly licensed images and audio';
}

function drawFilters(): void {
  renderFilters(filtersForm, state, { sources: sources[state.media], sourcesProblem: sourcesProblem[state.media], facets });
}

async function loadSources(media: Media): Promise<void> {
  if (sources[media] || sourcesProblem[media]) return;
  const outcome = await api.sources(media);
  if (outcome.ok) sources[media] = outcome.data;
  else sourcesProblem[media] = outcome.problem.message;
  if (state.media === media) drawFilters();
}

async function runSearch(): Promise<void> {
  searchRequest?.abort();
  const request = new AbortController();
  searchRequest = request;
  const wanted = state;
  asked = wanted;
  resultsBox.setAttribute('aria-busy', 'true');
  statusLine.textContent = 'Searching…';
  if (wanted.filters.source?.length) void loadSources(wanted.media);
  const outcome = await api.search(wanted, request.signal);
  if (request.signal.aborted) return;
  resultsBox.removeAttribute('aria-busy');
  if (!outcome.ok) {
    shown = null;
    facets = null;
    statusLine.textContent = outcome.problem.kind === 'rate_limited' ? 'Too many requests: the search was refused.' : 'The search failed.';
    fill(
      resultsBox,
      problemView(outcome.problem, () => update(true)),
    );
    return;
  }
  const answer = outcome.data;
  shown = { state: wanted, answer };
  facets = facetCounts(answer);
  drawFilters();
  statusLine.textContent = summary(answer, wanted);
  if (!answer.results.length) {
    fill(
      resultsBox,
      emptyView(wanted, () => navigate({ ...state, filters: {}, page: 1, id: null }, 'push')),
    );
  } else {
    const list =
      wanted.media === 'image'
        ? imageGrid(answer.results as api.Image[], wanted, nav)
        : audioList(answer.results as api.Audio[], wanted, nav);
    fill(resultsBox, list, pager(answer, wanted, nav));
  }
  if (focusResults) {
    // The link that was pressed is gone: the new page's results take the focus (and the view).
    focusResults = false;
    resultsBox.focus();
    resultsBox.scrollIntoView({ block: 'start' });
  }
  if (firstPaint) {
    firstPaint = false;
    // For the benchmark (bench/RESULTS.md): the first results, once painted.
    requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('edgeverse:first-results')));
  }
}

let closingFromCode = false;

async function syncDetail(): Promise<void> {
  detailRequest?.abort();
  if (!state.id) {
    if (dialog.open) {
      closingFromCode = true;
      dialog.close();
      closingFromCode = false;
    }
    return;
  }
  const wanted = state;
  const id = wanted.id!;
  if (pending) await pending;
  if (state !== wanted) return;
  const onPage = shown && shown.state.media === wanted.media ? (shown.answer.results as api.Work[]).find((r) => r.id === id) : undefined;
  // Related works are of the open work's media type, which the state keeps.
  const known = onPage ?? relatedWorks.get(id);
  if (known) {
    showDetail(dialog, wanted.media, known, wanted, nav);
    return;
  }
  // A shared link to a work that is not on this page of results.
  const request = new AbortController();
  detailRequest = request;
  showDetailLoading(dialog);
  const outcome = await api.detail(wanted.media, id, request.signal);
  if (request.signal.aborted || state !== wanted) return;
  if (outcome.ok) showDetail(dialog, wanted.media, outcome.data, wanted, nav);
  else showDetailProblem(dialog, outcome.problem, () => void syncDetail());
}

dialog.addEventListener('close', () => {
  for (const audio of dialog.querySelectorAll('audio')) audio.pause();
  if (closingFromCode || !state.id) return;
  if (history.state?.detail) history.back();
  else navigate({ ...state, id: null }, 'replace');
});

// A click on the backdrop (outside the dialog's box) closes it, as Escape does.
dialog.addEventListener('click', (event) => {
  if (event.target !== dialog) return;
  const box = dialog.getBoundingClientRect();
  const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
  if (!inside) dialog.close();
});

searchForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const media = (new FormData(searchForm).get('media') as Media | null) ?? state.media;
  const q = queryInput.value.trim();
  navigate(switchMedia({ ...state, q, page: 1, id: null }, media), 'push');
});

searchForm.addEventListener('change', (event) => {
  const target = event.target as HTMLInputElement;
  if (target.name === 'media') searchForm.requestSubmit();
});

filtersForm.addEventListener('change', () => {
  navigate({ ...state, filters: readFilters(filtersForm, state.media), page: 1, id: null }, 'push');
});

filtersForm.addEventListener('reset', (event) => {
  event.preventDefault();
  navigate({ ...state, filters: {}, page: 1, id: null }, 'push');
});

// `toggle` does not bubble: listen while it passes down to the sources' <details>.
filtersForm.addEventListener(
  'toggle',
  (event) => {
    const target = event.target as HTMLDetailsElement;
    if (target.id === 'source-group' && target.open) void loadSources(state.media);
  },
  true,
);

let suggestRequest: AbortController | null = null;
let suggestTimer: ReturnType<typeof setTimeout> | undefined;
queryInput.addEventListener('input', () => {
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(async () => {
    suggestRequest?.abort();
    const request = new AbortController();
    suggestRequest = request;
    const words = await suggestions(state.media, queryInput.value.trim(), request.signal);
    if (request.signal.aborted) return;
    suggestionList.replaceChildren(...words.map((word) => Object.assign(document.createElement('option'), { value: word })));
  }, 150);
});

// "/" jumps to the search box (when not typing somewhere else).
document.addEventListener('keydown', (event) => {
  const target = event.target as HTMLElement;
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || dialog.open) return;
  if (target.closest('input, textarea, select, [contenteditable="true"]')) return;
  event.preventDefault();
  queryInput.focus();
  queryInput.select();
});

window.addEventListener('popstate', () => {
  const next = parseState(location.search);
  const searchChanged = needsSearch(next);
  state = next;
  update(searchChanged);
});

// On a narrow screen the filters start folded, so the results come first.
const filtersPanel = byId<HTMLDetailsElement>('filters-panel');
if (!matchMedia('(min-width: 48rem)').matches) filtersPanel.open = false;

// Canonical URL first (a hand-edited link is rewritten to what it searches), then search.
history.replaceState(history.state, '', pageUrl(state));
update(true);
