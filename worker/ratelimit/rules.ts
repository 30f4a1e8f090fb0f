/**
 * Throttle scopes and rates (§8.5), configurable by environment. Rates are written as
 * Openverse writes them: `N/<period>` where only the period's first letter counts.
 */
import type { Caller } from '../auth/caller.js';

export interface Rule {
  /** Scope name, used in `X-RateLimit-*-<scope>` headers and as the counter key. */
  scope: string;
  limit: number;
  windowMs: number;
}

/** A rule applied to one counter identity (an address or a client id). */
export interface Budget {
  identity: string;
  rules: Rule[];
  /** What the budget protects: decides what happens when the limiter cannot be asked. */
  kind: BudgetKind;
}

/**
 * `anonymous`: an address's search budget; `key`: an API key's quota; `route`: the
 * per-address limits of single routes (rate_limit, token, audio media); `register`:
 * registrations (address and key); `mail`: verification mails per recipient;
 * `token_lookup`: database lookups of unknown tokens.
 */
export type BudgetKind = 'anonymous' | 'key' | 'route' | 'register' | 'mail' | 'token_lookup';

/**
 * Which kinds are refused while the rate-limit Durable Object fails (`THROTTLE_FAIL_CLOSED`,
 * comma-separated kinds). By default an outage must not take anonymous search or the
 * cheap routes down (they fail open), while what a limit exists to stop fails closed:
 * key quotas are exact by contract, registrations and mails reach third parties, and an
 * unchecked token lookup is database load (closed there means: served as anonymous).
 */
export const DEFAULT_FAIL_CLOSED = 'key,register,mail,token_lookup';

export function failsClosed(kind: BudgetKind, config: RateConfig): boolean {
  return (config.THROTTLE_FAIL_CLOSED ?? DEFAULT_FAIL_CLOSED)
    .split(',')
    .map((s) => s.trim())
    .includes(kind);
}

const PERIOD_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseRate(scope: string, rate: string): Rule | null {
  const m = /^\s*(\d+)\s*\/\s*([smhd])/i.exec(rate);
  if (!m) return null;
  return { scope, limit: Number(m[1]), windowMs: PERIOD_MS[m[2].toLowerCase()] };
}

export interface RateConfig {
  THROTTLE_ANON_BURST?: string;
  THROTTLE_ANON_SUSTAINED?: string;
  THROTTLE_ANON_THUMBS?: string;
  THROTTLE_OAUTH2_THUMBS?: string;
  THROTTLE_STANDARD_BURST?: string;
  THROTTLE_STANDARD_SUSTAINED?: string;
  THROTTLE_ENHANCED_BURST?: string;
  THROTTLE_ENHANCED_SUSTAINED?: string;
  THROTTLE_AUDIO_MEDIA?: string;
  THROTTLE_RATE_LIMIT?: string;
  THROTTLE_REGISTER?: string;
  THROTTLE_TOKEN?: string;
  THROTTLE_TOKEN_LOOKUP?: string;
  THROTTLE_MAIL_RECIPIENT?: string;
  THROTTLE_FAIL_CLOSED?: string;
  /** Comma-separated addresses that skip anonymous limits (Openverse's `ip-whitelist`). */
  THROTTLE_ALLOWLIST?: string;
}

export const DEFAULT_RATES = {
  THROTTLE_ANON_BURST: '5/hour',
  THROTTLE_ANON_SUSTAINED: '100/day',
  THROTTLE_ANON_THUMBS: '150/minute',
  THROTTLE_OAUTH2_THUMBS: '500/minute',
  THROTTLE_STANDARD_BURST: '100/min',
  THROTTLE_STANDARD_SUSTAINED: '10000/day',
  THROTTLE_ENHANCED_BURST: '200/min',
  THROTTLE_ENHANCED_SUSTAINED: '20000/day',
  THROTTLE_AUDIO_MEDIA: '1000/min',
  THROTTLE_RATE_LIMIT: '1/second',
  THROTTLE_REGISTER: '10/day',
  /** `POST /v1/auth_tokens/token/` per address: each checks credentials in the database. */
  THROTTLE_TOKEN: '30/minute',
  /**
   * Database lookups of bearer tokens this isolate does not know, per address. A client
   * with a real token needs one lookup per isolate per 30 s; random tokens stop here.
   */
  THROTTLE_TOKEN_LOOKUP: '30/minute',
  /** Verification mails to one recipient address (whoever registers): each carries a registrant's text. */
  THROTTLE_MAIL_RECIPIENT: '3/day',
} as const;

/**
 * Routes with their own per-address limits, each with its own counter (the original
 * shared one counter between them, §8.5 quirk).
 */
export type RouteClass = 'default' | 'image_thumb' | 'audio_media' | 'rate_limit' | 'register' | 'token';

/**
 * Routes whose permission check needs a valid key (`GET /v1/rate_limit/` answers 403
 * without one). Openverse (Django REST framework) authenticates, then checks
 * permissions, then throttles: a request refused for permission spends no budget.
 */
export function permittedToCount(route: RouteClass, caller: Caller): boolean {
  return route !== 'rate_limit' || !!caller.application;
}

const FIXED: Record<Exclude<RouteClass, 'default' | 'image_thumb'>, keyof typeof DEFAULT_RATES> = {
  audio_media: 'THROTTLE_AUDIO_MEDIA',
  rate_limit: 'THROTTLE_RATE_LIMIT',
  register: 'THROTTLE_REGISTER',
  token: 'THROTTLE_TOKEN',
};

function rule(config: RateConfig, key: keyof typeof DEFAULT_RATES, scope: string): Rule[] {
  const parsed = parseRate(scope, config[key] ?? DEFAULT_RATES[key]);
  return parsed ? [parsed] : [];
}

/** The per-address budget of unknown-token lookups (not allow-listed addresses: they are ours). */
export function tokenLookupBudget(ip: string, config: RateConfig): Budget | null {
  if (isAllowlisted(ip, config)) return null;
  const rules = rule(config, 'THROTTLE_TOKEN_LOOKUP', 'token_lookup');
  return rules.length ? { identity: `ip:${ip}`, rules, kind: 'token_lookup' } : null;
}

/** Verification mails to one recipient, whoever asks (`recipientDigest`: a digest of the lowercased address). */
export function mailRecipientBudget(recipientDigest: string, config: RateConfig): Budget | null {
  const rules = rule(config, 'THROTTLE_MAIL_RECIPIENT', 'verification_mail');
  return rules.length ? { identity: `mail:${recipientDigest}`, rules, kind: 'mail' } : null;
}

function isAllowlisted(ip: string, config: RateConfig): boolean {
  return (config.THROTTLE_ALLOWLIST ?? '')
    .split(',')
    .map((s) => s.trim())
    .includes(ip);
}

/**
 * The budgets a request draws on. Anonymous-style limits apply unless the caller holds
 * a verified key (or its address is allow-listed); key limits follow the key's model.
 * An unverified key is throttled both ways (§8.5).
 */
export function budgetsFor(caller: Caller, route: RouteClass, config: RateConfig): Budget[] {
  const app = caller.application;
  const allowlisted = isAllowlisted(caller.ip, config);
  const anonymousStyle = !app?.verified && !allowlisted;
  const ipIdentity = `ip:${caller.ip}`;
  if (route === 'register') {
    // Every registration mails someone: a key, even a verified one, does not lift the
    // address's limit (Openverse's does), and a key has a limit of its own too.
    const budgets: Budget[] = allowlisted
      ? []
      : [{ identity: ipIdentity, rules: rule(config, 'THROTTLE_REGISTER', 'register'), kind: 'register' }];
    if (app)
      budgets.push({ identity: `client:${app.client_id}`, rules: rule(config, 'THROTTLE_REGISTER', 'register_key'), kind: 'register' });
    return budgets.filter((b) => b.rules.length > 0);
  }
  if (route !== 'default' && route !== 'image_thumb') {
    return anonymousStyle ? [{ identity: ipIdentity, rules: rule(config, FIXED[route], route), kind: 'route' }] : [];
  }
  const budgets: Budget[] = [];
  if (anonymousStyle) {
    budgets.push({
      identity: ipIdentity,
      kind: 'anonymous',
      rules:
        route === 'image_thumb'
          ? rule(config, 'THROTTLE_ANON_THUMBS', 'anon_thumbnail')
          : [...rule(config, 'THROTTLE_ANON_BURST', 'anon_burst'), ...rule(config, 'THROTTLE_ANON_SUSTAINED', 'anon_sustained')],
    });
  }
  if (app && app.rate_limit_model !== 'exempt') {
    const rules =
      route === 'image_thumb'
        ? app.rate_limit_model === 'standard'
          ? rule(config, 'THROTTLE_OAUTH2_THUMBS', 'oauth2_client_credentials_thumbnail')
          : []
        : app.rate_limit_model === 'enhanced'
          ? [
              ...rule(config, 'THROTTLE_ENHANCED_BURST', 'enhanced_oauth2_client_credentials_burst'),
              ...rule(config, 'THROTTLE_ENHANCED_SUSTAINED', 'enhanced_oauth2_client_credentials_sustained'),
            ]
          : [
              ...rule(config, 'THROTTLE_STANDARD_BURST', 'oauth2_client_credentials_burst'),
              ...rule(config, 'THROTTLE_STANDARD_SUSTAINED', 'oauth2_client_credentials_sustained'),
            ];
    if (rules.length) budgets.push({ identity: `client:${app.client_id}`, rules, kind: 'key' });
  }
  return budgets.filter((b) => b.rules.length > 0);
}
