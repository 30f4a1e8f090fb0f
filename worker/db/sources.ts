/**
 * Reads of `content_provider`, the sources table `/stats/` lists (§7.3).
 */
import { and, asc, eq } from 'drizzle-orm';
import { contentProvider } from '../../drizzle/schema.js';
import type { MediaType } from '../../model/record.js';
import type { Database } from './media.js';

export interface SourceRow {
  provider_identifier: string;
  provider_name: string;
  domain_name: string | null;
  logo_url: string | null;
}

/** Sources of one media type that are not hidden (`filter_content`), by identifier. */
export async function listVisibleSources(db: Database, mediaType: MediaType): Promise<SourceRow[]> {
  return db
    .select({
      provider_identifier: contentProvider.provider_identifier,
      provider_name: contentProvider.provider_name,
      domain_name: contentProvider.domain_name,
      logo_url: contentProvider.logo_url,
    })
    .from(contentProvider)
    .where(and(eq(contentProvider.media_type, mediaType), eq(contentProvider.filter_content, false)))
    .orderBy(asc(contentProvider.provider_identifier));
}
