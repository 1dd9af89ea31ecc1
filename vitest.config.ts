import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// `import 'lambdasim'` inside the repository (README snippets, examples written as users write
// them) resolves to the sources through the `lambdasim-source` export condition, never to a
// built dist/ (tsconfig.json's customConditions says the same to tsc).
// vitest's own default drops 'module' (a dependency's bundler-only build, such as the AWS SDK's
// dist-es with extensionless imports, would be handed to Node).
const conditions = ['lambdasim-source', ...defaultServerConditions.filter((c) => c !== 'module')];

export default defineConfig({
  ssr: { resolve: { conditions } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // One module graph per worker, not per file: each of the ~90 files re-imported the library
    // through test/setup.ts, which was 85 of the 104 s of test/unit alone (2 s with this). Tests
    // share no state through modules: every simulation is its own world, and the suite passes
    // with files shuffled (`--sequence.shuffle` at several seeds). A file that needs a fresh module
    // graph can say so with its own project.
    isolate: false,
    setupFiles: ['test/setup.ts'],
  },
});
