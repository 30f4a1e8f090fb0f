/**
 * A verified API key for a run's keyed client (the soak's quota client, the export
 * benchmark): registered through the API,
 * verified in the database (what the mailed link does), exchanged for a bearer token.
 */
import pg from 'pg';

export async function verifiedToken(apiUrl: string, databaseUrl: string, name = `soak-${Date.now()}`): Promise<string> {
  const reg = await fetch(`${apiUrl}/v1/auth_tokens/register/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, description: 'Quota client of a reliability run.', email: 'soak@example.org' }),
  });
  if (reg.status !== 201) throw new Error(`registration answered ${reg.status}: ${await reg.text()}`);
  const { client_id, client_secret } = (await reg.json()) as { client_id: string; client_secret: string };
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('update api_application set verified = true where client_id = $1', [client_id]);
  } finally {
    await db.end();
  }
  const tok = await fetch(`${apiUrl}/v1/auth_tokens/token/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id, client_secret }).toString(),
  });
  if (tok.status !== 200) throw new Error(`token answered ${tok.status}: ${await tok.text()}`);
  return ((await tok.json()) as { access_token: string }).access_token;
}
