/**
 * In this repository `import 'lambdasim'` resolves to the sources (the `lambdasim-source` export
 * condition that vitest and tsc use), never to a built `dist/`: one copy of every class, and an
 * edit to `src/` is what runs. The consumer-side view (the packed package) is packedInstall.test.ts.
 */
import { describe, expect, it } from 'vitest';
import * as byName from 'lambdasim';
import * as vitestByName from 'lambdasim/vitest';
import * as bySource from '../../src/index.js';
import * as vitestBySource from '../../src/vitest/index.js';

describe("import 'lambdasim' inside the repository", () => {
  it('is the source module itself, not a build of it', () => {
    expect(byName.Simulation).toBe(bySource.Simulation);
    expect(byName.ExternalApi).toBe(bySource.ExternalApi);
    expect(vitestByName.test).toBe(vitestBySource.test);
  });
});
