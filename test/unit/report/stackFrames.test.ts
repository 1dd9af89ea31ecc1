import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LAMBDASIM_DIR,
  stackFrames,
  userCallbackFrame,
  userFrame,
  userStack,
} from '../../../src/sim/stackFrames.js';

/** An error whose stack is these frame lines, under its first line. */
function withStack(error: Error, ...frames: string[]): Error {
  error.stack = [`${error.name}: ${error.message}`, ...frames.map((f) => `    at ${f}`)].join('\n');
  return error;
}

/** As installed in a user's project: lambdasim's files are under node_modules too. */
const INSTALLED = { lambdasimDirs: ['/home/me/app/node_modules/lambdasim/dist'], cwd: '/home/me/app' };

describe('stackFrames', () => {
  it('classifies frames by owner, innermost first, with paths relative to the working directory', () => {
    const cwd = process.cwd();
    const error = withStack(
      new Error('x'),
      `fn (${join(LAMBDASIM_DIR, 'sim/Kernel.ts')}:10:5)`,
      'processTicksAndRejections (node:internal/process/task_queues:95:5)',
      `async Promise.all (index 0)`,
      `check (${join(cwd, 'node_modules/fast-check/lib/fast-check.js')}:12:5)`,
      `file://${join(cwd, 'test/orders.test.ts')}:13:5`,
      'eval (eval at <anonymous> (/x.js:1:1), <anonymous>:1:1)',
    );
    expect(stackFrames(error).map((f) => [f.owner, f.location])).toEqual([
      ['lambdasim', `${join(LAMBDASIM_DIR, 'sim/Kernel.ts').slice(cwd.length + 1)}:10:5`],
      ['node', 'node:internal/process/task_queues:95:5'],
      ['dependency', 'node_modules/fast-check/lib/fast-check.js:12:5'],
      ['user', 'test/orders.test.ts:13:5'],
    ]);
    expect(stackFrames('not an error')).toEqual([]);
  });

  it("counts lambdasim's own files as lambdasim when it is installed under node_modules", () => {
    const error = withStack(
      new Error('x'),
      'run (/home/me/app/node_modules/lambdasim/dist/scenario/runScenario.js:60:3)',
      'charge (/home/me/app/node_modules/stripe/lib/index.js:1:1)',
      'setup (/home/me/app/test/setup.ts:4:9)',
    );
    expect(stackFrames(error, INSTALLED).map((f) => f.owner)).toEqual(['lambdasim', 'dependency', 'user']);
  });

  it('gives a file outside the working directory as an absolute path', () => {
    const error = withStack(new Error('x'), 'setup (/elsewhere/setup.mjs:2:7)');
    expect(stackFrames(error, INSTALLED)[0]?.location).toBe('/elsewhere/setup.mjs:2:7');
  });

  it('does not take a sibling directory with the same prefix for lambdasim', () => {
    const error = withStack(new Error('x'), 'f (/home/me/app/node_modules/lambdasim/dist2/x.js:1:1)');
    expect(stackFrames(error, INSTALLED)[0]?.owner).toBe('dependency');
  });
});

describe('userFrame / userCallbackFrame', () => {
  const error = withStack(
    new Error('x'),
    'validate (/home/me/app/node_modules/lambdasim/dist/errors.js:5:11)',
    'setup (/home/me/app/test/setup.ts:4:7)',
    'run (/home/me/app/node_modules/lambdasim/dist/scenario/runScenario.js:95:27)',
    'main (/home/me/app/scripts/replay.ts:9:1)',
  );

  it("finds the user's innermost frame", () => {
    expect(userFrame(error, INSTALLED)).toBe('test/setup.ts:4:7');
    expect(userFrame('not an error')).toBeUndefined();
  });

  it('finds only user code lambdasim called, not the code that called lambdasim', () => {
    expect(userCallbackFrame(error, INSTALLED)).toBe('test/setup.ts:4:7');
    const ownCheck = withStack(
      new Error('x'),
      'loadScenario (/home/me/app/node_modules/lambdasim/dist/scenario/scenarioFile.js:5:11)',
      'main (/home/me/app/scripts/replay.ts:9:1)',
    );
    expect(userFrame(ownCheck, INSTALLED)).toBe('scripts/replay.ts:9:1');
    expect(userCallbackFrame(ownCheck, INSTALLED)).toBeUndefined();
  });
});

describe('userStack', () => {
  it("keeps the message and the user's frames; drops lambdasim's, Node's internals and tsx's", () => {
    const error = new Error('no table');
    error.stack = [
      'Error: no table',
      '    second message line',
      '    at setup (/home/me/app/test/setup.ts:4:9)',
      '    at guarded (/opt/lambdasim/dist/cli/replayCommand.js:80:20)',
      '    at runScenario (file:///opt/lambdasim/dist/scenario/runScenario.js:60:3)',
      '    at ModuleJob.run (node:internal/modules/esm/module_job:234:25)',
      '    at load (/home/me/app/node_modules/tsx/dist/esm/index.mjs:1:1)',
      '    at readFileSync (node:fs:441:20)',
      '    at connect (/home/me/app/node_modules/pg/lib/client.js:7:3)',
      '    at new Promise (<anonymous>)',
      '    at main (/home/me/app/test/run.ts:9:1)',
    ].join('\n');
    expect(userStack(error, { lambdasimDirs: ['/opt/lambdasim/dist/'] })).toBe(
      [
        'Error: no table',
        '    second message line',
        '    at setup (/home/me/app/test/setup.ts:4:9)',
        '    at readFileSync (node:fs:441:20)',
        '    at connect (/home/me/app/node_modules/pg/lib/client.js:7:3)',
        '    at new Promise (<anonymous>)',
        '    at main (/home/me/app/test/run.ts:9:1)',
      ].join('\n'),
    );
  });

  it("drops an installed lambdasim's frames", () => {
    const error = withStack(
      new Error('x'),
      'setup (/home/me/app/test/setup.ts:4:7)',
      'run (/home/me/app/node_modules/lambdasim/dist/scenario/runScenario.js:95:27)',
    );
    expect(userStack(error, INSTALLED)).toBe('Error: x\n    at setup (/home/me/app/test/setup.ts:4:7)');
  });

  it('shows a thrown non-Error as util.inspect does, and an Error without frames as its stack', () => {
    expect(userStack('just a string')).toBe("'just a string'");
    expect(userStack({ code: 42 })).toBe('{ code: 42 }');
    const bare = new Error('bare');
    bare.stack = 'Error: bare';
    expect(userStack(bare)).toBe('Error: bare');
  });
});
