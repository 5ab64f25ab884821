// Boundary rules: the engine never sees `vscode`, pure tiers never do I/O,
// and callers reach the engine only through src/engine/index.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'esbuild.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The engine must not import vscode.' }],
        patterns: [{ group: ['**/extension/**', '**/webview/**', '**/cli/**'], message: 'The engine must not depend on its callers.' }],
      }],
    },
  },
  {
    files: ['src/engine/model/**/*.ts', 'src/engine/parse/**/*.ts', 'src/engine/check/**/*.ts', 'src/engine/render/**/*.ts', 'src/engine/plan/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'The engine must not import vscode.' },
          { name: 'ioredis', message: 'Pure tiers do no I/O.' },
          { name: 'node:net', message: 'Pure tiers do no I/O.' },
          { name: 'node:timers', message: 'Pure tiers do no I/O.' },
        ],
        patterns: [{ group: ['**/io/**', '**/exec/**', '**/extension/**', '**/webview/**', '**/cli/**'], message: 'Pure tiers do no I/O.' }],
      }],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval'],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Pure tiers take time as a parameter.' },
        { object: 'Math', property: 'random', message: 'Pure tiers take randomness as a parameter.' },
      ],
    },
  },
  {
    files: ['src/extension/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/engine/*/**'], message: 'Import the engine through src/engine/index.ts only.' }],
      }],
    },
  },
  {
    // The extension's pure models (recognition of node ids in editors, tree descriptions, errors…): unit-tested without VS Code.
    files: ['src/extension/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/extension/model is pure: no vscode.' }],
        patterns: [{ group: ['**/engine/*/**'], message: 'Import the engine through src/engine/index.ts only.' }],
      }],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The CLI runs without VS Code.' }],
        patterns: [{ group: ['**/engine/*/**'], message: 'Import the engine through src/engine/index.ts only.' }],
      }],
    },
  },
  {
    // The webview program (DOM only) and the protocol it shares with the host: no vscode, no Node,
    // and from the engine only types of src/engine/model/** (its index would drag ioredis and Node in).
    files: ['src/shared/**/*.ts', 'webview/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview and the shared protocol run without VS Code.' }],
        patterns: [
          { group: ['node:*', 'ioredis'], message: 'No Node or Redis in the webview program.' },
          { group: ['**/engine', '**/engine/index', '**/engine/**', '!**/engine/model/**'], message: 'Only types from src/engine/model/**.' },
          { group: ['**/engine/model/**'], allowTypeImports: true, message: 'Only types (import type) from src/engine/model/**.' },
          { group: ['**/extension/**', '**/cli/**'], message: 'The webview side does not depend on the host or the CLI.' },
        ],
      }],
    },
  },
);
