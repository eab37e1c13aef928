import js from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // One block of imports, no blank lines (the house style): side-effect imports first
      // ('reflect-metadata' must load before any decorator runs), then packages (node: builtins
      // sorted among them), then relative paths, farthest first. `eslint --fix` applies it.
      'simple-import-sort/imports': ['error', { groups: [['^\\u0000', '^@?\\w', '^']] }],
    },
  },
);
