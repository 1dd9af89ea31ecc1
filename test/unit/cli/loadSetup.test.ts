import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../../src/cli/CliError.js';
import { loadSetup, registerTsx } from '../../../src/cli/loadSetup.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lambdasim-loadsetup-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadSetup', () => {
  it('takes the default export, else the export named setup; a CommonJS { default } is unwrapped', async () => {
    const named = join(dir, 'named.mjs');
    writeFileSync(named, 'export const setup = () => () => async () => "named";\n');
    expect((await loadSetup({ path: named, exportPath: undefined })).name).toBe('setup');
    const compiled = join(dir, 'compiled.cjs');
    writeFileSync(compiled, 'module.exports = { default: function compiledSetup() {} };\n');
    expect((await loadSetup({ path: compiled, exportPath: undefined })).name).toBe('compiledSetup');
  });
});

describe('registerTsx', () => {
  it('without tsx: says to install it or pass compiled JavaScript', async () => {
    const setup = join(dir, 'setup.ts');
    const error = await registerTsx(setup, 'tsx-not-installed-here').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(
      `--setup ${setup} is TypeScript, and loading it needs tsx, which is not installed: install it (npm install --save-dev tsx) or pass the compiled JavaScript module`,
    );
  });
});
