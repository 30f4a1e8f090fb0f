/**
 * Structured JSON logs, one object per line, each carrying the request id. Values are
 * passed through `redact` so secrets never reach the log stream.
 */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const SECRET_KEYS = /key|secret|token|password|authorization|database_url/i;
/** drizzle's failed-query text ends with the bound values: token digests, e-mails, codes. */
const QUERY_PARAMS = /\nparams: [\s\S]*$/;

export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = SECRET_KEYS.test(k) ? '[redacted]' : typeof v === 'string' ? v.replace(QUERY_PARAMS, '\nparams: [redacted]') : v;
  }
  return out;
}

/** Path segments that are secrets (the one-time verification code): kept out of request logs. */
const SECRET_PATH = /^(\/v1\/auth_tokens\/verify\/)[^/]+/;

export function loggablePath(pathname: string): string {
  return pathname.replace(SECRET_PATH, '$1[redacted]');
}

export type LogLevel = 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { info: 0, warn: 1, error: 2 };

export function createLogger(base: Record<string, unknown>, minLevel: LogLevel = 'info'): Logger {
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < RANK[minLevel]) return;
    const line = JSON.stringify({ level, msg, ...base, ...(fields ? redact(fields) : {}) });
    // The console method carries the level: wrangler dev and Workers Logs filter on it
    // (a warning written with console.log was hidden at wrangler's `warn` level).
    console[level](line);
  };
  return {
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}
