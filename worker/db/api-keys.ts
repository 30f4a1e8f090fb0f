/**
 * API applications, verification codes and access tokens in Postgres. Only digests of
 * secrets, codes and tokens are stored.
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import { apiApplication, apiToken, apiVerification } from '../../drizzle/schema.js';
import { randomString, sha256Hex, tokenUrlSafe } from '../auth/secrets.js';
import type { Database } from './media.js';

export type RateLimitModel = 'standard' | 'enhanced' | 'exempt';

export interface Application {
  client_id: string;
  name: string;
  verified: boolean;
  rate_limit_model: RateLimitModel;
}

export async function nameTaken(db: Database, name: string): Promise<boolean> {
  const rows = await db.select({ id: apiApplication.client_id }).from(apiApplication).where(eq(apiApplication.name, name)).limit(1);
  return rows.length > 0;
}

/** Creates an application and its verification code; returns the secrets once. */
export async function registerApplication(
  db: Database,
  input: { name: string; description: string; email: string },
): Promise<{ client_id: string; client_secret: string; code: string } | 'name_taken'> {
  const client_id = randomString(40);
  const client_secret = randomString(128);
  const code = tokenUrlSafe(64);
  const inserted = await db
    .insert(apiApplication)
    .values({ client_id, client_secret_hash: await sha256Hex(client_secret), ...input })
    .onConflictDoNothing({ target: apiApplication.name })
    .returning({ client_id: apiApplication.client_id });
  // A concurrent registration of the same name lost the race: same answer as taken.
  if (inserted.length === 0) return 'name_taken';
  await db.insert(apiVerification).values({ code_hash: await sha256Hex(code), client_id, email: input.email });
  return { client_id, client_secret, code };
}

/** A verification code works this long after registration (the mail says so). */
export const VERIFICATION_CODE_DAYS = 7;

/**
 * Consumes an unexpired code and marks its application verified, in one statement: if
 * anything fails on our side, the code is not spent and the link still works. The
 * client id, or null for unknown, used or expired codes.
 */
export async function verifyCode(db: Database, code: string): Promise<string | null> {
  const codeHash = await sha256Hex(code);
  const rows = await db.execute<{ client_id: string }>(sql`
    with used as (
      delete from ${apiVerification}
       where ${apiVerification.code_hash} = ${codeHash}
         and ${apiVerification.created_on} > now() - make_interval(days => ${VERIFICATION_CODE_DAYS})
      returning ${apiVerification.client_id}
    )
    update ${apiApplication} set verified = true
     where ${apiApplication.client_id} in (select client_id from used)
    returning ${apiApplication.client_id}`);
  return rows.rows[0]?.client_id ?? null;
}

export async function checkClientCredentials(db: Database, clientId: string, secret: string): Promise<Application | null> {
  const rows = await db
    .select()
    .from(apiApplication)
    .where(and(eq(apiApplication.client_id, clientId), eq(apiApplication.client_secret_hash, await sha256Hex(secret))))
    .limit(1);
  const app = rows[0];
  return app
    ? { client_id: app.client_id, name: app.name, verified: app.verified, rate_limit_model: app.rate_limit_model as RateLimitModel }
    : null;
}

/** Access tokens are this many letters and digits: anything else is no token of ours. */
export const ACCESS_TOKEN_LENGTH = 30;

export async function issueToken(db: Database, clientId: string, lifetimeSeconds: number): Promise<string> {
  const token = randomString(ACCESS_TOKEN_LENGTH);
  await db.insert(apiToken).values({
    token_hash: await sha256Hex(token),
    client_id: clientId,
    expires_at: new Date(Date.now() + lifetimeSeconds * 1000).toISOString(),
  });
  return token;
}

/**
 * The application behind an unexpired token (by the token's digest) and when the
 * token expires, or null (unknown and expired alike).
 */
export async function applicationForTokenHash(
  db: Database,
  tokenHash: string,
): Promise<{ application: Application; expiresAt: number } | null> {
  const rows = await db
    .select({
      client_id: apiApplication.client_id,
      name: apiApplication.name,
      verified: apiApplication.verified,
      rate_limit_model: apiApplication.rate_limit_model,
      // Epoch ms: the string form of timestamptz is not one Date.parse reads reliably.
      expires_ms: sql<string>`(extract(epoch from ${apiToken.expires_at}) * 1000)::bigint::text`,
    })
    .from(apiToken)
    .innerJoin(apiApplication, eq(apiApplication.client_id, apiToken.client_id))
    .where(and(eq(apiToken.token_hash, tokenHash), gt(apiToken.expires_at, sql`now()`)))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  const { expires_ms, ...app } = row;
  return { application: { ...app, rate_limit_model: app.rate_limit_model as RateLimitModel }, expiresAt: Number(expires_ms) };
}
