import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createSimulation, formatLogLine } from '../../src/index.js';
import { formatFailureReport } from '../../src/vitest/index.js';
import { formatTimeline } from '../../src/report/timeline.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs test/e2e/fixtures/logsInNode.ts in a fresh Node.js process under tsx. */
async function runInNode(env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (env.LAMBDASIM_LOGS === undefined) delete childEnv.LAMBDASIM_LOGS;
  return promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/e2e/fixtures/logsInNode.ts'], {
    cwd: root,
    env: childEnv,
  });
}

describe('handler output: captured per invocation, not printed', () => {
  it('under plain Node.js (tsx): handler lines go to result.logs, the test and workload print as before; module instances per environment', async () => {
    const { stdout, stderr } = await runInNode();
    const lines = stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual(['test: before run', 'workload: at 0', 'test: after run']);
    expect(lines).toHaveLength(4);
    expect(stderr).toBe('');
    const report = JSON.parse(lines[3]!) as {
      bodies: { invocations: number; table: string }[];
      logs: unknown[][];
    };
    // Two environments at 0 ms each count from 1; the warm one at 1 s counts 2.
    expect(report.bodies.map((b) => [b.invocations, b.table])).toEqual([
      [1, 'orders'],
      [1, 'orders'],
      [2, 'orders'],
    ]);
    expect(report.logs).toEqual([
      ['Loud', 'Loud#1', 0, 'INFO', 'console', true, 'init of Loud'],
      ['Counter', 'Counter#1', 100, 'INFO', 'console', false, 'invocation 1 of Counter'],
      ['Counter', 'Counter#2', 100, 'INFO', 'console', false, 'invocation 1 of Counter'],
      ['Loud', 'Loud#1', 100, 'WARN', 'console', false, 'careful'],
      ['Loud', 'Loud#1', 100, 'INFO', 'stdout', false, '{"level":"INFO","message":"a Powertools-like line"}'],
      ['Loud', 'Loud#1', 100, 'ERROR', 'console', false, 'oops'],
      ['Loud', 'Loud#1', 100, 'ERROR', 'console', false, 'bound at load'],
      [
        'Counter',
        expect.stringMatching(/^Counter#[12]$/),
        1_000,
        'INFO',
        'console',
        false,
        'invocation 2 of Counter',
      ],
    ]);
  });

  it('LAMBDASIM_LOGS=live prints each line as it is written, in the Node.js runtime format', async () => {
    const { stdout } = await runInNode({ LAMBDASIM_LOGS: 'live' });
    expect(stdout).toMatch(/^2026-01-01T00:00:00\.100Z\t[0-9a-f-]{36}\tINFO\tinvocation 1 of Counter$/m);
    expect(stdout).toMatch(/^2026-01-01T00:00:00\.000Z\tundefined\tINFO\tinit of Loud$/m);
    expect(stdout).toMatch(/^\{"level":"INFO","message":"a Powertools-like line"\}$/m);
  });
});

describe('handler output in results and reports', () => {
  async function run() {
    const sim = createSimulation({ seed: 5 });
    const fn = sim.fn('Charge', () => async (event: { orderId: string }) => {
      console.info('charging', event.orderId);
      throw new Error(`card declined for ${event.orderId}`);
    });
    const response = sim.invoke(fn, { orderId: 'o-1' });
    const result = await sim.run();
    return { result, requestId: (await response).requestId };
  }

  it('result.logs carries the request id, environment, level and virtual time; formatLogLine as CloudWatch shows it', async () => {
    const { result, requestId } = await run();
    expect(result.logs).toMatchObject([
      {
        fn: 'Charge',
        env: 'Charge#1',
        requestId,
        atMs: 100,
        level: 'INFO',
        source: 'console',
        message: 'charging o-1',
      },
    ]);
    expect(formatLogLine(result.logs[0]!)).toBe(`2026-01-01T00:00:00.100Z\t${requestId}\tINFO\tcharging o-1`);
  });

  it('the timeline and the failure report show the failing run lines in place', async () => {
    const { result, requestId } = await run();
    const timeline = formatTimeline(result.trace, { logs: result.logs }).split('\n');
    const started = timeline.findIndex((l) => l.includes('invoke.started'));
    // Columns are as wide as the widest actor and kind shown (formatTimeline aligns them).
    expect(timeline[started + 1]).toMatch(
      new RegExp(`^ +\\+0\\.100s  Charge#1 +log\\.INFO +req ${requestId.slice(0, 8)}: charging o-1$`),
    );
    expect(timeline[started + 2]).toContain('invoke.failed');
    expect(formatFailureReport([], result)).toMatch(
      new RegExp(`log\\.INFO +req ${requestId.slice(0, 8)}: charging o-1`),
    );
  });
});
