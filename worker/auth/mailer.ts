/**
 * Verification mail. Locally (no `MAIL_WEBHOOK_URL`, ENVIRONMENT neither production nor
 * staging) the mail is logged with its link so a developer can click it; deployed, it is
 * posted to the configured mail webhook (e.g. a transactional mail provider's HTTP API).
 * The link is a one-time secret: it is never logged by a deployed Worker.
 */
import { VERIFICATION_CODE_DAYS } from '../db/api-keys.js';
import type { Config } from '../env.js';
import type { Logger } from '../middleware/logger.js';

export interface VerificationMail {
  to: string;
  name: string;
  link: string;
}

export const VERIFICATION_SUBJECT = 'Verify your API credentials';

/** Controls, separators and bidi overrides in a registrant's text: shown as spaces. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/**
 * The mail's text. Anyone can register with any recipient, so what the registrant
 * typed (the application name) never opens the mail or a line of its own: it comes
 * last, on one line, quoted and marked as theirs, after our own words and the link.
 */
export function verificationMailText(mail: Pick<VerificationMail, 'name' | 'link'>): string {
  const name = mail.name.replace(UNPRINTABLE, ' ').trim();
  return [
    'Someone registered an Edgeverse API key with this e-mail address.',
    `To verify it, open this link within ${VERIFICATION_CODE_DAYS} days:`,
    '',
    mail.link,
    '',
    'If it was not you, ignore this mail: nothing happens without the link.',
    '',
    `Application name, as the registrant gave it: "${name}"`,
    '',
  ].join('\n');
}

export async function sendVerificationMail(mail: VerificationMail, config: Config, log: Logger): Promise<void> {
  const body = verificationMailText(mail);
  if (config.MAIL_WEBHOOK_URL) {
    try {
      const res = await fetch(config.MAIL_WEBHOOK_URL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ to: mail.to, subject: VERIFICATION_SUBJECT, text: body }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) log.error('verification mail refused', { status: res.status });
    } catch (err) {
      // Mail failures are logged, not surfaced: the key works without verification.
      log.error('verification mail failed', { error: (err as Error).message });
    }
    return;
  }
  if (config.ENVIRONMENT === 'production' || config.ENVIRONMENT === 'staging') {
    log.warn('no mail webhook configured; verification mail not sent', { to_domain: mail.to.split('@')[1] });
    return;
  }
  // Warn, not info: locally this line is the delivery, and it must show at any log level.
  log.warn('verification mail (local: not sent)', { to: mail.to, subject: VERIFICATION_SUBJECT, verify_url: mail.link });
}
