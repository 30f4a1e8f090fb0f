/**
 * Every query parameter of every media route is capped: an over-long value is a 400
 * naming the field, never read whole, echoed back or sent to the engine.
 */
import { describe, expect, it } from 'vitest';
import { getJson } from '../../test-helpers.js';
import { OembedQuerySchema } from './oembed.js';
import { AudioSearchQuerySchema, ImageSearchQuerySchema } from './schema.js';

const LONG = 'a'.repeat(5000);

describe.each([
  ['/v1/images/', ImageSearchQuerySchema.shape],
  ['/v1/audio/', AudioSearchQuerySchema.shape],
  ['/v1/images/oembed/?url=x&', OembedQuerySchema.shape],
])('%s', (path, shape) => {
  // `format` is negotiated before validation: any unknown value is a 404 (§2.1).
  const names = Object.keys(shape).filter((name) => name !== 'format');
  it.each(names)('refuses a 5000-character %s with a 400 naming it', async (name) => {
    const sep = path.includes('?') ? '' : '?';
    const { body } = await getJson(`${path}${sep}${name}=${LONG}`, 400);
    expect(Object.keys(body.detail)).toContain(name);
    expect(JSON.stringify(body).length).toBeLessThan(1000);
  });
});

describe('q', () => {
  it('is still cut silently at 200 characters up to the cap', async () => {
    await getJson(`/v1/images/?q=${'a'.repeat(1000)}`, 200);
  });
});

it('GET /healthcheck/ caps check_es too', async () => {
  const { body } = await getJson(`/healthcheck/?check_es=${LONG}`, 400);
  expect(body.detail.check_es).toEqual(['Ensure this field has no more than 1000 characters.']);
});
