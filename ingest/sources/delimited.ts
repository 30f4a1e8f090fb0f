/**
 * Streaming parsers for catalog dumps: RFC 4180 CSV (quoted fields may hold commas,
 * quotes and newlines) and Postgres COPY text (tab-separated, `\N` null, backslash
 * escapes). Both read chunk by chunk; memory holds one record at a time.
 */

/** CSV records from text chunks. */
export async function* parseCsv(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string[]> {
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let quoteSeen = false; // a quote inside a quoted field: end of field or an escaped quote
  let any = false;
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      any = true;
      if (quoted) {
        if (quoteSeen) {
          quoteSeen = false;
          if (ch === '"') {
            field += '"';
            continue;
          }
          quoted = false;
          // fall through: the character after a closing quote is handled unquoted
        } else if (ch === '"') {
          quoteSeen = true;
          continue;
        } else {
          field += ch;
          continue;
        }
      }
      if (ch === '"' && field === '') quoted = true;
      else if (ch === ',') {
        record.push(field);
        field = '';
      } else if (ch === '\n') {
        record.push(field.endsWith('\r') ? field.slice(0, -1) : field);
        yield record;
        record = [];
        field = '';
        any = false;
      } else field += ch;
    }
  }
  if (quoteSeen) quoted = false;
  if (any && (field !== '' || record.length > 0)) {
    record.push(field);
    yield record;
  }
}

const COPY_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '\\': '\\' };

/** One COPY-text line → fields (`null` for `\N`). */
export function parseCopyLine(line: string): (string | null)[] {
  return line.split('\t').map((raw) => {
    if (raw === '\\N') return null;
    if (!raw.includes('\\')) return raw;
    return raw.replace(/\\(.)/g, (_, c: string) => COPY_ESCAPES[c] ?? c);
  });
}

/** Lines from text chunks (no quoting: COPY text escapes newlines inside values). */
export async function* parseLines(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of chunks) {
    rest += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl).replace(/\r$/, '');
      rest = rest.slice(nl + 1);
      if (line) yield line;
    }
  }
  if (rest.trim()) yield rest;
}
