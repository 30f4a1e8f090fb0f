import type { Caller } from './auth/caller.js';
import type { Database } from './db/media.js';
import type { Config } from './env.js';
import type { Logger } from './middleware/logger.js';
import type { SearchEngine } from './search/meili.js';

/** Per-request services put on `c.var` by the services middleware. */
export interface AppVariables {
  config: Config;
  requestId: string;
  log: Logger;
  engine: SearchEngine;
  /** The client address and, with a valid token, its API application. */
  caller: Caller;
  /** Opens the Postgres connection on first use; closed when the request ends. */
  db: () => Database;
}

export interface AppEnv {
  /** Generated from wrangler.toml (`npm run types`, worker/worker-configuration.d.ts). */
  Bindings: Env;
  Variables: AppVariables;
}
