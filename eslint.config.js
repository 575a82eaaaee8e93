// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const platformSdks = ['grammy', 'grammy/*', '@grammyjs/*', 'matrix-js-sdk', 'matrix-js-sdk/*'];

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
  {
    // Layers visible in imports: the core and the flows never touch a platform SDK or an adapter.
    files: ['src/bot/**', 'src/flows/**', 'src/queue/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: platformSdks, message: 'Only src/adapters/* may import a platform SDK.' },
            { group: ['**/adapters/**'], message: 'The core must not depend on an adapter.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/flows/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: platformSdks, message: 'Flows are pure: no platform SDK.' },
            { group: ['**/adapters/**', '**/queue/**'], message: 'Flows are pure.' },
            { group: ['ioredis', 'bullmq', 'pino'], message: 'Flows are pure: no I/O.' },
          ],
        },
      ],
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
