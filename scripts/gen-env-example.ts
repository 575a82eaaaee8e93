/**
 * Writes `.env.example` from the config schema (`npm run env:example`), or with `--check` exits 1
 * when the file on disk differs from what the schema gives (`npm run env:check`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_EXAMPLE_FILE, renderEnvExample } from '../src/config/env-example.ts';

const file = join(import.meta.dirname, '..', ENV_EXAMPLE_FILE);
const wanted = renderEnvExample();

if (process.argv.includes('--check')) {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current !== wanted) {
    console.error(
      current === undefined
        ? `${ENV_EXAMPLE_FILE} is missing: run \`npm run env:example\` and commit it.`
        : `${ENV_EXAMPLE_FILE} is stale: it does not match src/config/schema.ts. Run \`npm run env:example\` and commit the result.`,
    );
    process.exitCode = 1;
  } else {
    console.log(`${ENV_EXAMPLE_FILE} is up to date.`);
  }
} else {
  writeFileSync(file, wanted);
  console.log(`wrote ${ENV_EXAMPLE_FILE}`);
}
