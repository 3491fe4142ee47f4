// Type-aware lint for the whole monorepo; prettier owns formatting.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.data/**',
      'eslint.config.mjs',
      'apps/web/src/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-extraneous-class': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../libs/*', '../../../libs/*', '**/libs/*/src/*'],
              message: 'Import other libs through their @app/* alias.',
            },
          ],
        },
      ],
    },
  },
  {
    // SQL lives in repositories (docs/architecture.md, "Repositories"); test/architecture.spec.ts
    // checks that each one names only its own library's tables.
    files: ['libs/**/*.ts', 'apps/**/*.ts'],
    ignores: [
      '**/*.repository.ts',
      '**/*.spec.ts',
      '**/*.e2e-spec.ts',
      'libs/testing/**',
      // The database library's own infrastructure: connection checks, the RETURNING helper.
      'libs/database/src/**',
      // The browser app talks GraphQL, not SQL (urql's client.query).
      'apps/web/**',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          ["CallExpression[callee.property.name='query']", '.query('],
          ["CallExpression[callee.property.name='createQueryBuilder']", 'createQueryBuilder'],
          ["CallExpression[callee.property.name='getRepository']", 'getRepository'],
          ["Decorator[expression.callee.name='InjectRepository']", '@InjectRepository'],
          ["CallExpression[callee.name='returningRows']", 'returningRows'],
          [
            'CallExpression[arguments.0.name=/Entity$/][callee.property.name=/^(find|findOne|findOneBy|findBy|count|exists|save|insert|upsert|update|delete|increment|decrement|remove)$/]',
            'an EntityManager call on an entity',
          ],
        ].map(([selector, what]) => ({
          selector,
          message: `${what} outside a *.repository.ts file: SQL belongs in the library's repository, which services call.`,
        })),
      ],
    },
  },
  {
    files: [
      '**/*.spec.ts',
      'test/**/*.ts',
      'libs/testing/**/*.ts',
      'bench/**/*.ts',
      'apps/tour/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
