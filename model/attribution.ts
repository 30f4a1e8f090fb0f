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
