/**
 * The filter panel: one fieldset of checkboxes per filter the media type takes, with the
 * API's parameter names as the inputs' names, so reading the form gives the state's
 * filters. Sources are listed from `/v1/{media}/stats/`, fetched when their group is
 * first opened (or when the URL already filters by source).
 *
 * Counts: the search answer carries no `facets` today. When it does (an object of
 * filter → value → count, the shape of Meilisearch's facet distribution), `facetCounts`
 * finds it and every option shows its count; until then the panel shows none.
 */
import type { SourceStats } from '../client/index.js';
import { licenseDisplayName } from '../model/licenses.js';
import { fill, h } from './dom.js';
import { cleanFilter, FILTER_VALUES, type FilterKey, type Filters, filterKeysOf, type Media, type PageState } from './state.js';

export type FacetCounts = Partial<Record<FilterKey, Record<string, number>>>;

/** The answer's facet counts, if it carries any (feature check: older APIs do not). */
export function facetCounts(answer: unknown): FacetCounts | null {
  const facets = (answer as { facets?: unknown } | null)?.facets;
  if (!facets || typeof facets !== 'object' || Array.isArray(facets)) return null;
  const counts: FacetCounts = {};
  for (const [key, values] of Object.entries(facets)) {
    if (!values || typeof values !== 'object') continue;
    const numbers = Object.entries(values).filter((e): e is [string, number] => typeof e[1] === 'number');
    if (numbers.length) counts[key as FilterKey] = Object.fromEntries(numbers);
  }
  return Object.keys(counts).length ? counts : null;
}

export const FILTER_LABELS: Record<FilterKey, string> = {
  license: 'Licence',
  license_type: 'Use',
  source: 'Source',
  category: 'Category',
  size: 'Size',
  aspect_ratio: 'Aspect ratio',
  length: 'Length',
};

const VALUE_LABELS: Partial<Record<FilterKey, Record<string, string>>> = {
  license_type: { commercial: 'Use commercially', modification: 'Modify or adapt' },
  category: { digitized_artwork: 'Digitized artwork', sound_effect: 'Sound effect' },
  length: { shortest: 'Under 30 seconds', short: '30 seconds to 2 minutes', medium: '2 to 10 minutes', long: 'Over 10 minutes' },
};

/** What a filter value is called on the page. */
export function valueLabel(key: FilterKey, value: string): string {
  if (key === 'license') return licenseDisplayName(value, null);
  return VALUE_LABELS[key]?.[value] ?? value.charAt(0).toUpperCase() + value.slice(1).replace(/_/g, ' ');
}

export interface FilterContext {
  /** The media type's sources, once loaded; null before. */
  sources: SourceStats[] | null;
  /** Why the sources could not be listed, if they could not. */
  sourcesProblem: string | null;
  facets: FacetCounts | null;
}

function option(key: FilterKey, value: string, label: string, checked: boolean, facets: FacetCounts | null): HTMLLIElement {
  const count = facets?.[key]?.[value];
  return h(
    'li',
    {},
    h(
      'label',
      {},
      h('input', { type: 'checkbox', name: key, value, checked }),
      ' ',
      label,
      count === undefined ? null : h('span', { class: 'count' }, ` ${count.toLocaleString('en')}`),
    ),
  );
}

function sourceGroup(state: PageState, ctx: FilterContext): HTMLElement {
  const chosen = state.filters.source ?? [];
  const list = h('ul', { class: 'options' });
  const names = new Map<string, string>((ctx.sources ?? []).map((s) => [s.source_name, s.display_name]));
  for (const name of chosen) if (!names.has(name)) names.set(name, name);
  for (const [name, label] of [...names].sort((a, b) => a[1].localeCompare(b[1], 'en'))) {
    list.append(option('source', name, label, chosen.includes(name), ctx.facets));
  }
  const note = ctx.sourcesProblem
    ? h('p', { class: 'note' }, `Sources could not be listed: ${ctx.sourcesProblem}`)
    : ctx.sources === null
      ? h('p', { class: 'note' }, 'Loading sources…')
      : null;
  return h(
    'details',
    { class: 'group', id: 'source-group', open: chosen.length > 0 || ctx.sources !== null },
    h('summary', {}, FILTER_LABELS.source, chosen.length ? ` (${chosen.length})` : ''),
    h('fieldset', {}, h('legend', { class: 'visually-hidden' }, FILTER_LABELS.source), note, list),
  );
}

/** Draws the panel for `state` (its checkboxes reflect the state's filters). */
export function renderFilters(form: HTMLFormElement, state: PageState, ctx: FilterContext): void {
  const groups: HTMLElement[] = [];
  for (const key of filterKeysOf(state.media)) {
    if (key === 'source') {
      groups.push(sourceGroup(state, ctx));
      continue;
    }
    const values = FILTER_VALUES[state.media][key] ?? [];
    const chosen = state.filters[key] ?? [];
    groups.push(
      h(
        'fieldset',
        { class: 'group' },
        h('legend', {}, FILTER_LABELS[key]),
        h(
          'ul',
          { class: 'options' },
          values.map((value) => option(key, value, valueLabel(key, value), chosen.includes(value), ctx.facets)),
        ),
      ),
    );
  }
  const active = Object.values(state.filters).some((v) => v && v.length > 0);
  const focus = focusedControl(form);
  fill(form, groups, h('button', { type: 'reset', class: 'secondary', disabled: !active }, 'Clear filters'));
  restoreFocus(form, focus);
}

/** Which control of the form has the focus (redrawing the panel must not drop a keyboard user's place). */
function focusedControl(form: HTMLFormElement): string | null {
  const el = document.activeElement;
  if (!el || !form.contains(el)) return null;
  if (el instanceof HTMLInputElement) return `input[name="${el.name}"][value="${CSS.escape(el.value)}"]`;
  if (el.tagName === 'SUMMARY') return '#source-group > summary';
  // The "Clear filters" button, disabled once it has done its work: the first option then.
  return 'input';
}

function restoreFocus(form: HTMLFormElement, selector: string | null): void {
  if (!selector) return;
  const target = form.querySelector<HTMLElement>(selector) ?? form.querySelector<HTMLElement>('input');
  target?.focus();
}

/** The filters the form's checkboxes say, cleaned for `media`. */
export function readFilters(form: HTMLFormElement, media: Media): Filters {
  const data = new FormData(form);
  const filters: Filters = {};
  for (const key of filterKeysOf(media)) {
    const values = cleanFilter(
      media,
      key,
      data.getAll(key).map((v) => String(v)),
    );
    if (values.length) filters[key] = values;
  }
  return filters;
}
