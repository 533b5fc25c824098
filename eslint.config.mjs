// Zone rules: src/core is pure (no vscode, no DOM), src/webview is browser-only, only src/extension talks to VS Code.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test/fixtures/**', 'test-results/**', 'demo-workspace/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['scripts/**/*.js', 'webpack.config.js', 'test/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core, src/cli and src/shared must not depend on VS Code: put the glue in src/extension.' }],
        patterns: [{ group: ['**/extension/**', '**/webview/**'], message: 'core and shared code must not import from the extension or webview zones.' }],
      }],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'webview code runs in the browser.' }],
        patterns: [{ group: ['**/extension/**', 'fs', 'path', 'child_process', 'worker_threads'], message: 'webview code runs in the browser.' }],
      }],
    },
  },
);
