// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Import layers and circles are checked by dependency-cruiser (npm run lint:layers, .dependency-cruiser.cjs;
// the order is in docs/layers.md): eslint's import plugins skip type-only imports in cycles.
export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'scratch/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: 'No real randomness on the simulation path: use the kernel rng (see DESIGN.md section 2).',
        },
      ],
    },
  },
  {
    // The simulation path: real time and randomness only where the kernel captures them.
    files: ['src/**/*.ts'],
    ignores: ['src/sim/realGlobals.ts', 'src/sim/installVirtualGlobals.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use virtual time (kernel.nowMs).' },
        { object: 'performance', property: 'now', message: 'Use virtual time (kernel.nowMs).' },
        { object: 'crypto', property: 'randomUUID', message: 'Use seededUuid(kernel.rng(...)).' },
      ],
    },
  },
  {
    // The few places that capture or virtualise the real globals on purpose.
    files: ['src/sim/realGlobals.ts', 'src/sim/installVirtualGlobals.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'fixtures/**/*.ts', 'examples/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
