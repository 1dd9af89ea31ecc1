import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { welcomeEmail } from '../../fixtures/examples/welcomeEmail.js';
import { moduleCounter } from './fixtures/cliSetup.js';
import { formatScenario, runScenario, saveScenario, type Scenario } from '../../src/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SETUP = 'test/e2e/fixtures/cliSetup.ts';

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `lambdasim …` in a fresh process, from the repository root (as `npx tsx src/cli/main.ts …`). */
async function lambdasim(...args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: root, env: { ...process.env, TZ: 'Pacific/Chatham' }, maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The welcomeEmail bug: a timeout after the email landed, and Lambda's retry sends it again. */
const doubleEmail: Scenario<{ eventId: string; email: string }> = {
  model: 'async',
  seed: 3,
  events: [{ atMs: 0, body: { eventId: 'evt-1', email: 'ada@example.com' } }],
  config: { timeoutS: 1, maximumRetryAttempts: 2 },
  delivery: {},
  faults: [{ kind: 'callTimeout', service: 'mailer', call: 1, landed: true }],
};

/** A failing event with no retries and no on-failure destination: lost. */
const lostEvent: Scenario = {
  model: 'async',
  seed: 1,
  events: [{ atMs: 0, body: { n: 1 } }],
  config: { maximumRetryAttempts: 0, onFailureDestination: false },
  delivery: {},
  faults: [],
};

/** Three sync requests, two at once (two environments) and one later (warm). */
const counterEvents: Scenario = {
  model: 'sync',
  seed: 2,
  events: [
    { atMs: 0, body: {} },
    { atMs: 0, body: {} },
    { atMs: 5_000, body: {} },
  ],
  config: {},
  delivery: {},
  faults: [],
};

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lambdasim-cli-'));
  saveScenario(file('double-email.json'), doubleEmail);
  saveScenario(file('lost-event.json'), lostEvent);
  saveScenario(file('counter.json'), counterEvents);
  writeFileSync(
    file('invalid.json'),
    JSON.stringify({ ...doubleEmail, faults: [{ kind: 'handlerError', fn: 'Handler', invocation: 0 }] }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.concurrent('lambdasim CLI (a child process each)', () => {
  it('show: prints the one-line summary and the scenario as formatScenario prints it, exit 0', async ({
    expect,
  }) => {
    const ran = await lambdasim('show', file('double-email.json'));
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe(
      `// ${file('double-email.json')}: async scenario, seed 3: 1 event at +0.000s, 1 fault (callTimeout)\n${formatScenario(doubleEmail)}\n`,
    );
  });

  it('replay: prints the timeline and the trace hash runScenario gives in this process (determinism across processes), exit 0', async ({
    expect,
  }) => {
    const [ran, inProcess] = await Promise.all([
      lambdasim('replay', file('double-email.json'), '--setup', SETUP),
      runScenario(doubleEmail, welcomeEmail.buggy),
    ]);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('Timeline (virtual time):');
    expect(ran.stdout).toMatch(/mailer +fault\.injected +FAULT callTimeout/);
    expect(ran.stdout).toContain('async.retryScheduled');
    expect(ran.stdout).toMatch(/calls +mailer\.send: 2 applied/);
    expect(ran.stdout).toContain('noLostEvents: no violations');
    expect(/^Trace hash: ([0-9a-f]{64})$/m.exec(ran.stdout)?.[1]).toBe(inProcess.traceHash);
  });

  it('replay --html: writes the HTML timeline of the run and says where, exit 0', async ({ expect }) => {
    const out = file('double-email.html');
    const ran = await lambdasim('replay', file('double-email.json'), '--setup', SETUP, '--html', out);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain(`HTML timeline: ${out}`);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`<h1>lambdasim replay ${file('double-email.json')}</h1>`);
    expect(html).toContain(`lambdasim replay ${file('double-email.json')} --setup ${SETUP}`);
    expect(html).toMatch(/<button class="ev fault"[^>]*data-kind="fault.injected"/);
  });

  it('replay --setup naming a handlerModule: an instance per environment, its log lines in the timeline, the same trace hash as in this process', async ({
    expect,
  }) => {
    const [ran, inProcess] = await Promise.all([
      lambdasim('replay', file('counter.json'), '--setup', `${SETUP}#moduleCounter`),
      runScenario(counterEvents, moduleCounter),
    ]);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const logLines = ran.stdout.split('\n').filter((l) => l.includes('log.INFO'));
    expect(
      logLines.map((l) => /(Handler#\d) .*: (invocation \d of Handler)$/.exec(l)?.slice(1).join(' ')),
    ).toEqual([
      'Handler#1 invocation 1 of Handler',
      'Handler#2 invocation 1 of Handler',
      expect.stringMatching(/^Handler#[12] invocation 2 of Handler$/),
    ]);
    expect(/^Trace hash: ([0-9a-f]{64})$/m.exec(ran.stdout)?.[1]).toBe(inProcess.traceHash);
  });

  it('replay --json --check no-lost-events: a machine-readable summary, and exit 1 on violations', async ({
    expect,
  }) => {
    const ran = await lambdasim(
      'replay',
      file('lost-event.json'),
      '--setup',
      `${SETUP}#alwaysFails`,
      '--json',
      '--check',
      'no-lost-events',
    );
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe('lambdasim: --check found violations: noLostEvents (1)\n');
    const report = JSON.parse(ran.stdout) as {
      traceHash: string;
      end: { kind: string };
      checks: Record<string, { judged: boolean; violations: number | null }>;
      violations: { check: string; kind: string; state: string }[];
    };
    expect(report.traceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(report.end.kind).toBe('quiescent');
    expect(report.checks).toEqual({
      noLostEvents: { judged: true, violations: 1 },
      exactlyOnce: { judged: false, violations: null }, // not run: no --check exactly-once
    });
    expect(report.violations).toMatchObject([{ check: 'noLostEvents', kind: 'lost', state: 'discarded' }]);
  });

  it('replay of a saved double charge: says effects went unchecked (exit 0) until --check exactly-once --key finds it (exit 1)', async ({
    expect,
  }) => {
    const regression = 'fixtures/regressions/sqsChargeBatch/seed-20261123.json';
    const setup = 'fixtures/examples/sqsChargeBatch.ts#sqsChargeBatch.buggy';
    const check = ['--check', 'exactly-once', '--key', 'args.orderId'];
    const [unchecked, checked, json] = await Promise.all([
      lambdasim('replay', regression, '--setup', setup),
      lambdasim('replay', regression, '--setup', setup, ...check),
      lambdasim('replay', regression, '--setup', setup, ...check, '--json'),
    ]);
    expect(unchecked.code).toBe(0);
    expect(unchecked.stdout).toMatch(
      /^exactlyOnce: not run: effects were not checked \(payments\.charge: 2 applied\)/m,
    );
    expect(checked.code).toBe(1);
    expect(checked.stderr).toBe('lambdasim: --check found violations: exactlyOnce (1)\n');
    expect(checked.stdout).toMatch(/^ {2}1\. \[exactlyOnce\] payments\.charge ran 2 times for key o-1/m);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { violations: { check: string; kind: string; key: string }[] };
    expect(report.violations).toMatchObject([{ check: 'exactlyOnce', kind: 'duplicateEffect', key: 'o-1' }]);
  });

  it('an invalid scenario file: exit 2 with the ConfigError message on one line, no stack trace', async ({
    expect,
  }) => {
    const ran = await lambdasim('show', file('invalid.json'));
    expect(ran.code).toBe(2);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).toBe(
      `lambdasim: loadScenario(${JSON.stringify(file('invalid.json'))}): faults[0].invocation must be an integer >= 1, got 0\n`,
    );
  });

  it("a setup module that throws while loading: exit 2 with the user's error and stack, no lambdasim frames", async ({
    expect,
  }) => {
    const ran = await lambdasim(
      'replay',
      file('double-email.json'),
      '--setup',
      'test/e2e/fixtures/cliSetupThrowsOnImport.ts',
    );
    expect(ran.code).toBe(2);
    expect(ran.stdout).toBe('');
    const [head, message, ...frames] = ran.stderr.trimEnd().split('\n');
    expect(head).toBe(
      'lambdasim: the setup module test/e2e/fixtures/cliSetupThrowsOnImport.ts threw while loading:',
    );
    expect(message).toBe('Error: config store unreachable at import time');
    expect(frames[0]).toMatch(/at connect \(.*cliSetupThrowsOnImport\.ts:3:\d+\)$/);
    expect(frames.filter((f) => /src[/\\]cli|node:internal/.test(f))).toEqual([]);
  });

  it('an unknown option: exit 2 with the usage line of the command', async ({ expect }) => {
    const ran = await lambdasim('replay', file('double-email.json'), '--setup', SETUP, '--colour');
    expect(ran.code).toBe(2);
    expect(ran.stdout).toBe('');
    expect(ran.stderr.split('\n')).toEqual([
      'lambdasim: unknown option --colour',
      expect.stringMatching(/^Usage: lambdasim replay <scenario\.json> --setup <module>\[#export\]/),
      'Run "lambdasim replay --help" for more.',
      '',
    ]);
  });
});
