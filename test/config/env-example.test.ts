import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ENV_EXAMPLE_FILE, renderEnvExample } from '../../src/config/env-example.ts';
import { configSchema } from '../../src/config/schema.ts';

const root = join(import.meta.dirname, '..', '..');

describe('.env.example', () => {
  it('is current with the config schema (run `npm run env:example` when this fails)', () => {
    const onDisk = readFileSync(join(root, ENV_EXAMPLE_FILE), 'utf8');
    expect(onDisk).toBe(renderEnvExample());
  });

  it('lists every variable of the schema with its default', () => {
    const text = renderEnvExample();
    for (const key of Object.keys(configSchema.shape)) expect(text).toMatch(`# ${key}=`);
    expect(text).toContain('# default: redis://127.0.0.1:6379');
  });

  it('comments out optional variables and keeps the default of a transformed list', () => {
    const schema = z.object({
      KEY: z.string().optional().describe('A key.'),
      NAMES: z
        .string()
        .default('')
        .transform((v) => v.split(','))
        .describe('Names.'),
    });
    const text = renderEnvExample(schema);
    expect(text).toContain('# A key.\n# optional: unset by default\n# KEY=\n');
    expect(text).toContain('# Names.\n# default: (empty)\n# NAMES=\n');
  });

  it('writes a variable without a default as a line to fill in', () => {
    const schema = z.object({
      TOKEN: z.string().describe('A secret token.'),
      LEVEL: z.enum(['a', 'b']).default('a').describe('A level.'),
    });
    const text = renderEnvExample(schema);
    expect(text).toContain('# A secret token.\nTOKEN=\n');
    expect(text).toContain('# A level.\n# one of: a, b\n# default: a\n# LEVEL=a\n');
  });
});
