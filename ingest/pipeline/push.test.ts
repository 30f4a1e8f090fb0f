import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MeiliAdmin } from '../meili-admin.js';
import { DocumentPusher } from './push.js';

const prefix = `${inject('indexPrefix')}push_`;
let meili: MeiliAdmin;

beforeAll(() => {
  meili = new MeiliAdmin(inject('meiliUrl'), inject('meiliMasterKey'));
});
afterAll(() => meili?.deleteIndexesWithPrefix(prefix));

/** Counts the tasks being waited for at once: the in-flight window as the engine sees it. */
class CountingAdmin extends MeiliAdmin {
  waiting = 0;
  most = 0;
  override async waitTask(uid: number) {
    this.most = Math.max(this.most, ++this.waiting);
    try {
      return await super.waitTask(uid);
    } finally {
      this.waiting--;
    }
  }
}

describe('DocumentPusher', () => {
  it('sends every document in byte-sized batches, never more than maxInFlight tasks at once', async () => {
    const counting = new CountingAdmin(inject('meiliUrl'), inject('meiliMasterKey'));
    const index = `${prefix}window`;
    await meili.createIndex(index);
    let indexed = 0;
    const pusher = new DocumentPusher(counting, index, { batchBytes: 2048, maxInFlight: 2, onDone: (c) => (indexed += c.indexed) });
    for (let i = 0; i < 600; i++) await pusher.add(JSON.stringify({ id: `d${i}`, title: `document number ${i}` }));
    await pusher.finish();
    expect(indexed).toBe(600);
    expect(await meili.documentCount(index)).toBe(600);
    expect(counting.most).toBeGreaterThan(1);
    expect(counting.most).toBeLessThanOrEqual(2);
  });

  it('a removal applies after the documents added before it, and before those added after', async () => {
    const index = `${prefix}order`;
    await meili.createIndex(index);
    const pusher = new DocumentPusher(meili, index, { batchBytes: 1, maxInFlight: 4 });
    await pusher.add(JSON.stringify({ id: 'a', title: 'first' }));
    await pusher.add(JSON.stringify({ id: 'b', title: 'second' }));
    await pusher.remove(['a']);
    await pusher.add(JSON.stringify({ id: 'a', title: 'back again' }));
    await pusher.remove(['b']);
    await pusher.finish();
    const docs = (await meili.search(index, { q: '', limit: 10 })).hits;
    expect(docs.map((d) => [d.id, d.title])).toEqual([['a', 'back again']]);
  });

  it('a failed task fails the push, naming the task', async () => {
    const index = `${prefix}failing`;
    await meili.createIndex(index);
    const pusher = new DocumentPusher(meili, index, { batchBytes: 1 });
    await pusher.add(JSON.stringify({ id: 'not a valid id!', title: 'x' }));
    await expect(pusher.finish()).rejects.toThrow(/task \d+ .*failed/);
  });
});
