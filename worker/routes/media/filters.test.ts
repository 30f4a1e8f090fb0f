/**
 * The search parameters of §3.1: each accepted value narrows results to what it asks
 * for, each rejected value answers the contract's 4xx body.
 */
import { describe, expect, it } from 'vitest';
import { LICENSE_GROUPS } from '../../../model/licenses.js';
import { get, getJson } from '../../test-helpers.js';

type Result = Record<string, any>;

async function results(path: string): Promise<{ body: any; results: Result[] }> {
  const { body } = await getJson(path);
  return { body, results: body.results };
}

async function allPages(path: string, pages = 3): Promise<Result[]> {
  const out: Result[] = [];
  for (let page = 1; page <= pages; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const { results: r } = await results(`${path}${sep}page=${page}&page_size=20`);
    out.push(...r);
    if (r.length < 20) break;
  }
  return out;
}

describe('licence filters', () => {
  it.each(['by', 'by-sa', 'cc0', 'pdm', 'by-nc'])('license=%s returns only that licence', async (slug) => {
    const r = await allPages(`/v1/images/?license=${slug}`);
    expect(r.length).toBeGreaterThan(0);
    for (const x of r) expect(x.license).toBe(slug);
  });

  it('is case-insensitive and ORs a list', async () => {
    const r = await allPages('/v1/images/?license=BY,CC0');
    expect(new Set(r.map((x) => x.license))).toEqual(new Set(['by', 'cc0']));
  });

  it('rejects an unknown licence, naming it lowercased', async () => {
    const { body } = await getJson('/v1/images/?license=by,XYZ', 400);
    expect(body).toEqual({ detail: { license: ["License 'xyz' does not exist."] } });
  });

  it.each(['commercial', 'modification', 'all-cc'] as const)('license_type=%s keeps to the group', async (group) => {
    const r = await allPages(`/v1/images/?license_type=${group}`);
    expect(r.length).toBeGreaterThan(0);
    for (const x of r) expect(LICENSE_GROUPS[group]).toContain(x.license);
  });

  it('intersects several groups and a licence list', async () => {
    for (const x of await allPages('/v1/images/?license_type=commercial,modification')) {
      expect(['by', 'by-sa', 'cc0', 'pdm', 'sampling+']).toContain(x.license);
    }
    const { body } = await getJson('/v1/images/?license=by-nc&license_type=commercial');
    expect(body.result_count).toBe(0);
  });

  it('rejects an unknown licence type', async () => {
    const { body } = await getJson('/v1/images/?license_type=free', 400);
    expect(body).toEqual({ detail: { license_type: ["License type 'free' does not exist."] } });
  });
});

describe('source filters', () => {
  it('source keeps to the sources, excluded_source leaves them out', async () => {
    for (const x of await allPages('/v1/images/?source=flickr,WIKIMEDIA')) expect(['flickr', 'wikimedia']).toContain(x.source);
    const without = await allPages('/v1/images/?excluded_source=flickr');
    expect(without.length).toBeGreaterThan(0);
    for (const x of without) expect(x.source).not.toBe('flickr');
  });

  it('an unknown source matches nothing; an unknown excluded source changes nothing', async () => {
    expect((await results('/v1/images/?source=nowhere')).body.result_count).toBe(0);
    const all = (await results('/v1/images/')).body.result_count;
    expect((await results('/v1/images/?excluded_source=nowhere')).body.result_count).toBe(all);
  });

  it('refuses source with excluded_source', async () => {
    const { body } = await getJson('/v1/images/?source=flickr&excluded_source=', 400);
    expect(body).toEqual({ detail: { non_field_errors: ["Cannot set both 'source' and 'excluded_source'. Use exactly one of these."] } });
  });
});

describe('shape, size, category, extension, length', () => {
  it('aspect_ratio and size follow the dimensions', async () => {
    for (const x of await allPages('/v1/images/?aspect_ratio=tall')) expect(x.height).toBeGreaterThan(x.width);
    for (const x of await allPages('/v1/images/?aspect_ratio=Wide')) expect(x.height).toBeLessThan(x.width);
    for (const x of await allPages('/v1/images/?size=small')) expect(x.width * x.height).toBeLessThan(307_200);
    for (const x of await allPages('/v1/images/?size=large')) expect(x.width * x.height).toBeGreaterThanOrEqual(1_440_000);
  });

  it('category and extension narrow by value, case-insensitively', async () => {
    const photos = await allPages('/v1/images/?category=Photograph');
    expect(photos.length).toBeGreaterThan(0);
    for (const x of photos) expect(x.category).toBe('photograph');
    const pngs = await allPages('/v1/images/?extension=PNG');
    expect(pngs.length).toBeGreaterThan(0);
    for (const x of pngs) expect(x.filetype ?? new URL(x.url).pathname.split('.').pop()!.toLowerCase()).toBe('png');
  });

  it('audio length buckets follow the duration', async () => {
    const short = await allPages('/v1/audio/?length=short');
    expect(short.length).toBeGreaterThan(0);
    for (const x of short) expect(x.duration >= 30_000 && x.duration < 120_000).toBe(true);
  });

  it.each([
    ['/v1/images/?aspect_ratio=round', 'aspect_ratio', "Invalid value: round. Allowed values: {'tall', 'wide', 'square'}"],
    ['/v1/images/?size=HUGE', 'size', "Invalid value: huge. Allowed values: {'small', 'medium', 'large'}"],
    ['/v1/images/?category=music', 'category', "Invalid value: music. Allowed values: {'digitized_artwork', 'illustration', 'photograph'}"],
    ['/v1/audio/?length=forever', 'length', "Invalid value: forever. Allowed values: {'shortest', 'short', 'medium', 'long'}"],
  ])('%s → 400 naming %s', async (path, field, message) => {
    const { body } = await getJson(path, 400);
    expect(body).toEqual({ detail: { [field]: [message] } });
  });
});

describe('mature', () => {
  it('hides mature works unless asked', async () => {
    const hidden = (await results('/v1/images/')).body.result_count;
    const shown = await results('/v1/images/?mature=true');
    const sensitive = await results('/v1/images/?unstable__include_sensitive_results=1');
    expect(shown.body.result_count).toBeGreaterThan(hidden);
    expect(sensitive.body.result_count).toBe(shown.body.result_count);
    const mature = await allPages('/v1/images/?mature=yes', 20);
    expect(mature.some((x) => x.mature)).toBe(true);
  });

  it('rejects a non-boolean', async () => {
    const { body } = await getJson('/v1/images/?mature=maybe', 400);
    expect(body).toEqual({ detail: { mature: ['Must be a valid boolean.'] } });
  });
});

describe('field search', () => {
  it('creator, title and tags search their own field', async () => {
    const { results: sample } = await results('/v1/images/?page_size=20');
    const withCreator = sample.find((x) => x.creator && /^[A-Za-z]+ [A-Za-z]+$/.test(x.creator))!;
    const byCreator = await allPages(`/v1/images/?creator=${encodeURIComponent(withCreator.creator)}`, 1);
    expect(byCreator.map((x) => x.id)).toContain(withCreator.id);
    const words = withCreator.creator.toLowerCase().split(' ');
    for (const x of byCreator) expect(words.some((w: string) => x.creator.toLowerCase().includes(w))).toBe(true);

    const tag = sample.flatMap((x) => x.tags).find((t: { name: string }) => /^[a-z]+$/.test(t.name)).name;
    for (const x of await allPages(`/v1/images/?tags=${tag}`, 1)) {
      expect(x.tags.some((t: { name: string }) => t.name.toLowerCase().includes(tag.slice(0, 4)))).toBe(true);
    }
  });

  it('a field search matches any of its words (Openverse’s OR), each field given must match', async () => {
    const { results: sample } = await results('/v1/images/?page_size=20&filter_dead=false');
    const creators = [...new Set(sample.map((x) => x.creator).filter((c): c is string => !!c && /^[A-Za-z]{3,}( |$)/.test(c)))];
    const [a, b] = creators.map((c) => c.split(' ')[0]).filter((w, i, all) => all.indexOf(w) === i);
    const ids = async (path: string) => new Set((await allPages(`${path}&filter_dead=false`, 20)).map((x) => x.id));
    const onlyA = await ids(`/v1/images/?creator=${a}`);
    const onlyB = await ids(`/v1/images/?creator=${b}`);
    const either = await ids(`/v1/images/?creator=${encodeURIComponent(`${a} ${b}`)}`);
    expect(onlyA.size).toBeGreaterThan(0);
    expect(onlyB.size).toBeGreaterThan(0);
    expect([...either].sort()).toEqual([...new Set([...onlyA, ...onlyB])].sort());
    const both = await getJson(`/v1/images/?creator=${encodeURIComponent(`${a} ${b}`)}&filter_dead=false`);
    expect(both.body.result_count).toBe(either.size);

    // AND between fields: every result holds a word of each.
    const title = sample.find((x) => x.title && /^[A-Za-z]{4,} /.test(x.title))!.title!.split(' ')[0];
    for (const x of await allPages(
      `/v1/images/?title=${title}%20zzzzqqq&creator=${encodeURIComponent(`${a} ${b}`)}&filter_dead=false`,
      5,
    )) {
      expect(x.title!.toLowerCase()).toContain(title.toLowerCase());
      expect([a, b].some((w) => x.creator!.toLowerCase().includes(w.toLowerCase()))).toBe(true);
    }
  });

  it('q wins over the field parameters', async () => {
    const a = await results('/v1/images/?q=mountain&creator=zzzznobody');
    const b = await results('/v1/images/?q=mountain');
    expect(a.body.result_count).toBe(b.body.result_count);
  });

  it('refuses a field search over 200 characters', async () => {
    const { body } = await getJson(`/v1/images/?title=${'a'.repeat(201)}`, 400);
    expect(body).toEqual({ detail: { title: ['Ensure this field has no more than 200 characters.'] } });
  });
});

describe('deprecated parameters and sorting', () => {
  it('names each deprecated parameter and its successor', async () => {
    const { body } = await getJson('/v1/images/?li=by&provider=', 400);
    expect(body).toEqual({
      detail: {
        li: ["Parameter 'li' is deprecated in this release of the API. Use 'license' instead."],
        provider: ["Parameter 'provider' is deprecated in this release of the API. Use 'source' instead."],
      },
    });
  });

  it('validates unstable__sort_by and ignores it for anonymous callers', async () => {
    const { body } = await getJson('/v1/images/?unstable__sort_by=random', 400);
    expect(body).toEqual({ detail: { unstable__sort_by: ['"random" is not a valid choice.'] } });
    const relevance = await results('/v1/images/?q=mountain');
    const sorted = await results('/v1/images/?q=mountain&unstable__sort_by=indexed_on&unstable__sort_dir=asc');
    expect(sorted.results.map((x) => x.id)).toEqual(relevance.results.map((x) => x.id));
  });

  it('peaks=true adds stored peaks to audio results', async () => {
    const { results: r } = await results('/v1/audio/?peaks=true&page_size=3');
    expect(r.length).toBeGreaterThan(0);
    for (const x of r) {
      // The stored waveform's points, or an empty list for a track that has none yet.
      const res = await get(`/v1/audio/${x.id}/waveform/`);
      expect(x.peaks).toEqual(res.status === 200 ? (await res.json<{ points: number[] }>()).points : []);
    }
    const { results: plain } = await results('/v1/audio/?page_size=3');
    for (const x of plain) expect('peaks' in x).toBe(false);
  });
});

describe('collections', () => {
  it('tag, source and creator collections hold only their works, newest first', async () => {
    const { results: sample } = await results('/v1/images/?source=flickr&page_size=5');
    const item = sample[0];
    const tag = item.tags[0].name;
    const byTag = await allPages(`/v1/images/tag/${encodeURIComponent(tag)}/`);
    expect(byTag.length).toBeGreaterThan(0);
    for (const x of byTag) expect(x.tags.map((t: { name: string }) => t.name.toLowerCase())).toContain(tag.toLowerCase());
    const dates = byTag.map((x) => x.indexed_on);
    expect([...dates].sort().reverse()).toEqual(dates);

    for (const x of await allPages('/v1/images/source/flickr/')) expect(x.source).toBe('flickr');
    const byCreator = await allPages(`/v1/images/source/flickr/creator/${encodeURIComponent(item.creator)}/`);
    expect(byCreator.map((x) => x.id)).toContain(item.id);
    for (const x of byCreator) expect([x.source, x.creator]).toEqual(['flickr', item.creator]);
  });

  it('an unknown tag is an empty page, and filters still validate', async () => {
    expect((await results('/v1/audio/tag/zzzz-no-such-tag/')).body.result_count).toBe(0);
    await getJson('/v1/audio/source/jamendo/?license=nope', 400);
  });
});

describe('hostile input never reaches the engine raw', () => {
  const nasty = ['"', "'", '=', ' OR ', ' AND ', '\\', '[', ']', '" OR source = "flickr', 'x\u0000y', '\u202e', '%', '😀'.repeat(50)];
  const params = ['q', 'creator', 'title', 'tags', 'source', 'excluded_source', 'extension', 'license', 'category', 'page'];
  it('answers 200 or a JSON 400 naming the parameter, never 5xx', async () => {
    for (const param of params) {
      for (const value of nasty) {
        const res = await get(`/v1/images/?${param}=${encodeURIComponent(value)}`);
        const body = (await res.json()) as any;
        expect(res.status, `${param}=${JSON.stringify(value)} → ${JSON.stringify(body)}`).toBeLessThan(500);
        if (res.status === 400) expect(Object.keys(body.detail)).toContain(param);
        if (res.status === 200 && param === 'source') expect(body.result_count).toBe(0);
      }
    }
  });

  it('a quoted injection in a collection path matches nothing', async () => {
    const { body } = await getJson(`/v1/images/source/${encodeURIComponent('x" OR source != "x')}/`);
    expect(body.result_count).toBe(0);
  });
});

describe('sensitive text', () => {
  it('is hidden by default and flagged when sensitive results are asked for', async () => {
    const hidden = await allPages('/v1/images/?q=NSFW');
    expect(hidden.some((x) => /nsfw/i.test(x.title))).toBe(false);
    const shown = await allPages('/v1/images/?q=NSFW&unstable__include_sensitive_results=true');
    const flagged = shown.filter((x) => /nsfw/i.test(x.title));
    expect(flagged.length).toBeGreaterThan(0);
    for (const x of flagged) expect(x.unstable__sensitivity).toContain('sensitive_text');
    for (const x of hidden) expect('unstable__sensitivity' in x).toBe(false);
  });
});
