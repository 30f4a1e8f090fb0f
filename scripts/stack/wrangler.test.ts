// @vitest-environment node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { unstable_readConfig } from 'wrangler';
import { describe, expect, it } from 'vitest';
import { requiredSecrets } from './wrangler.js';

const CONFIG = fileURLToPath(new URL('../../wrangler.toml', import.meta.url));

describe('requiredSecrets', () => {
  it("reads wrangler.toml's required secrets as wrangler does (wrangler dev drops other env-file keys)", () => {
    const config = unstable_readConfig({ config: CONFIG });
    const names = [...requiredSecrets(readFileSync(CONFIG, 'utf8'))];
    expect(names.length).toBeGreaterThan(0);
    expect(names).toEqual(config.secrets?.required);
  });

  it('finds only the top-level table, comments allowed before the list', () => {
    const toml = '[secrets]\n# why\nrequired = ["A", "B"]\n\n[env.staging.secrets]\nrequired = ["C"]\n';
    expect([...requiredSecrets(toml)]).toEqual(['A', 'B']);
    expect(requiredSecrets('[vars]\nA = "1"\n').size).toBe(0);
  });
});
