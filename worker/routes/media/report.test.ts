import { describe, expect, it } from 'vitest';
import { getJson } from '../../test-helpers.js';

const post = (body: unknown, type = 'application/json') => ({
  method: 'POST',
  headers: { 'Content-Type': type },
  body: type === 'application/json' ? JSON.stringify(body) : new URLSearchParams(body as Record<string, string>).toString(),
});

describe.each(['images', 'audio'])('POST /v1/%s/{id}/report/', (path) => {
  async function someId() {
    const { body } = await getJson(`/v1/${path}/?page_size=1`);
    return body.results[0].id as string;
  }

  it('files a report and answers 201 with what was filed', async () => {
    const id = await someId();
    const { body } = await getJson(`/v1/${path}/${id}/report/`, 201, post({ reason: 'mature', identifier: 'ignored' }));
    expect(body).toEqual({ identifier: id, reason: 'mature', description: null });
    const again = await getJson(`/v1/${path}/${id}/report/`, 201, post({ reason: 'mature' }));
    expect(again.body.identifier).toBe(id);
    const form = await getJson(
      `/v1/${path}/${id}/report/`,
      201,
      post({ reason: 'dmca', description: 'I own this photo.' }, 'application/x-www-form-urlencoded'),
    );
    expect(form.body).toEqual({ identifier: id, reason: 'dmca', description: 'I own this photo.' });
  });

  it.each([
    [{ reason: 'other', description: 'too short' }, { non_field_errors: ['Description must be at least be 20 characters long'] }],
    [{ reason: 'other' }, { non_field_errors: ['Description must be at least be 20 characters long'] }],
    [{ reason: 'other', description: null }, { non_field_errors: ['Description must be at least be 20 characters long'] }],
    [{ reason: 'spam' }, { reason: ['"spam" is not a valid choice.'] }],
    [{}, { reason: ['This field is required.'] }],
    [{ reason: 'mature', description: 'x'.repeat(501) }, { description: ['Ensure this field has no more than 500 characters.'] }],
  ])('refuses %o', async (body, detail) => {
    const { body: res } = await getJson(`/v1/${path}/${await someId()}/report/`, 400, post(body));
    expect(res).toEqual({ detail });
  });

  it('answers 404 for unknown or malformed ids and 415 for other bodies', async () => {
    await getJson(`/v1/${path}/4bc43a04-ef46-4544-a0c1-63c63f56e276/report/`, 404, post({ reason: 'mature' }));
    await getJson(`/v1/${path}/nope/report/`, 404, post({ reason: 'mature' }));
    await getJson(`/v1/${path}/${await someId()}/report/`, 415, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'mature',
    });
    await getJson(`/v1/${path}/${await someId()}/report/`, 413, post({ reason: 'other', description: 'x'.repeat(80_000) }));
  });
});
