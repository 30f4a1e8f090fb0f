import type pg from 'pg';

/**
 * Runs `fn` inside one transaction on `client`: committed when it resolves, rolled back
 * when it throws (the rollback's own failure is ignored: the first error is the one
 * worth reporting, and a broken connection ends the transaction anyway).
 */
export async function withTransaction<T>(client: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    const result = await fn();
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  }
}
