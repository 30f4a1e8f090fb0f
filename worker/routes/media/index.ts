/**
 * The sub-app of one media type (`/v1/images`, `/v1/audio`): search, collections,
 * stats, oEmbed (images), related, reports, thumbnails and detail.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MediaType } from '../../../model/record.js';
import { mediaValidationHook } from '../../validation.js';
import type { AppEnv } from '../../types.js';
import { registerCollections } from './collections.js';
import { registerDetail } from './detail.js';
import { registerExport } from './export.js';
import { registerOembed } from './oembed.js';
import { registerRelated } from './related.js';
import { registerReport } from './report.js';
import { registerThumb } from './thumb.js';
import { registerWatermark } from './watermark.js';
import { registerWaveform } from './waveform.js';
import { registerSearch } from './search.js';
import { registerStats } from './stats.js';
import { registerSuggest } from './suggest.js';

export function createMediaApp(mediaType: MediaType) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: mediaValidationHook });
  registerSearch(app, mediaType);
  registerCollections(app, mediaType);
  // Literal segments (`stats`, `suggest`, `oembed`) before `{identifier}`: the detail route would
  // otherwise take them and answer 404 for a malformed identifier.
  registerStats(app, mediaType);
  registerSuggest(app, mediaType);
  registerExport(app, mediaType);
  if (mediaType === 'image') registerOembed(app);
  registerRelated(app, mediaType);
  registerReport(app, mediaType);
  registerThumb(app, mediaType);
  if (mediaType === 'audio') registerWaveform(app);
  if (mediaType === 'image') registerWatermark(app);
  registerDetail(app, mediaType);
  return app;
}
