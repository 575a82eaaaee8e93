import { z } from 'zod';
import { configSchema } from './schema.ts';

/** Where the generated example lives, relative to the project root. */
export const ENV_EXAMPLE_FILE = '.env.example';

const HEADER = [
  '# Lotse configuration: every setting it reads from the environment.',
  '# Generated from src/config/schema.ts by `npm run env:example`; do not edit by hand.',
  '# Copy it to .env and uncomment what you change. Variables set in the real environment win',
  '# over .env. Lotse checks every value at start and names any variable it cannot use.',
];

/** What values a setting takes, in words, when the schema says more than "text". */
function expected(schema: z.ZodType): string | undefined {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional)
    return expected(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodPipe) return expected(schema.in as z.ZodType);
  if (schema instanceof z.ZodEnum) return `one of: ${schema.options.join(', ')}`;
  if (schema instanceof z.ZodNumber) {
    const kind = schema.format?.includes('int') ? 'a whole number' : 'a number';
    const { minValue: min, maxValue: max } = schema;
    if (min !== null && max !== null && Number.isFinite(min) && Number.isFinite(max))
      return `${kind} from ${min} to ${max}`;
    return kind;
  }
  return undefined;
}

/** How a setting may be left out: with a default, as optional, or not at all. */
type Omission =
  | { readonly kind: 'default'; readonly value: string }
  | { readonly kind: 'optional' }
  | { readonly kind: 'required' };

function omission(schema: z.ZodType): Omission {
  if (schema instanceof z.ZodDefault)
    return { kind: 'default', value: String(schema.def.defaultValue) };
  if (schema instanceof z.ZodOptional) return { kind: 'optional' };
  // A transform after a default (e.g. a comma-separated list) keeps the default of its input.
  if (schema instanceof z.ZodPipe) return omission(schema.in as z.ZodType);
  return { kind: 'required' };
}

/**
 * The text of `.env.example`, derived from the config schema: for each variable its description,
 * the values it takes, its default, and the line to set it – commented out unless it is required.
 */
export function renderEnvExample(schema: z.ZodObject = configSchema): string {
  const fields = Object.entries(schema.shape) as [string, z.ZodType][];
  const blocks = fields.map(([key, field]) => {
    const lines: string[] = [];
    if (field.description !== undefined) lines.push(`# ${field.description}`);
    const values = expected(field);
    if (values !== undefined) lines.push(`# ${values}`);
    const left = omission(field);
    switch (left.kind) {
      case 'default':
        lines.push(
          `# default: ${left.value === '' ? '(empty)' : left.value}`,
          `# ${key}=${left.value}`,
        );
        break;
      case 'optional':
        lines.push('# optional: unset by default', `# ${key}=`);
        break;
      case 'required':
        lines.push(`${key}=`);
    }
    return lines.join('\n');
  });
  return `${[HEADER.join('\n'), ...blocks].join('\n\n')}\n`;
}
