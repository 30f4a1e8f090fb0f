// Node module hooks for running the Worker's code outside workerd (bench/search/app-server.ts):
// the files wrangler imports as text (wrangler.toml [[rules]] type = "Text") become string modules.
import { readFile } from 'node:fs/promises';
import { register } from 'node:module';

const TEXT = /(swagger-ui-bundle\.js|swagger-ui\.css)$/;

export async function load(url, context, nextLoad) {
  if (TEXT.test(new URL(url).pathname)) {
    const text = await readFile(new URL(url), 'utf8');
    return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
  }
  return nextLoad(url, context);
}

if (!globalThis.__edgeverseTextHooks) {
  globalThis.__edgeverseTextHooks = true;
  register(import.meta.url);
}
