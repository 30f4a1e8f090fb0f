/**
 * A page of live results for `filter_dead=true` (§4.5), stateless: the page is cut from
 * the live hits of the whole prefix `[0, page·page_size)` of the ranking, so page N
 * starts where page N−1 ended and no id repeats across pages while the recorded
 * statuses stay the same. (The reference instead remembers a per-query mask and starts
 * a first-ever page > 1 at 0.) Recorded statuses make re-reading the prefix cheap.
 *
 * The first window holds twice what the page needs (the reference's 0.5 dead-link
 * ratio); its URLs get the request's one round of checks. If dead links leave the page
 * short, the window widens by half, up to `MAX_BACKFILLS` times, with recorded statuses
 * only (an unrecorded URL there counts as live).
 */
import { MAX_RESULT_WINDOW } from '../../model/search-index.js';
import type { RankedWindow, Window } from './query.js';

export const DEAD_LINK_RATIO = 0.5;
export const MAX_BACKFILLS = 3;

export interface LinkVerdicts {
  verdicts(urls: string[]): Promise<Map<string, boolean>>;
}

/**
 * A ranking to cut windows from: `withFacets` asks for the plan's facet counts too
 * (the first window only: back-fills need only hits).
 */
export type Ranking<H> = (window: Window, withFacets: boolean) => Promise<RankedWindow<H>>;

export async function liveWindow<Hit extends { id: string; url?: string | null }>(
  ranking: Ranking<Hit>,
  page: number,
  pageSize: number,
  links: LinkVerdicts,
): Promise<RankedWindow<Hit>> {
  const want = page * pageSize;
  let end = Math.min(MAX_RESULT_WINDOW, Math.ceil(want / DEAD_LINK_RATIO));
  const first = await ranking({ page: 1, hitsPerPage: end }, true);
  const total = first.total;
  const available = Math.min(total, MAX_RESULT_WINDOW);
  const seen = new Set<string>();
  const live: Hit[] = [];
  let last: Hit | undefined;
  const keep = async (hits: Hit[]) => {
    last = hits.at(-1) ?? last;
    // A record without a URL has nothing to show: '' is never fetchable, so it is dropped.
    const verdicts = await links.verdicts(hits.map((h) => h.url ?? ''));
    for (const hit of hits) {
      if (seen.has(hit.id) || verdicts.get(hit.url ?? '') === false) continue;
      seen.add(hit.id);
      live.push(hit);
    }
  };
  await keep(first.hits);
  for (let i = 0; i < MAX_BACKFILLS && live.length < want && end < available; i++) {
    const next = Math.min(available, end + Math.floor(end / 2));
    const more = await ranking({ offset: end, limit: next - end }, false);
    await keep(more.hits);
    end = next;
  }
  return {
    hits: live.slice(want - pageSize, want),
    total,
    ...(first.facets ? { facets: first.facets } : {}),
    scanned: { count: Math.min(end, available), last },
  };
}
