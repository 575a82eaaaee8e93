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

/**
 * The text of `.env.example`, derived from the config schema: for each variable its description,
 * the values it takes, its default, and the line to set it (commented out where a default exists).
 */
export function renderEnvExample(schema: z.ZodObject = configSchema): string {
  const fields = Object.entries(schema.shape) as [string, z.ZodType][];
  const blocks = fields.map(([key, field]) => {
    const lines: string[] = [];
    if (field.description !== undefined) lines.push(`# ${field.description}`);
    const hasDefault = field instanceof z.ZodDefault;
    const inner = hasDefault ? (field.unwrap() as z.ZodType) : field;
    const values = expected(inner);
    if (values !== undefined) lines.push(`# ${values}`);
    if (hasDefault) {
      const value = String(field.def.defaultValue);
      lines.push(`# default: ${value}`, `# ${key}=${value}`);
    } else {
      lines.push(`${key}=`);
    }
    return lines.join('\n');
  });
  return `${[HEADER.join('\n'), ...blocks].join('\n\n')}\n`;
}
