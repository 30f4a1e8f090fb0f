/**
 * Decodes the HTML entities providers leave in titles and descriptions (`&ndash;`,
 * `&#39;`, `&amp;quot;` double-encoded once). Only the common named set: the long tail
 * is left as text rather than guessed.
 */
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '\u2013',
  mdash: '\u2014', hellip: '\u2026', lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c',
  rdquo: '\u201d', laquo: '\u00ab', raquo: '\u00bb', copy: '\u00a9', reg: '\u00ae',
  trade: '\u2122', deg: '\u00b0', middot: '\u00b7', bull: '\u2022', times: '\u00d7',
  eacute: '\u00e9', egrave: '\u00e8', ecirc: '\u00ea', euml: '\u00eb', aacute: '\u00e1',
  agrave: '\u00e0', acirc: '\u00e2', auml: '\u00e4', aring: '\u00e5', atilde: '\u00e3',
  iacute: '\u00ed', igrave: '\u00ec', iuml: '\u00ef', oacute: '\u00f3', ograve: '\u00f2',
  ocirc: '\u00f4', ouml: '\u00f6', otilde: '\u00f5', oslash: '\u00f8', uacute: '\u00fa',
  ugrave: '\u00f9', ucirc: '\u00fb', uuml: '\u00fc', ccedil: '\u00e7', ntilde: '\u00f1',
  szlig: '\u00df', Eacute: '\u00c9', Aacute: '\u00c1', Oacute: '\u00d3', Uacute: '\u00da',
  Ouml: '\u00d6', Uuml: '\u00dc', Auml: '\u00c4', Ccedil: '\u00c7', Ntilde: '\u00d1',
};

const ENTITY = /&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g;

export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body] ?? whole;
  });
}
