import { DrizzleQueryError } from 'drizzle-orm/errors';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, loggablePath } from './logger.js';

afterEach(() => vi.restoreAllMocks());

describe('logger redaction', () => {
  it('keeps the bound values of a failed query out of the log', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    const err = new DrizzleQueryError(
      'select * from api_token where token_hash = $1 and email = $2',
      ['9f86d081884c7d659a2feaa0c55ad015', 'dev@example.org'],
      new Error('boom'),
    );
    createLogger({ request_id: 'r' }).error('unhandled error', { error: err.message });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('9f86d081884c7d659a2feaa0c55ad015');
    expect(lines[0]).not.toContain('dev@example.org');
    expect(JSON.parse(lines[0]).error).toBe(
      'Failed query: select * from api_token where token_hash = $1 and email = $2\nparams: [redacted]',
    );
  });

  it('masks the verification code in paths', () => {
    expect(loggablePath('/v1/auth_tokens/verify/abc-DEF_123/')).toBe('/v1/auth_tokens/verify/[redacted]/');
    expect(loggablePath('/v1/images/')).toBe('/v1/images/');
  });
});
