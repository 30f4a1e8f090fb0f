// SEARCH_CACHE for the Worker in bare workerd (bench/search/bare-workerd.ts): an in-memory
// store speaking the HTTP protocol workerd's KV binding uses (Miniflare's KV simulator
// answers the same requests). Bench only; on Cloudflare, KV is Cloudflare's.
const store = new Map(); // key → { value: ArrayBuffer, expiration?: ms, metadata?: string }

function live(key) {
  const e = store.get(key);
  if (e && e.expiration !== undefined && e.expiration <= Date.now()) {
    store.delete(key);
    return undefined;
  }
  return e;
}

function keyOf(url) {
  const raw = url.pathname.slice(1);
  return url.searchParams.get('urlencoded') === 'true' ? decodeURIComponent(raw) : raw;
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/bulk/get') {
      // Bulk get: { keys, type, withMetadata }.
      const { keys, type, withMetadata } = await request.json();
      const out = {};
      for (const k of keys) {
        const e = live(k);
        let value = e ? new TextDecoder().decode(e.value) : null;
        if (value !== null && type === 'json') value = JSON.parse(value);
        out[k] = withMetadata && value !== null ? { value, metadata: e.metadata ? JSON.parse(e.metadata) : null } : value;
      }
      return Response.json(out);
    }
    if (request.method === 'GET' && url.pathname === '/') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const keys = [];
      for (const k of [...store.keys()].sort()) {
        const e = live(k);
        if (!e || !k.startsWith(prefix)) continue;
        keys.push({
          name: k,
          ...(e.expiration ? { expiration: Math.floor(e.expiration / 1000) } : {}),
          ...(e.metadata ? { metadata: JSON.parse(e.metadata) } : {}),
        });
      }
      return Response.json({ keys, list_complete: true, cacheStatus: null });
    }
    const key = keyOf(url);
    if (request.method === 'GET') {
      const e = live(key);
      if (!e) return new Response('Not Found', { status: 404 });
      const headers = new Headers();
      if (e.metadata) headers.set('CF-KV-Metadata', e.metadata);
      if (e.expiration !== undefined) headers.set('CF-Expiration', String(Math.floor(e.expiration / 1000)));
      return new Response(e.value, { headers });
    }
    if (request.method === 'PUT') {
      const ttl = url.searchParams.get('expiration_ttl');
      const at = url.searchParams.get('expiration');
      const expiration = ttl ? Date.now() + Number(ttl) * 1000 : at ? Number(at) * 1000 : undefined;
      store.set(key, { value: await request.arrayBuffer(), expiration, metadata: request.headers.get('CF-KV-Metadata') ?? undefined });
      return new Response(null);
    }
    if (request.method === 'DELETE') {
      store.delete(key);
      return new Response(null);
    }
    return new Response('Method not allowed', { status: 405 });
  },
};
