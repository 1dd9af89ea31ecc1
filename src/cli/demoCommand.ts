import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CliError } from './CliError.js';
import type { CliIo } from './CliIo.js';
import { registerTsx } from './loadSetup.js';

/** The demo, in a clone of the repository: two levels up from `src/cli/` and `dist/cli/`. */
const DEMO_MODULE = new URL('../../fixtures/demo/demo.ts', import.meta.url);
const RUNNING_FROM_TYPESCRIPT = import.meta.url.endsWith('.ts');

/** What the demo module exports (fixtures/demo/demo.ts). */
interface DemoModule {
  runDemo(argv: readonly string[], io: CliIo): Promise<number>;
}

/**
 * `lambdasim demo [options]`: runs the bundled examples (fixtures/demo/demo.ts), which parses its
 * own options. The examples are TypeScript in the repository, not in the published package.
 *
 * @example
 * ```ts
 * await demoCommand(['--seed', '42'], { out: console.log, err: console.error });
 * ```
 * @returns the demo's exit code.
 * @throws CliError when run from an installed package (no fixtures/demo/demo.ts beside it).
 */
export async function demoCommand(args: readonly string[], io: CliIo): Promise<number> {
  const path = fileURLToPath(DEMO_MODULE);
  if (!existsSync(path))
    throw new CliError(
      'demo runs the bundled examples, which live in a clone of the repository, not in the published package: git clone the lambdasim repository, then npm ci && npx lambdasim demo',
      'demo',
    );
  if (!RUNNING_FROM_TYPESCRIPT) await registerTsx(path);
  const demo = (await import(pathToFileURL(path).href)) as DemoModule;
  return demo.runDemo(args, io);
}
