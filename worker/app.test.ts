import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { createApp } from './app.js';
import { get, getJson } from './test-helpers.js';

describe('service routes', () => {
  it('GET /healthcheck/ checks the database', async () => {
    const { body } = await getJson('/healthcheck/');
    expect(body).toEqual({ status: '200 OK' });
  });

  it('GET /healthcheck/?check_es checks the search engine too', async () => {
    const { body } = await getJson('/healthcheck/?check_es=1');
    expect(body).toEqual({ status: '200 OK' });
  });

  it('serves an OpenAPI 3.1 document covering the routes', async () => {
    const { body } = await getJson('/v1/openapi.json');
    expect(body.openapi).toBe('3.1.0');
    for (const p of ['/v1/images/', '/v1/images/{identifier}/', '/v1/audio/', '/v1/audio/{identifier}/', '/healthcheck/']) {
      expect(Object.keys(body.paths)).toContain(p);
    }
    const params = body.paths['/v1/images/'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['q', 'page', 'page_size']));
    expect(body.components.schemas.Image).toBeTruthy();
  });

  it('builds the OpenAPI document once per app and lets caches keep it', async () => {
    const app = createApp();
    const build = vi.spyOn(app, 'getOpenAPI31Document');
    const texts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await app.request('/v1/openapi.json', {}, env);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
      texts.push(await res.text());
    }
    expect(build).toHaveBeenCalledTimes(1);
    expect(new Set(texts).size).toBe(1);
    // `servers` is the origin asked, on any host.
    const other = await app.request('https://api.example.org/v1/openapi.json', {}, env);
    expect(((await other.json()) as { servers: unknown }).servers).toEqual([{ url: 'https://api.example.org' }]);
    expect(build).toHaveBeenCalledTimes(1);
    expect(Object.keys(JSON.parse(texts[0])).slice(0, 3)).toEqual(['openapi', 'info', 'servers']);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const { body } = await getJson('/v1/nothing-here/', 404);
    expect(body).toEqual({ detail: 'Not found.' });
  });
});

describe('CORS (§2.5)', () => {
  it('answers preflights and marks answers readable from any origin', async () => {
    const pre = await get('/v1/images/', {
      method: 'OPTIONS',
      headers: { Origin: 'https://example.org', 'Access-Control-Request-Method': 'GET' },
    });
    expect(pre.status).toBeLessThan(300);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-max-age')).toBe('86400');
    const res = await get('/v1/images/?page_size=1', { headers: { Origin: 'https://example.org' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});
