/**
 * The package as a user gets it: `npm pack` (which builds through `prepack`), installed into a
 * throwaway consumer project offline — from the tarball and the npm cache `npm ci` filled, never
 * the network — where a property test runs through `lambdasim/vitest`, the consumer's code
 * typechecks against the shipped declarations, and the `lambdasim` CLI replays a saved scenario.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ownPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
} & LockEntry;

interface Ran {
  readonly code: number;
  readonly out: string;
}

async function run(cwd: string, command: string, args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, {
      cwd,
      env: {
        ...process.env,
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
      },
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, out: (failed.stdout ?? '') + (failed.stderr ?? '') };
  }
}

interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly dev?: boolean;
  readonly optional?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  readonly [field: string]: unknown;
}

/**
 * The consumer's lockfile, cut from this repository's: every package reachable from `roots`,
 * pinned as this repository pins it. With a lockfile, `npm ci --offline` needs only the tarballs
 * (in the cache since this repository's `npm ci`), not the registry's metadata that resolving
 * version ranges would fetch.
 */
function consumerLock(roots: Record<string, string>, tarball: string, own: LockEntry): object {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const packages: Record<string, LockEntry> = {};
  /** Node's lookup: the nearest node_modules/<name> up from the requiring package's folder. */
  const locate = (from: string, name: string): string | undefined => {
    for (let dir = from; ;) {
      const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
      if (lock.packages[candidate] !== undefined) return candidate;
      if (dir === '') return undefined;
      const cut = dir.lastIndexOf('/node_modules/');
      dir = cut === -1 ? '' : dir.slice(0, cut);
    }
  };
  const visit = (from: string, deps: Record<string, string>, optional: Set<string>): void => {
    for (const name of Object.keys(deps)) {
      const path = locate(from, name);
      if (path === undefined) {
        if (optional.has(name)) continue;
        throw new Error(`package-lock.json has no ${name} for ${from || 'the root'}`);
      }
      if (packages[path] !== undefined) continue;
      const entry = lock.packages[path]!;
      packages[path] = entry;
      const optionalHere = new Set([
        ...Object.keys(entry.optionalDependencies ?? {}),
        ...Object.entries(entry.peerDependenciesMeta ?? {}).flatMap(([n, m]) => (m.optional ? [n] : [])),
      ]);
      visit(
        path,
        { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies },
        optionalHere,
      );
    }
  };
  const ownDeps = (own.dependencies ?? {}) as Record<string, string>;
  visit('', { ...roots, ...ownDeps }, new Set());
  packages['node_modules/lambdasim'] = {
    version: ownPackage.version,
    resolved: `file:../${tarball}`,
    dev: true,
    license: 'Apache-2.0',
    dependencies: ownDeps,
    ...(own.peerDependencies === undefined ? {} : { peerDependencies: own.peerDependencies }),
    ...(own.peerDependenciesMeta === undefined ? {} : { peerDependenciesMeta: own.peerDependenciesMeta }),
    ...(own.bin === undefined ? {} : { bin: own.bin }),
    engines: own.engines,
  };
  for (const [path, entry] of Object.entries(packages)) packages[path] = { ...entry, dev: true };
  return {
    name: 'consumer',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer', devDependencies: { lambdasim: `file:../${tarball}`, ...roots } },
      ...packages,
    },
  };
}

const CONSUMER_TEST = `import { fc, test, expect } from 'lambdasim/vitest';
import { runScenario, scenarios, type EventScenarioSetup } from 'lambdasim';

interface Order { readonly orderId: string }

const setup: EventScenarioSetup<Order> = (sim) => {
  const orders = sim.table<{ orderId: string }>('orders', { key: 'orderId' });
  const payments = sim.api('payments', { latencyMs: 20 });
  return () => async (event) => {
    if (await orders.get(event.orderId)) return;
    await payments.call('charge', { orderId: event.orderId });
    await orders.put({ orderId: event.orderId });
  };
};

const arb = scenarios.async({
  events: fc.record({ orderId: fc.integer({ min: 1, max: 5 }).map((n) => 'o-' + n) }),
  maxEvents: 3,
  services: ['payments'],
});

test.prop([arb], { numRuns: 20, seed: 7 })('the installed package runs a property', async (scenario) => {
  const result = await runScenario(scenario, setup);
  expect(result).toHaveNoLostEvents();
});
`;

const CLI_SETUP = `export const setup = (sim) => {
  const payments = sim.api('payments', { latencyMs: 20 });
  return () => async (event) => { await payments.call('charge', event); };
};
`;

const SCENARIO = JSON.stringify({
  model: 'async',
  seed: 3,
  events: [{ atMs: 0, body: { orderId: 'o-1' } }],
  config: { timeoutS: 3, maximumRetryAttempts: 2, maximumEventAgeS: 21600 },
  delivery: {},
  faults: [],
});

describe('the packed package installed in a consumer project', () => {
  let dir = '';
  let consumer = '';
  let installed: Ran = { code: -1, out: '' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lambdasim-pack-'));
    const packed = await run(root, 'npm', ['pack', '--pack-destination', dir, '--loglevel', 'error']);
    expect(packed.code, packed.out).toBe(0);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    consumer = join(dir, 'consumer');
    mkdirSync(join(consumer, 'test'), { recursive: true });
    const roots = Object.fromEntries(
      ['vitest', '@fast-check/vitest', 'typescript', '@types/node'].map((name) => [
        name,
        ownPackage.devDependencies[name]!,
      ]),
    );
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        devDependencies: { lambdasim: `file:../${tarball}`, ...roots },
      }),
    );
    writeFileSync(
      join(consumer, 'package-lock.json'),
      JSON.stringify(consumerLock(roots, tarball!, ownPackage)),
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        include: ['test'],
      }),
    );
    writeFileSync(join(consumer, 'test', 'order.test.ts'), CONSUMER_TEST);
    writeFileSync(join(consumer, 'setup.mjs'), CLI_SETUP);
    writeFileSync(join(consumer, 'scenario.json'), SCENARIO);
    installed = await run(consumer, 'npm', [
      'install',
      '--offline',
      '--no-audit',
      '--no-fund',
      '--loglevel',
      'error',
    ]);
  }, 300_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('ships the build, its declarations and maps with their sources, and no tests', () => {
    expect(installed.code, installed.out).toBe(0);
    const pkg = join(consumer, 'node_modules', 'lambdasim');
    const files = readdirSync(join(pkg, 'dist'), { recursive: true }).map(String);
    expect(files).toContain('index.js');
    expect(files).toContain('index.d.ts');
    expect(files).toContain(join('vitest', 'index.js'));
    expect(files).toContain(join('cli', 'main.js'));
    const map = JSON.parse(readFileSync(join(pkg, 'dist', 'Simulation.js.map'), 'utf8')) as {
      sourcesContent?: string[];
    };
    expect(map.sourcesContent?.[0]).toContain('export class Simulation');
    expect(readdirSync(pkg)).not.toContain('test');
    expect(readdirSync(pkg)).not.toContain('src');
  });

  it("typechecks the consumer's test against the shipped declarations", async () => {
    const checked = await run(consumer, process.execPath, [
      join(consumer, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      '.',
    ]);
    expect(checked.out).toBe('');
    expect(checked.code).toBe(0);
  }, 120_000);

  it('runs a property test through lambdasim/vitest', async () => {
    const ran = await run(consumer, process.execPath, [
      join(consumer, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
    ]);
    expect(ran.out).toContain('1 passed');
    expect(ran.code, ran.out).toBe(0);
  }, 120_000);

  it('runs the lambdasim CLI', async () => {
    const bin = join(consumer, 'node_modules', '.bin', 'lambdasim');
    const help = await run(consumer, bin, ['--help']);
    expect(help.code, help.out).toBe(0);
    expect(help.out).toContain('replay');
    const replayed = await run(consumer, bin, ['replay', 'scenario.json', '--setup', './setup.mjs#setup']);
    expect(replayed.out).toMatch(/trace hash/i);
    expect(replayed.code, replayed.out).toBe(0);
  }, 120_000);
});
