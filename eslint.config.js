// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const platformSdks = ['grammy', 'grammy/*', '@grammyjs/*', 'matrix-js-sdk', 'matrix-js-sdk/*'];

/** @typedef {{ group: string[], message: string }} Forbidden */
/** @type {Forbidden} */
const sdk = { group: platformSdks, message: 'Only src/adapters/* may import a platform SDK.' };
/** @type {Forbidden} */
const adapters = { group: ['**/adapters/**'], message: 'Only src/app.ts wires adapters in.' };
/** @type {Forbidden} */
const redis = {
  group: ['ioredis', 'bullmq'],
  message: 'The core imports no Redis client: src/infra/redis/ and src/queue/ hold it.',
};
/** @type {Forbidden} */
const staffAndQueues = {
  group: ['**/staff/**', '**/queue/**'],
  message: 'The core knows nothing of the staff side; it hands reports over through ports.',
};
/** @type {Forbidden} */
const infra = {
  group: ['**/infra/**'],
  message: 'Infrastructure implements the ports; only src/app.ts picks it.',
};
/** @type {Forbidden} */
const web = {
  group: ['**/web/**'],
  message: 'Only the composition (src/main.ts, src/app.ts, src/staff-cli.ts) uses the staff inbox.',
};
/** @type {Forbidden} */
const flows = {
  group: ['**/flows/**'],
  message: 'The staff inbox works through the staff desk, never the conversation flows.',
};
/** @type {(name: string) => Forbidden} */
const otherAdapter = (name) => ({
  group: [`../${name}/**`, `**/adapters/${name}/**`],
  message:
    'Adapters do not import each other; shared code lives in src/adapters/channel.ts or the core.',
});
/** @type {(files: string[], patterns: Forbidden[]) => import('eslint').Linter.Config} */
const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Layers visible in imports (docs/ARCHITECTURE.md, "The map"). Each folder lists what it must
  // not reach; one block per folder, because a later block replaces an earlier one's rule.
  layer(['src/bot/**'], [sdk, adapters, redis, staffAndQueues, infra, web]),
  layer(
    ['src/flows/**'],
    [
      sdk,
      adapters,
      redis,
      staffAndQueues,
      infra,
      web,
      { group: ['pino'], message: 'Flows are pure: no I/O.' },
    ],
  ),
  layer(['src/staff/**', 'src/queue/**'], [sdk, adapters, infra, web]),
  layer(['src/web/**'], [sdk, adapters, flows]),
  layer(['src/infra/**'], [sdk, adapters, staffAndQueues, web]),
  // Effect handlers reach Redis, the queues and the staff desk only through their ports.
  layer(['src/effects/**'], [sdk, adapters, redis, infra, web]),
  layer(['src/adapters/telegram/**'], [otherAdapter('matrix'), otherAdapter('console')]),
  layer(['src/adapters/matrix/**'], [otherAdapter('telegram'), otherAdapter('console')]),
  layer(['src/adapters/console/**'], [otherAdapter('telegram'), otherAdapter('matrix')]),
  {
    // The inbox's small browser scripts: plain JavaScript, served as they are (no build step).
    files: ['src/web/assets/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, program: null },
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        fetch: 'readonly',
        EventSource: 'readonly',
      },
    },
  },
  {
    // The console adapter and the command-line scripts talk to the terminal on purpose.
    files: ['src/adapters/console/**', 'scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  { files: ['eslint.config.js', 'bin/**'], ...tseslint.configs.disableTypeChecked },
  {
    // Plain JavaScript that must run on any Node to explain a too-old one.
    files: ['bin/**'],
    languageOptions: { globals: { process: 'readonly' } },
  },
);
