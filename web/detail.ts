/**
 * The detail view, a modal `<dialog>` (focus moves in and back, Escape closes): the work,
 * its licence badge, the attribution to copy as text (the API's own sentence) or HTML
 * (model/attribution.ts), related works, and a form to report the work.
 */
import type { Audio, Image, ReportReason } from '../client/index.js';
import { attributionHtml } from '../model/attribution.js';
import * as api from './api.js';
import { fill, h, safeHref } from './dom.js';
import { formatDuration } from './format.js';
import { player } from './player.js';
import { byline, licenseBadge, link, type Navigator, problemView } from './results.js';
import type { Media, PageState } from './state.js';

const REPORT_REASONS: { value: ReportReason; label: string }[] = [
  { value: 'mature', label: 'It shows sensitive or mature content' },
  { value: 'dmca', label: 'It infringes copyright (DMCA)' },
  { value: 'other', label: 'Something else' },
];
const MIN_OTHER_DESCRIPTION = 20;

let relatedRequest: AbortController | null = null;

/**
 * Works the related lists showed, by id (the last 200): opening one shows it without
 * asking the API again.
 */
export const relatedWorks = new Map<string, api.Work>();
const RELATED_KEPT = 200;

function head(dialog: HTMLDialogElement, title: string): HTMLElement {
  return h(
    'div',
    { class: 'detail-head' },
    h('h2', { id: 'detail-title' }, title),
    h('button', { type: 'button', class: 'close secondary', autofocus: true, onclick: () => dialog.close() }, 'Close'),
  );
}

function open(dialog: HTMLDialogElement): void {
  if (!dialog.open) dialog.showModal();
}

/** The dialog while a work is being fetched (a shared link to a work not on this page). */
export function showDetailLoading(dialog: HTMLDialogElement): void {
  fill(dialog, head(dialog, 'Loading…'));
  dialog.setAttribute('aria-busy', 'true');
  open(dialog);
}

export function showDetailProblem(dialog: HTMLDialogElement, problem: api.Problem, retry: () => void): void {
  fill(dialog, head(dialog, 'This work could not be shown'), problemView(problem, retry));
  dialog.removeAttribute('aria-busy');
  open(dialog);
}

/** Copies `text`; where the clipboard is refused, selects `field` and says how to copy by hand. */
async function copy(text: string, field: HTMLTextAreaElement, status: HTMLElement, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = `${what} copied to the clipboard.`;
  } catch {
    field.focus();
    field.select();
    status.textContent = `Press Ctrl+C (⌘C on a Mac) to copy the selected ${what.toLowerCase()}.`;
  }
}

function attributionSection(work: api.Work): HTMLElement {
  const html = attributionHtml({
    title: work.title,
    creator: work.creator,
    license: work.license,
    licenseVersion: work.license_version,
    licenseUrl: work.license_url,
    foreignLandingUrl: work.foreign_landing_url,
    creatorUrl: work.creator_url,
  });
  const status = h('p', { class: 'copy-status', role: 'status' });
  const text = h('textarea', { id: 'attribution-text', readonly: true, rows: 3 }, work.attribution);
  const markup = h('textarea', { id: 'attribution-html', readonly: true, rows: 4 }, html);
  return h(
    'section',
    { class: 'attribution', 'aria-labelledby': 'attribution-heading' },
    h('h3', { id: 'attribution-heading' }, 'Attribution'),
    h('p', { class: 'note' }, 'Credit the creator wherever you use this work:'),
    h('label', { for: 'attribution-text' }, 'Text'),
    text,
    h(
      'button',
      { type: 'button', class: 'secondary', 'data-copy': 'text', onclick: () => copy(work.attribution, text, status, 'Text') },
      'Copy text',
    ),
    h('label', { for: 'attribution-html' }, 'HTML'),
    markup,
    h(
      'button',
      { type: 'button', class: 'secondary', 'data-copy': 'html', onclick: () => copy(html, markup, status, 'HTML') },
      'Copy HTML',
    ),
    status,
  );
}

function reportSection(media: Media, work: api.Work): HTMLElement {
  const status = h('p', { class: 'report-status', role: 'status' });
  const description = h('textarea', { id: 'report-description', name: 'description', rows: 3, maxlength: 500 });
  const form = h(
    'form',
    { class: 'report-form' },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Why should moderators look at it?'),
      REPORT_REASONS.map((reason, i) =>
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'radio', name: 'reason', value: reason.value, required: i === 0 }),
          ' ',
          reason.label,
        ),
      ),
    ),
    h('label', { for: 'report-description' }, 'Details (at least 20 characters for “Something else”)'),
    description,
    h('button', { type: 'submit' }, 'Send report'),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = new FormData(form).get('reason') as ReportReason | null;
    const text = description.value.trim();
    if (!reason) {
      status.textContent = 'Choose a reason first.';
      return;
    }
    if (reason === 'other' && text.length < MIN_OTHER_DESCRIPTION) {
      status.textContent = `Describe the problem in at least ${MIN_OTHER_DESCRIPTION} characters.`;
      description.focus();
      return;
    }
    status.textContent = 'Sending…';
    const outcome = await api.report(media, work.id, reason, text);
    if (outcome.ok) {
      form.replaceChildren(h('p', { class: 'report-status', role: 'status' }, 'Thank you: the report was sent to the moderators.'));
    } else {
      status.textContent =
        outcome.problem.kind === 'rate_limited'
          ? 'Too many requests from this address: try again later.'
          : `The report was not sent: ${outcome.problem.message}`;
    }
  });
  return h('details', { class: 'report' }, h('summary', {}, 'Report this work'), form);
}

function relatedSection(media: Media, work: api.Work, state: PageState, nav: Navigator): HTMLElement {
  const list = h('ul', { class: 'grid related-list', 'aria-label': 'Related works' });
  const note = h('p', { class: 'note', role: 'status' }, 'Loading related works…');
  relatedRequest?.abort();
  const request = new AbortController();
  relatedRequest = request;
  void api.related(media, work.id, request.signal).then((outcome) => {
    if (request.signal.aborted) return;
    if (!outcome.ok) {
      note.textContent =
        outcome.problem.kind === 'rate_limited'
          ? 'Related works are not shown: too many requests for now.'
          : 'Related works could not be loaded.';
      return;
    }
    const results = (outcome.data.results as api.Work[]).filter((r) => r.id !== work.id).slice(0, 8);
    for (const r of results) {
      relatedWorks.delete(r.id);
      relatedWorks.set(r.id, r);
    }
    while (relatedWorks.size > RELATED_KEPT) relatedWorks.delete(relatedWorks.keys().next().value!);
    note.textContent = results.length ? '' : 'No related works found.';
    list.replaceChildren(
      ...results.map((r) => {
        const a = link(
          nav,
          { ...state, id: r.id },
          { class: 'card small', 'data-id': r.id },
          media === 'image'
            ? h('img', { src: api.thumbUrl('image', r.id), alt: '', loading: 'lazy', decoding: 'async', width: 160, height: 120 })
            : null,
          h('span', { class: 'caption' }, h('span', { class: 'title' }, r.title || 'Untitled'), ' ', h('span', { class: 'by' }, byline(r))),
        );
        return h('li', {}, a);
      }),
    );
  });
  return h(
    'section',
    { class: 'related', 'aria-labelledby': 'related-heading' },
    h('h3', { id: 'related-heading' }, 'Related works'),
    note,
    list,
  );
}

function facts(media: Media, work: api.Work): HTMLElement {
  const items: [string, string][] = [];
  if (work.source) items.push(['Source', work.source]);
  if (work.category) items.push(['Category', work.category.replace(/_/g, ' ')]);
  if (media === 'image') {
    const image = work as Image;
    if (image.width && image.height) items.push(['Size', `${image.width} × ${image.height} px`]);
  } else {
    const track = work as Audio;
    const length = formatDuration(track.duration);
    if (length) items.push(['Length', length]);
  }
  if (work.filetype) items.push(['Type', work.filetype.toUpperCase()]);
  return h(
    'dl',
    { class: 'facts' },
    items.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

/** Shows `work` in the dialog (opening it if closed). */
export function showDetail(dialog: HTMLDialogElement, media: Media, work: api.Work, state: PageState, nav: Navigator): void {
  const title = work.title || (media === 'image' ? 'Untitled image' : 'Untitled track');
  const creatorHref = safeHref(work.creator_url);
  const sourceHref = safeHref(work.foreign_landing_url);
  const visual =
    media === 'image'
      ? h('img', { class: 'detail-image', src: api.thumbUrl('image', work.id), alt: title, decoding: 'async' })
      : player(work as Audio);
  const tags = work.tags.slice(0, 12);
  fill(
    dialog,
    head(dialog, title),
    h(
      'div',
      { class: 'detail-body', 'data-id': work.id },
      h('div', { class: 'detail-media' }, visual),
      h(
        'div',
        { class: 'detail-info' },
        work.creator
          ? h('p', { class: 'by' }, 'by ', creatorHref ? h('a', { href: creatorHref, rel: 'noreferrer' }, work.creator) : work.creator)
          : null,
        h(
          'p',
          { class: 'license-line' },
          licenseBadge(work),
          ' ',
          sourceHref ? h('a', { href: sourceHref, rel: 'noreferrer' }, 'View at its source') : null,
        ),
        facts(media, work),
        tags.length
          ? h(
              'ul',
              { class: 'tags', 'aria-label': 'Tags' },
              tags.map((tag) => {
                const a = link(nav, { media, q: tag.name, page: 1, filters: {}, id: null }, {}, tag.name);
                return h('li', {}, a);
              }),
            )
          : null,
        attributionSection(work),
        reportSection(media, work),
      ),
      relatedSection(media, work, state, nav),
    ),
  );
  dialog.removeAttribute('aria-busy');
  open(dialog);
  const track = work as Audio;
  if (media === 'audio' && !track.peaks) {
    // The detail route's answer has no peaks: draw the waveform once they come.
    void api.waveform(work.id).then((outcome) => {
      const current = dialog.querySelector('.detail-media .player');
      const playing = dialog.querySelector('audio')?.paused === false;
      if (outcome.ok && current && !playing && dialog.querySelector('.detail-body')?.getAttribute('data-id') === work.id) {
        current.replaceWith(player({ ...track, peaks: outcome.data.points }));
      }
    });
  }
}
