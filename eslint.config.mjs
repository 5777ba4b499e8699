import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import svelte from 'eslint-plugin-svelte';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'renderer/dist/**', 'electron/cluster/api/openapi/generated/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    // the renderer's components: TypeScript inside <script lang="ts">, browser globals
    files: ['renderer/**/*.svelte', 'renderer/**/*.svelte.ts'],
    languageOptions: { globals: { ...globals.browser }, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-control-regex': 'off',
    },
  },
  {
    // the control plane is headless: nothing from the desktop app, the web mode, terminals, labs or Electron
    files: ['electron/cluster/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'electron/cluster runs headless (kubelab start); keep Electron out of it.' }],
          patterns: [
            {
              group: ['**/app', '**/app/*', '**/web', '**/web/*', '**/terminal', '**/terminal/*', '**/lab-engine', '**/lab-engine/*', 'electron/*'],
              message: 'electron/cluster must not depend on the app, web mode, terminals or lab engine.',
            },
          ],
        },
      ],
    },
  },
  {
    // everything outside the control plane goes through its public surface, electron/cluster/index.ts
    files: ['electron/{app,cli,web,terminal,lab-engine}/**/*.ts', 'electron/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['**/cluster/*'], message: "Import from the cluster's public surface ('../cluster') instead of its internals." }],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
