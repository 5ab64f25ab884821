// Boundary rules: the engine never sees `vscode`, pure tiers never do I/O,
// and callers reach the engine only through src/engine/index.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// What the pure tiers may not import (no I/O, no callers).
const pureImports = {
  paths: [
    { name: 'vscode', message: 'The engine must not import vscode.' },
    { name: 'ioredis', message: 'Pure tiers do no I/O.' },
    ...['node:net', 'node:tls', 'node:timers', 'node:timers/promises', 'node:fs', 'node:fs/promises', 'node:child_process', 'fs', 'net']
      .map((name) => ({ name, message: 'Pure tiers do no I/O (files and sockets are io/).' })),
  ],
  patterns: [{ group: ['**/io/**', '**/exec/**', '**/extension/**', '**/webview/**', '**/cli/**'], message: 'Pure tiers do no I/O.' }],
};
const noRender = { group: ['**/render/**'], message: 'An operation reports events; render/ prints them (called by the CLI and the extension, never by the op).' };

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
    // Type-aware rules: every promise is awaited, returned or voided on purpose; every switch on a union names every member.
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['bench/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false }],
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
    // Operations report events (plain data); render/ turns them into text, called by the CLI and the extension.
    // fix/analysis.ts, a pure tier too, gets both rules in the last of these blocks.
    files: ['src/engine/ops/**/*.ts', 'src/engine/fix/**/*.ts', 'src/engine/sandbox/sandbox.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The engine must not import vscode.' }],
        patterns: [
          { group: ['**/extension/**', '**/webview/**', '**/cli/**'], message: 'The engine must not depend on its callers.' },
          noRender,
        ],
      }],
    },
  },
  {
    files: [
      'src/engine/model/**/*.ts', 'src/engine/parse/**/*.ts', 'src/engine/check/**/*.ts', 'src/engine/render/**/*.ts', 'src/engine/plan/**/*.ts',
      'src/engine/data/**/*.ts', 'src/engine/fix/analysis.ts',
    ],
    rules: {
      'no-restricted-imports': ['error', pureImports],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval'],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Pure tiers take time as a parameter.' },
        { object: 'Math', property: 'random', message: 'Pure tiers take randomness as a parameter.' },
      ],
    },
  },
  {
    // fix's pure decisions: a pure tier that, being part of fix, never renders either.
    files: ['src/engine/fix/analysis.ts'],
    rules: {
      'no-restricted-imports': ['error', { ...pureImports, patterns: [...pureImports.patterns, noRender] }],
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
    // The extension's pure modules run under Node in unit tests: no vscode (they take an L10n or plain data).
    files: ['src/extension/model/**/*.ts', 'src/extension/tree/model.ts', 'src/extension/tree/items.ts', 'src/extension/webview/planView.ts', 'src/extension/webview/runModel.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'A pure module of the extension: no vscode (pass an L10n or plain data).' }],
        patterns: [{ group: ['**/engine/*/**'], message: 'Import the engine through src/engine/index.ts only.' }],
      }],
    },
  },
  {
    // The webview program (DOM only) and the protocol it shares with the host: no vscode, no Node,
    // and from the engine only types of src/engine/model/** (its index would drag ioredis and Node in),
    // except model/slots.ts, which imports nothing and is used at run time.
    files: ['src/shared/**/*.ts', 'webview/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview and the shared protocol run without VS Code.' }],
        patterns: [
          { group: ['node:*', 'ioredis'], message: 'No Node or Redis in the webview program.' },
          { regex: '(^|/)engine(/index)?$|(^|/)engine/(?!model/)', message: 'Only types from src/engine/model/**.' },
          { regex: '(^|/)engine/model/(?!slots$)', allowTypeImports: true, message: 'Only types (import type) from src/engine/model/** (slots.ts excepted).' },
          { group: ['**/extension/**', '**/cli/**'], message: 'The webview side does not depend on the host or the CLI.' },
        ],
      }],
    },
  },
);
