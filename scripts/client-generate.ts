/**
 * `npm run client:generate`: writes client/schema.d.ts, the typed client's types, from the
 * Worker's OpenAPI document (worker/app.ts `openApiDocumentOf`), built in this process
 * without a server. `npm run check:client-fresh` (scripts/ci/client-fresh.ts) fails CI
 * when the committed file differs from what this makes now.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';
import { createApp, openApiDocumentOf } from '../worker/app.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLIENT_SCHEMA_FILE = path.join(ROOT, 'client', 'schema.d.ts');

const HEADER = `${COMMENT_HEADER.trimEnd()}\n// Source: the Worker's OpenAPI document (worker/app.ts). Regenerate with \`npm run client:generate\`.\n\n`;

/** The text of client/schema.d.ts for the app as it is now. */
export async function generateClientSchema(): Promise<string> {
  const document = openApiDocumentOf(createApp()) as unknown as OpenAPI3;
  const ast = await openapiTS(document, { silent: true, alphabetize: false });
  return `${HEADER}${astToString(ast)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await generateClientSchema();
  writeFileSync(CLIENT_SCHEMA_FILE, text);
  console.log(`client:generate: wrote ${path.relative(process.cwd(), CLIENT_SCHEMA_FILE)} (${text.split('\n').length} lines)`);
}
