/** The values the global setup (test/global-setup.ts) provides to every test file. */
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    embeddedPostgres: boolean;
    meiliUrl: string;
    meiliMasterKey: string;
    meiliSearchKey: string;
    indexPrefix: string;
    bridgeUrl: string;
    /** `colors`: per palette name, the images a default search shows whose dominant colours include it (sorted ids). */
    fixture: { images: number; audio: number; realRows: number; deadImageId: string | null; colors: Record<string, string[]> };
    mediaUrl: string;
    /** A port that accepts connections and never answers (link-check timeouts). */
    silentUrl: string;
    /** The fixture's documents on a three-node Meilisearch network (test/sharded-copy.ts). */
    network: {
      urls: string[];
      masterKey: string;
      searchKey: string;
      /** Index prefix of the copy: its served names are `<prefix>images` and `<prefix>audio`. */
      indexPrefix: string;
      /** The generation index and the node names per shard (what the ingest's switch records). */
      live: Record<'image' | 'audio', { index: string; shards: string[][] }>;
      /** Documents per node and media type. */
      counts: Record<string, Record<'image' | 'audio', number>>;
    };
  }
}
