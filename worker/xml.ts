/**
 * DRF's XML renderer (§2.1), for the routes that honour `format=xml`: root `<root>`,
 * list items `<list-item>`, one element per key in key order, null → empty element,
 * booleans as Python prints them (`True` / `False`), text escaped like
 * `xml.sax.saxutils.escape` (`&`, `<`, `>`). Characters XML 1.0 cannot carry are dropped
 * (the original raised and answered 500).
 */

export const XML_CONTENT_TYPE = 'application/xml; charset=utf-8';

// eslint-disable-next-line no-control-regex
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 forbids are control characters
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function scalar(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return escapeXmlText(String(value));
}

function element(name: string, value: unknown): string {
  return `<${name}>${content(value)}</${name}>`;
}

function content(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((item) => element('list-item', item)).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, v]) => element(key, v))
      .join('');
  }
  return scalar(value);
}

/** A whole document, as DRF's `XMLRenderer` writes it. */
export function renderXml(data: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element('root', data)}`;
}
