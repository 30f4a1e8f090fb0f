import { describe, expect, it } from 'vitest';
import { checkEnv } from '../env.js';
import type { Logger } from '../middleware/logger.js';
import { sendVerificationMail, verificationMailText } from './mailer.js';

describe('verification mail text', () => {
  const link = 'https://api.example/v1/auth_tokens/verify/abc/';

  it("opens with our words, never the registrant's, and keeps their text on one marked line", () => {
    const name = 'URGENT: your account is locked\r\n\r\nLog in at https://evil.example\u2028now\u202e';
    const lines = verificationMailText({ name, link }).split('\n');
    expect(lines[0]).toBe('Someone registered an Edgeverse API key with this e-mail address.');
    expect(lines.indexOf(link)).toBeLessThan(lines.findIndex((l) => l.includes('URGENT')));
    const named = lines.filter((l) => l.includes('URGENT') || l.includes('evil.example'));
    expect(named).toEqual([
      'Application name, as the registrant gave it: "URGENT: your account is locked Log in at https://evil.example now"',
    ]);
  });
});

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
