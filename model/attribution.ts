import { isPublicDomain, licenseDisplayName } from './licenses.js';

export interface AttributionInput {
  title: string | null;
  creator: string | null;
  license: string;
  licenseVersion: string | null;
  licenseUrl: string | null;
}

/**
 * Attribution sentence exactly as Openverse builds it (§6.4), including its single
 * pass of double-space collapsing: clients display and compare this string verbatim.
 */
export function attributionText(input: AttributionInput): string {
  const slug = input.license.toLowerCase();
  const pd = isPublicDomain(slug);
  const title = input.title ? `"${input.title}"` : 'This work';
  const creator = input.creator ? `by ${input.creator}` : '';
  const verb = pd ? 'is marked with' : 'is licensed under';
  const name = licenseDisplayName(slug, input.licenseVersion);
  const url = input.licenseUrl
    ? pd
      ? `To view the terms, visit ${input.licenseUrl}.`
      : `To view a copy of this license, visit ${input.licenseUrl}.`
    : '';
  const text = `${title} ${creator} ${verb} ${name}. ${url}`.trim();
  return text.replace(/ {2}/g, ' ');
}

export interface AttributionLinks {
  /** The work's page at its source. */
  foreignLandingUrl: string | null;
  creatorUrl: string | null;
}

/** Text for HTML element content and double-quoted attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Only http(s) URLs become links (never `javascript:` or `data:`). */
function linkable(url: string | null): string | null {
  return url && /^https?:\/\/[^\s]+$/i.test(url) ? url : null;
}

/**
 * The attribution as HTML to paste into a web page (the search page's "Copy HTML"): the
 * sentence of `attributionText` without its URL clause, the title linked to the work's
 * page, the creator to theirs and the licence name to its deed. Every value is escaped;
 * a URL that is not http(s) leaves its text unlinked.
 */
export function attributionHtml(input: AttributionInput & AttributionLinks): string {
  const slug = input.license.toLowerCase();
  const link = (text: string, url: string | null, rel = 'noopener noreferrer') => {
    const href = linkable(url);
    return href ? `<a href="${escapeHtml(href)}" rel="${rel}">${escapeHtml(text)}</a>` : escapeHtml(text);
  };
  const title = input.title ? `"${link(input.title, input.foreignLandingUrl)}"` : link('This work', input.foreignLandingUrl);
  const creator = input.creator ? ` by ${link(input.creator, input.creatorUrl)}` : '';
  const verb = isPublicDomain(slug) ? 'is marked with' : 'is licensed under';
  const name = link(licenseDisplayName(slug, input.licenseVersion), input.licenseUrl, 'license noopener noreferrer');
  return `<p class="attribution">${title}${creator} ${verb} ${name}.</p>`;
}
