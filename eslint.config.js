import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * One lint setup. Layer rules (house rules 1–2): shared imports nothing of ours; main, preload and
 * renderer never import one another; electron only in src/main/app and src/preload; vendor media SDKs
 * only in src/renderer/media; react-redux's untyped hooks are banned (use app/hooks).
 */
const layer = (patterns, message) => ({ 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] });

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', '.cache/**', 'lab/.run/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/shared/**'],
    rules: layer(['**/main/**', '**/renderer/**', '**/preload/**', 'electron', 'react', 'node:*'], 'src/shared is pure TypeScript: it imports only zod.'),
  },
  {
    files: ['src/main/**'],
    ignores: ['src/main/app/**'],
    rules: layer(['**/renderer/**', '**/preload/**', 'electron'], 'Node services stay host-agnostic: no renderer/preload code, electron only in src/main/app.'),
  },
  {
    files: ['src/main/app/**'],
    rules: layer(['**/renderer/**', '**/preload/**'], 'main never imports renderer or preload code.'),
  },
  {
    files: ['src/preload/**'],
    rules: layer(['**/main/**', '**/renderer/**'], 'preload imports only src/shared and electron.'),
  },
  {
    files: ['src/renderer/**'],
    ignores: ['src/renderer/media/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'react-redux', importNames: ['useDispatch', 'useSelector'], message: 'Use useAppDispatch/useAppSelector from app/hooks.' }],
          patterns: [
            { group: ['**/main/**', '**/preload/**', 'electron', 'node:*'], message: 'The renderer talks to the host only through ConsoleApi.' },
            { group: ['janus-gateway', 'webrtc-adapter', '@cycjimmy/jsmpeg-player', 'sip.js'], message: 'Media SDKs only in src/renderer/media.' },
          ],
        },
      ],
    },
  },
  {
    // The one place allowed to wrap react-redux's hooks into typed ones.
    files: ['src/renderer/app/hooks.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/renderer/media/**'],
    rules: layer(['**/main/**', '**/preload/**', 'electron', 'node:*'], 'The renderer talks to the host only through ConsoleApi.'),
  },
);
