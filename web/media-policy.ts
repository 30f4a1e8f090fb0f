/**
 * Which audio URLs this page may play. The CSP's `media-src` decides (scripts/build-assets.ts
 * `pageCsp`); the build writes the same source list into the page's
 * `<meta name="edgeverse:media-src">`, so the page offers a player only for tracks the
 * browser will load, and for the others says at once where to listen instead (rather than
 * a player that fails, and a CSP report per track in the console). Pure: tested in Node.
 */

/** The source list of the page's meta tag (`'self' http://127.0.0.1:* …`); only its own origin without one. */
export function mediaSources(content: string | null | undefined): string[] {
  const sources = (content ?? '').split(/\s+/).filter(Boolean);
  return sources.length ? sources : ["'self'"];
}

/**
 * True when `url` matches one of the CSP source expressions the page uses: `'self'`, a
 * scheme (`https:`), or a scheme, host and port, the port possibly `*`.
 */
export function mediaAllowed(url: string, sources: readonly string[], pageOrigin: string): boolean {
  let target: URL;
  try {
    target = new URL(url, pageOrigin);
  } catch {
    return false;
  }
  return sources.some((source) => {
    if (source === "'self'") return target.origin === pageOrigin;
    if (/^[a-z][a-z0-9+.-]*:$/i.test(source)) return target.protocol === source.toLowerCase();
    const m = /^([a-z][a-z0-9+.-]*):\/\/([^/:]+)(?::(\d+|\*))?\/?$/i.exec(source);
    if (!m) return false;
    const [, scheme, host, port] = m;
    if (target.protocol !== `${scheme.toLowerCase()}:` || target.hostname !== host.toLowerCase()) return false;
    if (port === '*') return true;
    const defaultPort = target.protocol === 'https:' ? '443' : target.protocol === 'http:' ? '80' : '';
    return (target.port || defaultPort) === (port ?? defaultPort);
  });
}
