import { describe, expect, it } from 'vitest';
import { verificationMailText } from './mailer.js';

describe('verification mail text', () => {
  const link = 'https://api.example/v1/auth_tokens/verify/abc/';

  it('opens with our words, never the registrant\'s, and keeps their text on one marked line', () => {
    const name = 'URGENT: your account is locked\r\n\r\nLog in at https://evil.example\u2028now\u202e';
    const lines = verificationMailText({ name, link }).split('\n');
    expect(lines[0]).toBe('Someone registered an Edgeverse API key with this e-mail address.');
    expect(lines.indexOf(link)).toBeLessThan(lines.findIndex((l) => l.includes('URGENT')));
    const named = lines.filter((l) => l.includes('URGENT') || l.includes('evil.example'));
    expect(named).toEqual(['Application name, as the registrant gave it: "URGENT: your account is locked Log in at https://evil.example now"']);
  });
});
