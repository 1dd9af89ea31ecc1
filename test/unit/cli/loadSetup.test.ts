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

/** Writes a module `name` with `source` and loads its setup (`exportPath` as `#a.b` would give). */
async function setupOf(name: string, source: string, exportPath?: string[]): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, source);
  return (await loadSetup({ path, exportPath })).name;
}

describe('loadSetup', () => {
  it('takes the default export, else the export named setup; a CommonJS { default } is unwrapped', async () => {
    expect(await setupOf('named.mjs', 'export const setup = () => () => async () => "named";\n')).toBe(
      'setup',
    );
    expect(
      await setupOf('compiled.cjs', 'module.exports = { default: function compiledSetup() {} };\n'),
    ).toBe('compiledSetup');
  });

  it('takes exports.setup of a CommonJS module (whose namespace always has a default: module.exports)', async () => {
    expect(
      await setupOf('named.cjs', 'exports.setup = function cjsSetup() {};\nexports.label = "x";\n'),
    ).toBe('cjsSetup');
    expect(await setupOf('assigned.cjs', 'module.exports = { setup: function assignedSetup() {} };\n')).toBe(
      'assignedSetup',
    );
  });

  it('still names the default export when neither it nor an export setup is a function', async () => {
    const error = await setupOf('none.cjs', 'module.exports = { run: function run() {} };\n').catch(
      (e: unknown) => e,
    );
    const none = join(dir, 'none.cjs');
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(
      `--setup ${none}: its default export is an object, not a setup function (sim) => handler factory; its functions: run (e.g. ${none}#default.run)`,
    );
  });

  it('reaches through a function holding the setup as a property (#fn.setup)', async () => {
    const source = 'export function suite() {}\nsuite.setup = function held() {};\n';
    expect(await setupOf('holder.mjs', source, ['suite', 'setup'])).toBe('held');
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
