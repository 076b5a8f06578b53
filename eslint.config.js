// Lint rules for the whole repository; Prettier owns layout, ESLint owns meaning and line length.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'outbox/', 'fixtures/', 'templates/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', Buffer: 'readonly', console: 'readonly' } },
    rules: {
      // Prettier wraps code at 120; strings, comments and patterns it cannot wrap are held here.
      'max-len': ['error', { code: 120, tabWidth: 2 }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-control-regex': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  // The desk's one script runs in the reviewer's browser.
  { files: ['assets/desk/*.js'], languageOptions: { globals: { document: 'readonly', window: 'readonly' } } },
);
