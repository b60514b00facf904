// Lint, and the architecture's dependency rule (docs/architecture.md#dependency-rule):
//   src/domain imports nothing outside src/domain (and no clock, no randomness);
//   src/application imports src/domain only (plus type-only node built-ins for nothing else);
//   only src/adapters and the composition root (src/main) import frameworks, drivers and clients.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const infrastructure = [
  'express',
  'express/*',
  'inversify',
  'inversify/*',
  'better-sqlite3',
  '@eventstore/*',
  '@grpc/*',
  'undici',
  'undici/*',
  'zod',
  'zod/*',
  'commander',
  'pino',
  'pino/*',
];
const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'http', 'https', 'net', 'child_process', 'path', 'os', 'crypto'];

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'coverage/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      ...restrict(
        [...infrastructure, ...nodeBuiltins, '**/application/**', '**/adapters/**', '**/main/**'],
        'src/domain is pure: it imports only src/domain (and luxon for date arithmetic).',
      ),
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'No clock in the domain: time comes in with the command.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'No clock in the domain: time comes in with the command.',
        },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'No randomness in the domain.' },
        {
          selector: "CallExpression[callee.object.name='DateTime'][callee.property.name='now']",
          message: 'No clock in the domain: time comes in with the command.',
        },
      ],
    },
  },
  {
    files: ['src/application/**/*.ts'],
    rules: restrict(
      [...infrastructure, ...nodeBuiltins, '**/adapters/**', '**/main/**'],
      'src/application imports src/domain only; infrastructure lives in src/adapters.',
    ),
  },
  {
    // tests read JSON answers of the API: `any` there is the shape of an HTTP body, not a hole in the types
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: restrict(['**/main/**'], 'Adapters do not import the composition root.'),
  },
  {
    // plain Node scripts (run on the compiled hub, after `npm run build`)
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    // the console's modules run in the browser: they reach the hub through its REST API only
    files: ['src/adapters/console/public/**/*.js'],
    languageOptions: { globals: globals.browser },
    rules: restrict(['**/domain/**', '**/application/**', '**/adapters/**/*.ts', '**/main/**'], 'The console is a client of the REST API.'),
  },
);
