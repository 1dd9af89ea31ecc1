import { describe, expect, it } from 'vitest';
import { userStack } from '../../../src/cli/userStack.js';

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
      '    at main (/home/me/app/test/run.ts:9:1)',
    ].join('\n');
    expect(userStack(error, ['/opt/lambdasim/dist/'])).toBe(
      [
        'Error: no table',
        '    second message line',
        '    at setup (/home/me/app/test/setup.ts:4:9)',
        '    at main (/home/me/app/test/run.ts:9:1)',
      ].join('\n'),
    );
  });

  it('shows a thrown non-Error as util.inspect does', () => {
    expect(userStack('just a string')).toBe("'just a string'");
    expect(userStack({ code: 42 })).toBe('{ code: 42 }');
  });
});
