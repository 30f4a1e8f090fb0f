/**
 * Worker entry: the API app, and the scheduled handler (data refresh dispatch arrives
 * with the ingest task service).
 */
import { createApp } from './app.js';

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Record<string, unknown>>;
