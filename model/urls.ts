/**
 * URL helpers shared by the ingest cleanup and the serializers.
 */

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/**
 * Every URL field a client sees (the work's and its audio set's): the output rule of
 * §5.3, a value without a scheme gets `https://` (Python's `urlparse(...).scheme` check,
 * so `""` becomes `https://`), and a value with any scheme but http(s) is null, so a
 * stored `javascript:` or `data:` link never reaches a page that renders it. Prefixing
 * also disarms what a browser would strip into a scheme (` javascript:`, `java\tscript:`).
 */
export function outputUrl(url: string | null | undefined): string | null {
  if (url === null || url === undefined) return null;
  const scheme = SCHEME.exec(url)?.[0].toLowerCase();
  if (scheme === undefined) return `https://${url}`;
  return scheme === 'http:' || scheme === 'https:' ? url : null;
}

/**
 * Ingest-time repair of provider URLs (`www.flickr.com/...`, `//cdn/...`). Returns null
 * for values that cannot become an http(s) URL, so the caller can skip or null them.
 */
export function repairUrl(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  let value = raw.trim();
  if (!value) return null;
  if (value.startsWith('//')) value = `https:${value}`;
  else if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(value)) value = `https://${value}`;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!url.hostname.includes('.') && url.hostname !== 'localhost' && !/^\d+\.\d+\.\d+\.\d+$/.test(url.hostname)) {
      return null;
    }
    return value;
  } catch {
    return null;
  }
}
