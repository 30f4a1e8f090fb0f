/**
 * Suggestions (issue #20): completions of what has been typed, drawn from the titles and
 * tags of the live index, and the corrected query an empty search offers.
 *
 * One engine query per suggestion: `q` over `title` and `tag_names` (the last word is a
 * prefix there, and typos are tolerated as in any search), with match positions and only
 * those two attributes retrieved. Each hit's matched words, extended to word boundaries,
 * are the candidates (tags also whole); they are ranked by how many hits hold them, then
 * by the best hit's rank. Facet search stays off in the index (model/search-index.ts):
 * this needs nothing but the search itself. Works the caller may not see unasked
 * (mature, sensitive text) never contribute a word.
 */
import { TEXT_FIELDS } from '../../model/search-index.js';
import type { FederatedMember, MeiliSearchRequest, SearchEngine } from './meili.js';
import { HIDE_SENSITIVE_FILTER } from './query.js';

/** Completions answered at most. */
export const MAX_SUGGESTIONS = 10;
/**
 * Hits read per suggestion query: enough to count words, few enough to stay cheap. The
 * engine's time grows with it (match positions are computed per hit): at 1M images, 40
 * hits took 7–8 ms p50 / 11–17 ms p95, 20 hits 4 / 7 (bench/RESULTS.md, suggestions at 1M).
 */
export const SUGGEST_HITS = 20;
/** Words of a query a correction looks at (one engine query each). */
const MAX_CORRECTED_WORDS = 3;

const SUGGEST_FIELDS = TEXT_FIELDS.filter((f) => f !== 'description');

interface MatchPosition {
  start: number;
  length: number;
  indices?: number[];
}

export interface SuggestHit {
  title?: string | null;
  tag_names?: string[] | null;
  _matchesPosition?: Record<string, MatchPosition[]>;
}

/** The words of a query, lowercase, quotes and punctuation aside. */
export function tokensOf(q: string): string[] {
  return q.toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
}

/** Lowercase without diacritics: the engine matches `cafe` to `café`. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The whole words of `text` around its matches. The engine gives match positions in
 * UTF-8 bytes, a prefix match only the typed part: each is widened to its word.
 */
export function matchedWords(text: string, matches: readonly MatchPosition[]): string[] {
  const bytes = encoder.encode(text);
  const at = (byte: number) => decoder.decode(bytes.subarray(0, byte)).length;
  const words: string[] = [];
  for (const m of matches) {
    let start = at(m.start);
    let end = at(m.start + m.length);
    while (start > 0 && WORD_CHAR.test(text[start - 1])) start--;
    while (end < text.length && WORD_CHAR.test(text[end])) end++;
    const word = text.slice(start, end).toLowerCase();
    if (word && !words.includes(word)) words.push(word);
  }
  return words;
}

function distance(a: string, b: string): number {
  // Damerau-Levenshtein (optimal string alignment), on short words.
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The engine's default typo budget: none under 5 letters, one from 5, two from 9. */
function typosAllowed(token: string): number {
  return token.length >= 9 ? 2 : token.length >= 5 ? 1 : 0;
}

/**
 * Whether `word` is what the engine matched `token` to: the word itself, within the
 * typo budget, or (`prefix`: the word being typed) a word starting so.
 */
export function fits(token: string, word: string, prefix: boolean): boolean {
  const [t, w] = [fold(token), fold(word)];
  if (w === t || (prefix && w.startsWith(t))) return true;
  const typos = typosAllowed(t);
  if (typos === 0) return false;
  if (distance(t, w) <= typos) return true;
  if (!prefix) return false;
  for (let k = Math.max(1, t.length - typos); k <= Math.min(w.length, t.length + typos); k++) {
    if (distance(t, w.slice(0, k)) <= typos) return true;
  }
  return false;
}

/**
 * Candidates of one hit. `complete`: the words before the last as typed, then a matched
 * word completing the last one; and whole tags holding every word. `word` (one token):
 * the matched words that fit it.
 */
function candidatesOf(hit: SuggestHit, tokens: readonly string[], mode: 'complete' | 'word'): Set<string> {
  const out = new Set<string>();
  const last = tokens[tokens.length - 1];
  const before = tokens.slice(0, -1);
  const positions = hit._matchesPosition ?? {};
  const words: string[] = [];
  if (hit.title && positions.title) words.push(...matchedWords(hit.title, positions.title));
  const tags = hit.tag_names ?? [];
  for (const m of positions.tag_names ?? []) {
    for (const i of m.indices ?? []) {
      const tag = tags[i];
      if (typeof tag !== 'string') continue;
      words.push(...matchedWords(tag, [m]));
      const tagWords = tokensOf(tag);
      if (mode === 'complete' && tokens.every((t, k) => tagWords.some((w) => fits(t, w, k === tokens.length - 1)))) {
        out.add(tag.toLowerCase().trim());
      }
    }
  }
  for (const word of words) {
    if (!fits(last, word, true) || before.includes(word)) continue;
    out.add(mode === 'complete' && before.length ? `${before.join(' ')} ${word}` : word);
  }
  return out;
}

/** Candidates of all hits, most hits first, then by the best hit's rank, then alphabetically. */
export function rankCandidates(hits: readonly SuggestHit[], tokens: readonly string[], mode: 'complete' | 'word'): string[] {
  if (tokens.length === 0) return [];
  const score = new Map<string, { count: number; first: number }>();
  hits.forEach((hit, rank) => {
    for (const c of candidatesOf(hit, tokens, mode)) {
      const s = score.get(c);
      if (s) s.count++;
      else score.set(c, { count: 1, first: rank });
    }
  });
  return [...score].sort(([a, x], [b, y]) => y.count - x.count || x.first - y.first || (a < b ? -1 : a > b ? 1 : 0)).map(([c]) => c);
}

/** The suggestion query: titles and tags, match positions, the two attributes only. */
export function suggestRequest(q: string): MeiliSearchRequest {
  return {
    q,
    attributesToSearchOn: SUGGEST_FIELDS,
    matchingStrategy: 'all',
    filter: [HIDE_SENSITIVE_FILTER],
    showMatchesPosition: true,
    attributesToRetrieve: SUGGEST_FIELDS,
    offset: 0,
    limit: SUGGEST_HITS,
  };
}

/** The suggestion query's hits over one served index or several (one federated search). */
async function suggestHits(engine: SearchEngine, indexes: readonly string[], q: string): Promise<SuggestHit[]> {
  const request = suggestRequest(q);
  if (indexes.length === 1) return (await engine.search<SuggestHit>(indexes[0], request)).hits;
  const members: FederatedMember[] = indexes.map((index) => ({ index, request }));
  return (await engine.searchFederated<SuggestHit>(members, { offset: 0, limit: SUGGEST_HITS })).hits;
}

/** Up to `MAX_SUGGESTIONS` completions of `q` from the titles and tags of `indexes`. */
export async function suggest(engine: SearchEngine, indexes: readonly string[], q: string): Promise<string[]> {
  const tokens = tokensOf(q);
  if (tokens.length === 0) return [];
  return rankCandidates(await suggestHits(engine, indexes, tokens.join(' ')), tokens, 'complete').slice(0, MAX_SUGGESTIONS);
}

/**
 * The corrected query an empty search offers: each word kept when the index holds it,
 * else replaced by its best suggestion, else dropped; only when it differs from `q` and
 * `finds` (the same search with it) finds works. One engine query per word, plus `finds`.
 */
export async function correctedQuery(
  engine: SearchEngine,
  indexes: readonly string[],
  q: string,
  finds: (corrected: string) => Promise<boolean>,
): Promise<string | undefined> {
  const tokens = tokensOf(q);
  const words = await Promise.all(
    tokens.map(async (token, i) => {
      // Past the first words, a word is kept as typed (each costs an engine query).
      if (i >= MAX_CORRECTED_WORDS) return token;
      const candidates = rankCandidates(await suggestHits(engine, indexes, token), [token], 'word');
      return candidates.includes(token) ? token : candidates[0];
    }),
  );
  const corrected = words.filter((w) => w !== undefined).join(' ');
  if (!corrected || corrected === tokens.join(' ')) return undefined;
  return (await finds(corrected)) ? corrected : undefined;
}
