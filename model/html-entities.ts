/**
 * Decodes the HTML entities providers leave in titles, descriptions and tags (`&ndash;`,
 * `&#39;`, `&hearts;`): every named character reference HTML defines (from the `entities`
 * package, not a hand-picked table) and numeric ones, decimal or hex. Strict: only
 * references closed by `;` are decoded, so the `&para=2` of a URL quoted in a description
 * stays as written. One pass: a double-encoded `&amp;quot;` becomes `&quot;`.
 */
import { decodeHTMLStrict } from 'entities/decode';

export function decodeHtmlEntities(text: string): string {
  return text.includes('&') ? decodeHTMLStrict(text) : text;
}
