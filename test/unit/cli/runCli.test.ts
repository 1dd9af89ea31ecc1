import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/runCli.js';
import { SHOW_EXAMPLE_SUMMARY } from '../../../src/cli/usage.js';
import { saveScenario, type Scenario } from '../../../src/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SETUP = join(root, 'test/e2e/fixtures/cliSetup.ts');
const EFFECTS_SETUP = join(root, 'test/e2e/fixtures/cliEffectsSetup.ts');
/** A saved double charge: one bad record fails the batch, the good order is charged again. */
const DOUBLE_CHARGE = join(root, 'fixtures/regressions/sqsChargeBatch/seed-20261123.json');
const SQS_CHARGE = join(root, 'fixtures/examples/sqsChargeBatch.ts');

/** Runs the CLI in this process; what it wrote to stdout and stderr, and its exit code. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const welcome: Scenario = {
  model: 'async',
  seed: 5,
  events: [
    { atMs: 0, body: { eventId: 'evt-1', email: 'ada@example.com' } },
    { atMs: 2500, body: { eventId: 'evt-2', email: 'bob@example.com' } },
  ],
  config: { timeoutS: 1, maximumRetryAttempts: 2 },
  delivery: {},
  faults: [{ kind: 'callTimeout', service: 'mailer', call: 1, landed: true }],
};

let dir: string;
let scenarioFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lambdasim-runcli-'));
  scenarioFile = join(dir, 'welcome.json');
  saveScenario(scenarioFile, welcome);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runCli', () => {
  it('--version prints the version of package.json; --help the main page', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(await cli('--version')).toEqual({ code: 0, out: pkg.version, err: '' });
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('lambdasim replay <scenario.json> --setup <module>[#export]');
  });

  it('show --help shows the summary comment as show prints it', async () => {
    const file = join(dir, 'regression.json');
    saveScenario(file, {
      ...welcome,
      seed: 0,
      events: welcome.events.slice(0, 1),
      faults: [{ kind: 'crashAfterCalls', fn: 'Handler', invocation: 1, calls: 1 }],
    });
    const shown = await cli('show', file);
    expect(shown.out.split('\n')[0]).toBe(SHOW_EXAMPLE_SUMMARY.replace('regression.json', file));
    expect((await cli('show', '--help')).out).toContain(`\n  ${SHOW_EXAMPLE_SUMMARY}\n`);
  });

  it('show: an unreadable or non-JSON file is one line on stderr and exit 2', async () => {
    const missing = join(dir, 'missing.json');
    expect(await cli('show', missing)).toEqual({
      code: 2,
      out: '',
      err: `lambdasim: loadScenario(${JSON.stringify(missing)}): path must name a readable scenario file (ENOENT), got ${JSON.stringify(missing)}`,
    });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ model: async }');
    const ran = await cli('show', bad);
    expect(ran.code).toBe(2);
    expect(ran.err).toMatch(
      /^lambdasim: loadScenario\(".*bad\.json"\): file must hold .*JSON.*, got "\{ model: async \}"$/,
    );
  });

  it('replay: the summary counts, --max-lines caps the timeline, --all-calls shows call.sent lines', async () => {
    const ran = await cli('replay', scenarioFile, '--setup', SETUP, '--max-lines', '3');
    expect(ran.err).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.out).toContain(
      `Replaying ${scenarioFile}: async scenario, seed 5: 2 events from +0.000s to +2.500s, 1 fault (callTimeout)`,
    );
    const timeline = ran.out.split('Timeline (virtual time):\n')[1]!.split('\n\n')[0]!.split('\n');
    expect(timeline).toHaveLength(4);
    expect(timeline[3]).toMatch(/^ {2}… \d+ more events$/);
    expect(ran.out).toMatch(/^Run ended quiescent at \+1m\d\d\.\d{3}s \(\d+ simulation events\)$/m);
    expect(ran.out).toMatch(/^ {2}async events +2: 2 succeeded$/m);
    expect(ran.out).toMatch(/^ {2}calls +mailer\.send: 3 applied$/m);
    expect(ran.out).toMatch(/^ {2}faults injected +1: callTimeout on mailer \(call #1\)$/m);
    expect(ran.out).not.toContain('call.sent');

    const all = await cli('replay', scenarioFile, '--setup', SETUP, '--all-calls');
    expect(all.out).toContain('call.sent');
    expect(/^Trace hash: (\w+)$/m.exec(all.out)?.[1]).toBe(/^Trace hash: (\w+)$/m.exec(ran.out)?.[1]);

    const hidden = await cli('replay', scenarioFile, '--setup', SETUP, '--max-lines', '0');
    expect(hidden.out).not.toContain('Timeline');
  });

  it('replay: noLostEvents violations are reported but judged only with --check', async () => {
    const lost = join(dir, 'lost.json');
    saveScenario(lost, {
      model: 'async',
      seed: 1,
      events: [{ atMs: 0, body: {} }],
      config: { maximumRetryAttempts: 0, onFailureDestination: false },
      delivery: {},
      faults: [],
    });
    const reported = await cli('replay', lost, '--setup', `${SETUP}#alwaysFails`);
    expect(reported.code).toBe(0);
    expect(reported.err).toBe('');
    expect(reported.out).toMatch(
      /^noLostEvents \(reported, not judged\): 1 violation:\n {2}1\. \[noLostEvents\] async event/m,
    );
    expect(reported.out).toMatch(/^ {2}async events +1: 1 discarded RetriesExhausted$/m);

    const judged = await cli(
      'replay',
      lost,
      '--setup',
      `${SETUP}#alwaysFails`,
      '--check',
      'retry-policy',
      '--check',
      'no-lost-events',
    );
    expect(judged.code).toBe(1);
    expect(judged.out).toContain('retryPolicyHonored: no violations');
    expect(judged.err).toBe('lambdasim: --check found violations: noLostEvents (1)');
  });

  it('replay: setup modules that are missing, lack the export or export no function are one line, exit 2', async () => {
    const missing = join(dir, 'nope.ts');
    expect(await cli('replay', scenarioFile, '--setup', missing)).toEqual({
      code: 2,
      out: '',
      err: `lambdasim: --setup ${missing}: no such file (looked for ${missing})`,
    });
    expect((await cli('replay', scenarioFile, '--setup', dir)).err).toBe(
      `lambdasim: --setup ${dir}: not a file (name the setup module itself)`,
    );
    expect((await cli('replay', scenarioFile, '--setup', `${SETUP}#nope`)).err).toBe(
      `lambdasim: --setup ${SETUP}: the module has no export nope (exports: alwaysFails, default, holder, moduleCounter, throwsInSetup)`,
    );
    expect((await cli('replay', scenarioFile, '--setup', `${SETUP}#holder.missing`)).err).toBe(
      `lambdasim: --setup ${SETUP}#holder.missing: holder has no property missing`,
    );
    const notFunction = await cli('replay', scenarioFile, '--setup', `${SETUP}#holder`);
    expect(notFunction).toEqual({
      code: 2,
      out: '',
      err: `lambdasim: --setup ${SETUP}: holder is an object, not a setup function (sim) => handler factory; its functions: setup (e.g. ${SETUP}#holder.setup)`,
    });
    expect((await cli('replay', scenarioFile, '--setup', `${SETUP}#holder.setup`)).code).toBe(0);
    const noDefault = join(dir, 'named.mjs');
    writeFileSync(noDefault, 'export const other = () => {};\n');
    expect((await cli('replay', scenarioFile, '--setup', noDefault)).err).toBe(
      `lambdasim: --setup ${noDefault}: the module has no default export and no export named setup; name the export with ${noDefault}#<export> (exports: other)`,
    );
  });

  it("replay: a setup function that throws is shown with the user's stack, lambdasim's frames removed, exit 2", async () => {
    const ran = await cli('replay', scenarioFile, '--setup', `${SETUP}#throwsInSetup`);
    expect(ran.code).toBe(2);
    const [head, message, ...frames] = ran.err.split('\n');
    expect(head).toBe(`lambdasim: the setup ${SETUP}#throwsInSetup threw:`);
    expect(message).toBe('TypeError: the setup forgot its table');
    expect(frames[0]).toMatch(/cliSetup\.ts:\d+:\d+\)?$/);
    expect(frames.filter((f) => f.includes(join(root, 'src')))).toEqual([]);
  });

  it('replay: a ConfigError from runScenario (a fault aimed at a service the setup lacks) is one line, exit 2', async () => {
    const wrongTarget = join(dir, 'wrong-target.json');
    saveScenario(wrongTarget, {
      ...welcome,
      faults: [{ kind: 'callTimeout', service: 'sms', call: 1, landed: true }],
    });
    const ran = await cli('replay', wrongTarget, '--setup', SETUP);
    expect(ran.code).toBe(2);
    expect(ran.err).toMatch(/^lambdasim: runScenario: .*sms/);
    expect(ran.err).not.toContain('\n');
    expect(ran.err).not.toContain('(at '); // runScenario's own check: no user line to point at
  });

  it("replay: the user's own class named ConfigError is their code's error, shown with its stack", async () => {
    const own = join(dir, 'own-config-error.mjs');
    writeFileSync(
      own,
      [
        'class ConfigError extends Error { name = "ConfigError"; }',
        'export default () => { throw new ConfigError("DB_URL is not set"); };',
        '',
      ].join('\n'),
    );
    const ran = await cli('replay', scenarioFile, '--setup', own);
    expect(ran.code).toBe(2);
    expect(ran.err.split('\n').slice(0, 3)).toEqual([
      `lambdasim: the setup ${own} threw:`,
      'ConfigError: DB_URL is not set',
      expect.stringMatching(/own-config-error\.mjs:2:\d+\)$/),
    ]);
  });

  it("replay: a ConfigError from a lambdasim API the setup called names the setup's line, exit 2", async () => {
    const badApi = join(dir, 'bad-api.mjs');
    writeFileSync(
      badApi,
      'export default (sim) => {\n  sim.api("mailer", { latencyMs: -1 });\n  return () => async () => undefined;\n};\n',
    );
    const ran = await cli('replay', scenarioFile, '--setup', badApi);
    expect(ran.code).toBe(2);
    expect(ran.err).toMatch(/^lambdasim: api\("mailer"\): latencyMs .*, got -1 \(at .*bad-api\.mjs:2:\d+\)$/);
  });

  describe('replay --check exactly-once', () => {
    const exactlyOnce = ['--check', 'exactly-once', '--key', 'args.orderId', '--max-lines', '0'];
    /** Replays the saved double charge against the sqsChargeBatch example's buggy or fixed handler. */
    const replayDoubleCharge = (variant: 'buggy' | 'fixed', ...options: string[]) =>
      cli('replay', DOUBLE_CHARGE, '--setup', `${SQS_CHARGE}#sqsChargeBatch.${variant}`, ...options);

    it('a double charge: the duplicate printed by the formatter, exit 1; the fixed twin passes', async () => {
      const buggy = await replayDoubleCharge('buggy', ...exactlyOnce);
      expect(buggy.code).toBe(1);
      expect(buggy.out).toMatch(
        /^exactlyOnce: 1 violation:\n {2}1\. \[exactlyOnce\] payments\.charge ran 2 times for key o-1 \(expected exactly once\)/m,
      );
      expect(buggy.err).toBe('lambdasim: --check found violations: exactlyOnce (1)');
      const fixed = await replayDoubleCharge('fixed', ...exactlyOnce);
      expect(fixed).toMatchObject({ code: 0, err: '' });
      expect(fixed.out).toMatch(
        /^exactlyOnce: no violations \(payments, key args\.orderId, both directions\)$/m,
      );
    });

    it('without it, replay says effects were not checked and how to check them (not "no violations")', async () => {
      const ran = await replayDoubleCharge('buggy', '--max-lines', '0');
      expect(ran.code).toBe(0);
      expect(ran.out).toMatch(
        /^exactlyOnce: not run: effects were not checked \(payments\.charge: 2 applied\); check them with --check exactly-once --key args\.<field> \(payments\.charge args: amountCents, messageId, orderId\)$/m,
      );
      expect(ran.out).not.toMatch(/^exactlyOnce: no violations/m);
    });

    it('both directions through the ledger: a charge lost while its event succeeded is a violation', async () => {
      const lost = join(dir, 'lost-charge.json');
      saveScenario(lost, {
        model: 'async',
        seed: 2,
        events: [{ atMs: 0, body: { orderId: 'o-7', amountCents: 500 } }],
        config: { maximumRetryAttempts: 2 },
        delivery: {},
        faults: [{ kind: 'callError', service: 'payments', call: 1 }],
      });
      const buggy = await cli('replay', lost, '--setup', `${EFFECTS_SETUP}#losesCharge`, ...exactlyOnce);
      expect(buggy.code).toBe(1);
      expect(buggy.out).toMatch(/^exactlyOnce: 1 violation:\n {2}1\. \[exactlyOnce\] .*acknowledged/m);
      const fixed = await cli('replay', lost, '--setup', `${EFFECTS_SETUP}#chargesOnce`, ...exactlyOnce);
      expect(fixed).toMatchObject({ code: 0, err: '' });

      const json = await cli(
        'replay',
        lost,
        '--setup',
        `${EFFECTS_SETUP}#losesCharge`,
        ...exactlyOnce,
        '--json',
      );
      expect(json.code).toBe(1);
      const report = JSON.parse(json.out) as {
        checks: Record<string, unknown>;
        violations: { check: string; kind: string }[];
      };
      expect(report.checks.exactlyOnce).toEqual({
        judged: true,
        violations: 1,
        service: 'payments',
        key: 'args.orderId',
      });
      expect(report.violations).toMatchObject([
        { check: 'exactlyOnce', kind: 'acknowledgedWithoutEffect', service: 'payments' },
      ]);
      const unchecked = await cli('replay', lost, '--setup', `${EFFECTS_SETUP}#losesCharge`, '--json');
      expect((JSON.parse(unchecked.out) as { checks: Record<string, unknown> }).checks.exactlyOnce).toEqual({
        judged: false,
        violations: null,
      });
    });

    it('picks the one api with effects; several: an error listing them, and --service / --op choose', async () => {
      const order = join(dir, 'order.json');
      saveScenario(order, {
        model: 'async',
        seed: 1,
        events: [{ atMs: 0, body: { orderId: 'o-1' } }],
        config: {},
        delivery: {},
        faults: [],
      });
      const replay = (...options: string[]) =>
        cli('replay', order, '--setup', `${EFFECTS_SETUP}#chargeAndEmail`, ...exactlyOnce, ...options);
      expect(await replay()).toEqual({
        code: 2,
        out: '',
        err: 'lambdasim: --check exactly-once: 2 external apis made effects (mailer, payments): name one with --service',
      });
      const one = await replay('--service', 'mailer', '--op', 'send');
      expect(one.code).toBe(0);
      expect(one.out).toMatch(
        /^exactlyOnce: no violations \(mailer\.send, key args\.orderId, both directions\)$/m,
      );
      expect((await replay('--service', 'sms')).err).toBe(
        'lambdasim: --service sms: the setup has no external api of that name (apis: mailer, payments)',
      );
      expect((await replay('--service', 'payments', '--op', 'chrage')).err).toBe(
        'lambdasim: --op chrage: no payments effect has that op (ops: charge)',
      );
    });

    it('a --key that reaches nothing in the effects: exit 2, one line naming the fields there are', async () => {
      const ran = await replayDoubleCharge('buggy', '--check', 'exactly-once', '--key', 'args.orderid');
      expect(ran).toEqual({
        code: 2,
        out: '',
        err: 'lambdasim: --key args.orderid: no payments effect has a value there (args fields: amountCents, messageId, orderId)',
      });
    });
  });
});

describe('runCli: demo, show of a trace, help per command (issue 15, item 8)', () => {
  it('every command has its own --help page with its exit codes; the main page lists demo, show, replay and the exit codes', async () => {
    const main = await cli('--help');
    for (const command of ['demo', 'show', 'replay']) {
      expect(main.out).toContain(`lambdasim ${command}`);
      const page = await cli(command, '--help');
      expect(page.code, command).toBe(0);
      expect(page.out, command).toMatch(new RegExp(`^Usage: lambdasim ${command}`));
      expect(page.out, command).toContain('Exit codes:');
      expect(await cli('help', command)).toEqual(page);
    }
    expect(main.out).toMatch(/Exit codes: 0 .*\n?.*1 .*2 /s);
  });

  it('show <trace.json>: the timeline of a saved trace and whether its hash matches its entries', async () => {
    const golden = join(root, 'fixtures/golden/sync-basic.trace.json');
    const saved = JSON.parse(readFileSync(golden, 'utf8')) as { trace: unknown[]; traceHash: string };
    const shown = await cli('show', golden, '--max-lines', '5');
    expect(shown.code, shown.err).toBe(0);
    const lines = shown.out.split('\n');
    expect(lines[0]).toBe(
      `// ${golden}: trace of ${saved.trace.length} events, hash ${saved.traceHash.slice(0, 16)}… (matches its entries)`,
    );
    expect(shown.out).toMatch(/\+0\.000s\s+burst\s+caller\.started/);
    expect(shown.out).toContain(`… ${saved.trace.length - 5} more events`);

    const tampered = join(dir, 'tampered.trace.json');
    writeFileSync(tampered, JSON.stringify({ ...saved, trace: saved.trace.slice(1) }));
    const bad = await cli('show', tampered);
    expect(bad.code).toBe(0);
    expect(bad.out.split('\n')[0]).toContain('does NOT match its entries');

    const bare = join(dir, 'bare.trace.json');
    writeFileSync(bare, JSON.stringify(saved.trace.slice(0, 3)));
    const fromArray = await cli('show', bare);
    expect(fromArray.code, fromArray.err).toBe(0);
    expect(fromArray.out.split('\n')).toHaveLength(4);
  });

  it('replay --sender-ids shows the SenderId on sqs.sent; without it, none', async () => {
    const plain = await cli('replay', DOUBLE_CHARGE, '--setup', `${SQS_CHARGE}#sqsChargeBatch.buggy`);
    expect(plain.out).toMatch(/sqs\.sent\s+msg [0-9a-f]{8}, \d+ B/);
    expect(plain.out).not.toContain('AIDA');
    const withIds = await cli(
      'replay',
      DOUBLE_CHARGE,
      '--setup',
      `${SQS_CHARGE}#sqsChargeBatch.buggy`,
      '--sender-ids',
    );
    expect(withIds.out).toMatch(/sqs\.sent\s+msg [0-9a-f]{8} from AIDA[0-9A-Z]+, \d+ B/);
  });

  it('demo: a bad option is a usage error, exit 2, with the usage line of demo', async () => {
    const ran = await cli('demo', '--no-such-option');
    expect(ran.code).toBe(2);
    expect(ran.err).toContain('Usage: lambdasim demo');
  });
});
