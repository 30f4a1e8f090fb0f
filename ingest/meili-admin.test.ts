import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MeiliAdmin, requestCapture } from './meili-admin.js';

const prefix = `${inject('indexPrefix')}capture_`;
const index = `${prefix}docs`;
let meili: MeiliAdmin;

beforeAll(async () => {
  meili = new MeiliAdmin(inject('meiliUrl'), inject('meiliMasterKey'));
  await meili.createIndex(index);
  await meili.waitTask(await meili.addDocuments(index, ['{"id":"a","title":"red fox"}', '{"id":"b","title":"blue fox"}'].join('\n')));
});
afterAll(() => meili?.deleteIndexesWithPrefix(prefix));

describe('requestCapture', () => {
  it('captures the request the client would send; replayed as is, it answers as the client does', async () => {
    const url = inject('meiliUrl');
    const capture = requestCapture(url, inject('meiliSearchKey'));
    const search = await capture((c) => c.index(index).search('fox', { limit: 1 }));
    expect(search.method).toBe('POST');
    const replayed = (await (
      await fetch(`${url}${search.path}`, { method: search.method, headers: search.headers, body: search.body })
    ).json()) as {
      hits: { id: string }[];
      estimatedTotalHits: number;
    };
    const direct = await meili.search(index, { q: 'fox', limit: 1 });
    expect(replayed.hits.map((h) => h.id)).toEqual(direct.hits.map((h) => h.id));
    expect(replayed.estimatedTotalHits).toBe(2);

    const health = await capture((c) => c.health());
    expect(health.method).toBe('GET');
    expect((await fetch(`${url}${health.path}`, { headers: health.headers })).status).toBe(200);
  });
});
