import type pg from 'pg';
import type { MediaType } from '../model/record.js';
import { sourceInfo } from '../model/sources.js';

/** Adds sources a refresh saw for the first time to `content_provider`. */
export async function upsertSources(client: pg.ClientBase, mediaType: MediaType, seen: Map<string, number>): Promise<void> {
  const rows = [...seen.keys()].map((id) => {
    const info = sourceInfo(id);
    return { provider_identifier: id, media_type: mediaType, provider_name: info.name, domain_name: info.url };
  });
  if (rows.length === 0) return;
  await client.query(
    `insert into content_provider (provider_identifier, media_type, provider_name, domain_name)
     select provider_identifier, media_type, provider_name, domain_name
       from json_populate_recordset(null::content_provider, $1::json)
     on conflict (provider_identifier, media_type) do nothing`,
    [JSON.stringify(rows)],
  );
}
