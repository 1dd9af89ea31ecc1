import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const demo = (...args: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', 'fixtures/demo/demo.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FC_SEED: '' },
  });

describe('npm run demo', () => {
  it.each(['welcomeEmail', 'sqsChargeBatch'])(
    '%s: finds the bug, and its printed replay command reproduces the same trace hash in a fresh process',
    (example) => {
      const out = demo('--seed', '7', '--example', example);
      expect(out).toContain('buggy handler: FAILED after');
      expect(out).toMatch(/fixed twin: passed 200 runs/);
      const replay = new RegExp(`npm run demo -- --replay (${example}:[0-9:-]+)`).exec(out)?.[1];
      const hash = /Trace hash: ([0-9a-f]{64})/.exec(out)?.[1];
      expect(replay).toBeDefined();
      expect(hash).toBeDefined();
      const again = demo('--replay', replay!);
      expect(again).toContain(`Replayed ${replay}`);
      expect(/Trace hash: ([0-9a-f]{64})/.exec(again)?.[1]).toBe(hash);
    },
  );
});
