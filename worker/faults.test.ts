/**
 * Dependency faults, in workerd: an unreachable Postgres or Meilisearch (a dead port
 * stands in for a stopped server) never produces a 500 or a hang.
 */
import { describe, expect, it } from 'vitest';
import { fetchWith, get } from './test-helpers.js';

// The Neon driver reaches Postgres only through the bridge: a dead bridge is a dead database.
const DEAD_DB = { NEON_WS_PROXY: '127.0.0.1:9' };
const DEAD_MEILI = { MEILI_URL: 'http://127.0.0.1:9' };

describe('Postgres unreachable', () => {
  it('search keeps working; detail, reports and health answer 503 JSON', async () => {
    const search = await fetchWith('/v1/images/?q=mountain&page_size=2', {}, DEAD_DB);
    expect(search.status).toBe(200);
    const { results } = (await search.json()) as { results: { id: string }[] };
    expect(results.length).toBeGreaterThan(0);
    for (const path of [`/v1/images/${results[0].id}/`, '/healthcheck/', '/v1/images/stats/']) {
      const started = Date.now();
      const res = await fetchWith(path, {}, DEAD_DB);
      expect(res.status, path).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(Date.now() - started).toBeLessThan(6000);
    }
    const report = await fetchWith(
      `/v1/images/${results[0].id}/report/`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ reason: 'mature' }),
      },
      DEAD_DB,
    );
    expect(report.status).toBe(503);
    const register = await fetchWith(
      '/v1/auth_tokens/register/',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'down', description: 'd', email: 'a@b.co' }),
      },
      DEAD_DB,
    );
    expect(register.status).toBe(503);
  });
});

describe('Meilisearch unreachable', () => {
  it('search answers 503 JSON within 2 s; detail keeps working', async () => {
    const started = Date.now();
    const res = await fetchWith('/v1/audio/?q=never-seen-before-query', {}, DEAD_MEILI);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/search engine/);
    expect(Date.now() - started).toBeLessThan(2000);
    const { results } = (await (await get('/v1/audio/?page_size=1')).json()) as { results: { id: string }[] };
    expect((await fetchWith(`/v1/audio/${results[0].id}/`, {}, DEAD_MEILI)).status).toBe(200);
    expect((await fetchWith('/healthcheck/?check_es=1', {}, DEAD_MEILI)).status).toBe(503);
  });
});
