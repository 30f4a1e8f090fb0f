import { describe, expect, it } from 'vitest';
import { checkEnv } from '../env.js';
import type { Logger } from '../middleware/logger.js';
import { sendVerificationMail } from './mailer.js';

const mail = { to: 'someone@example.org', name: 'my app', link: 'https://api.example.org/v1/auth_tokens/verify/one-time-code/' };

function recorder(): { log: Logger; lines: { msg: string; fields?: Record<string, unknown> }[] } {
  const lines: { msg: string; fields?: Record<string, unknown> }[] = [];
  const record = (msg: string, fields?: Record<string, unknown>) => void lines.push({ msg, fields });
  return { log: { info: record, warn: record, error: record }, lines };
}

const configFor = (ENVIRONMENT: string) =>
  checkEnv({ MEILI_URL: 'http://127.0.0.1:7700', MEILI_SEARCH_KEY: 'k', DATABASE_URL: 'postgres://x', ENVIRONMENT });

describe('verification mail without a mail webhook', () => {
  it.each(['production', 'staging'])('is not sent, and its one-time link is not logged, in %s', async (environment) => {
    const { log, lines } = recorder();
    await sendVerificationMail(mail, configFor(environment), log);
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain(mail.link);
  });

  it('is logged with its link locally, where the log line is the delivery', async () => {
    const { log, lines } = recorder();
    await sendVerificationMail(mail, configFor('local'), log);
    expect(lines[0]?.fields?.verify_url).toBe(mail.link);
  });
});
