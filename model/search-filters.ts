/**
 * The closed sets of values the search filters take (reference §3): one home, read by the
 * API's parameter schemas (worker/routes/media/schema.ts) and by the search page's filter
 * panel (web/), so a value the page offers is always one the API accepts.
 */

export const IMAGE_CATEGORIES = ['digitized_artwork', 'illustration', 'photograph'] as const;
export const AUDIO_CATEGORIES = ['audiobook', 'music', 'news', 'podcast', 'pronunciation', 'sound_effect'] as const;
export const ASPECT_RATIOS = ['tall', 'wide', 'square'] as const;
/** By pixel count. */
export const SIZES = ['small', 'medium', 'large'] as const;
/** shortest < 30 s, short < 2 min, medium < 10 min, long. */
export const LENGTHS = ['shortest', 'short', 'medium', 'long'] as const;
