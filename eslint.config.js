import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'var', 'dist', 'web/dist', 'test-artifacts', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Only commands, reactions and the composition root use the database; the rest names its types at most.
    files: ['src/**/*.ts'],
    ignores: ['src/db/**', 'src/commands/**', 'src/reactions/**', 'src/main.ts', 'src/service.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/db/**'], allowTypeImports: true, message: 'Reach the database through a command, a reaction, or reads() from src/commands/context.' }] },
      ],
    },
  },
  {
    // The domain is pure rules and the model: nothing from the database, the edges or the road network.
    files: ['src/domain/**/*.ts', 'src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/db/**', '**/http/**', '**/realtime/**', '**/commands/**', '**/reactions/**'], message: 'domain/ and protocol/ import only from domain/, protocol/ and the solver.' }] }],
    },
  },
  {
    // The pages share wire types with the service only through src/protocol and src/domain.
    files: ['web/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/src/db/**', '**/src/http/**'], message: 'web/ takes wire types from src/protocol or src/domain.' }] }],
    },
  },
  {
    // The solver is a pure library: no I/O, no clock, no environment, nothing from the service.
    files: ['solver/**/*.ts'],
    ignores: ['solver/worker.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'net', 'http', 'path', 'os', 'child_process', '**/src/**', '**/web/**'] }],
      'no-restricted-globals': ['error', 'process', 'Date', 'performance', 'setTimeout', 'setInterval'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use the seeded RNG.' }],
    },
  },
);
