/**
 * The typed Edgeverse client: `openapi-fetch` over the types generated from the API's own
 * OpenAPI document (client/schema.d.ts, `npm run client:generate`; CI fails when they are
 * stale). The search page (web/) is its first user; any front end can import it:
 *
 *   const api = createEdgeverseClient({ baseUrl: 'https://api.example.org' });
 *   const { data, error, response } = await api.GET('/v1/images/', { params: { query: { q: 'cat', license: 'by,cc0' } } });
 *
 * List parameters (`license`, `source`, `category`, …) are comma-separated strings, as
 * in the Openverse API. Every call resolves (never throws for an HTTP status): `data` on a
 * 2xx, else `error` (the API's `{ detail }` body) with `response` for its status and
 * headers (`Retry-After` on a 429).
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.js';

export type { components, operations, paths };
export type Schemas = components['schemas'];
export type Image = Schemas['Image'];
export type Audio = Schemas['Audio'];
export type ImageSearch = Schemas['ImageSearch'];
export type AudioSearch = Schemas['AudioSearch'];
export type SourceStats = Schemas['SourceStats'];
/** The one error shape of the API: a message, or messages per parameter. */
export type ApiErrorBody = Schemas['Error'];
export type ImageSearchQuery = NonNullable<operations['image_search']['parameters']['query']>;
export type AudioSearchQuery = NonNullable<operations['audio_search']['parameters']['query']>;
export type ReportReason = Schemas['Report']['reason'];

export type EdgeverseClient = Client<paths>;

/**
 * A client for the API at `baseUrl` (default: this page's origin, for a page served by
 * the Worker itself). Other `openapi-fetch` options (headers such as `Authorization`,
 * a custom `fetch`) pass through.
 */
export function createEdgeverseClient(options: ClientOptions = {}): EdgeverseClient {
  return createClient<paths>({ baseUrl: '', ...options });
}
