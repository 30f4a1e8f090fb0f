/**
 * Search suggestions as the person types. The API has no suggestions endpoint yet (a
 * separate issue), so this answers nothing and the search box's list stays empty. When
 * the endpoint lands, regenerate the client (`npm run client:generate`) and call it here
 * through `createEdgeverseClient()`: the page already asks (debounced, superseded calls
 * aborted) and shows what this returns in the box's `<datalist>`.
 */
import type { Media } from './state.js';

export async function suggestions(_media: Media, _prefix: string, _signal: AbortSignal): Promise<string[]> {
  return [];
}
