import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { examples } from '../../fixtures/examples/index.js';
import { runCli } from '../../src/cli/runCli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = (script: string, ...args: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FC_SEED: '', LAMBDASIM_SEED: '' },
  });

/** Whitespace-insensitive source text, with prettier's argument line breaks undone. */
function normalized(text: string): string {
  return text.replaceAll(/\s+/g, ' ').replaceAll('( ', '(').replaceAll(/,? \)/g, ')').replaceAll(', }', ' }');
}

/**
 * The source of an example's `buggy` or `fixed` setup, as written in its file. An example whose
 * fix is the configuration (`fixedConfig`) adds the twin's own config: `config` to the buggy side,
 * `fixedConfig` to the fixed one.
 */
function sourceOf(name: string, variant: 'buggy' | 'fixed', fixedConfig: boolean): string {
  const text = readFileSync(join(root, 'fixtures/examples', `${name}.ts`), 'utf8');
  const slice = (from: string, to: RegExp | string): string => {
    const start = text.indexOf(from);
    expect(start, `${name}.ts has no ${from.trim()}`).toBeGreaterThan(0);
    const end =
      typeof to === 'string' ? text.indexOf(to, start) : start + 1 + text.slice(start + 1).search(to);
    return normalized(text.slice(start, end));
  };
  let setup = variant === 'buggy' ? slice('\n  buggy:', '\n  fixed:') : slice('\n  fixed:', '\n  check:');
  // `buggy: buggyOnboarding,`: a setup written as a function of the file, read from there.
  const named = /^ ?\w+: (\w+),?$/.exec(setup)?.[1];
  if (named !== undefined && text.includes(`\nexport function ${named}(`))
    setup = slice(`\nexport function ${named}(`, '\n}\n');
  if (!fixedConfig) return setup;
  // The config property: up to the next property or comment of the example.
  const config = slice(variant === 'buggy' ? '\n  config:' : '\n  fixedConfig:', /\n {2}(\/\/|\w+:)/);
  return `${config} ${setup}`;
}

describe('npm run demo / lambdasim demo', () => {
  it('lambdasim demo fits one screen: one example in full (scenario, violation, key events, fix, twin, one-line replay), the others one line each', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lambdasim-demo-test-'));
    // `lambdasim demo` through the CLI, as a terminal would run it: a progress line on the side.
    const written: string[] = [];
    const progress: string[] = [];
    const code = await runCli(['demo', '--seed', '7', '--out', out], {
      out: (t) => written.push(t),
      err: (t) => written.push(`stderr: ${t}`),
      progress: (t) => progress.push(t),
    });
    const text = `${written.join('\n')}\n`;
    expect(code, text).toBe(0);
    expect(progress).toContain('[1/11] welcomeEmail: buggy handler, run 1');
    expect(progress).toContain('[10/11] kinesisRetriedBatch: fixed twin, run 191');
    expect(progress).toContain('[11/11] ddbTtlRemove: fixed twin, run 191');
    expect(text).not.toContain('run 1\n');
    const lines = text.trimEnd().split('\n');
    expect(lines.length, text).toBeLessThanOrEqual(50);
    expect(text.match(/^━━ /gm), text).toHaveLength(1);
    expect(text).toContain('━━ welcomeEmail (async)');
    expect(text).toMatch(/Bug found after \d+ runs?, shrunk to 1 event and 1 fault:/);
    expect(text).toContain('[exactlyOnce] mailer.send ran 2 times');
    // The timeline reaches the second email: not cut before the key event.
    expect(text).toMatch(/mailer +call\.landed +#2 send applied/);
    for (const line of examples[0]!.fix) expect(text).toContain(line);
    expect(text).toMatch(/^fixed twin: passed 200 runs/m);
    for (const e of examples.slice(1))
      expect(text).toMatch(
        new RegExp(`^  ${e.name} \\(${e.model}\\) +bug found after .*; fixed twin: passed 200 runs$`, 'm'),
      );

    // The replay is one line: the CLI replays the saved file to the same trace hash.
    const replay = /^Replay \(trace hash ([0-9a-f]{16})…\): npm run cli -- (replay .*)$/m.exec(text);
    expect(replay, text).not.toBeNull();
    const [, hashPrefix, command] = replay!;
    expect(command!.length).toBeLessThan(200);
    const again = tsx('src/cli/main.ts', ...command!.split(' '));
    expect(again).toMatch(new RegExp(`^Trace hash: ${hashPrefix}[0-9a-f]{48}$`, 'm'));
  }, 180_000); // eleven examples, each searched, shrunk and its twin run 200 times, on a busy machine

  it.each(examples.map((e) => [e.name, e] as const))(
    '%s: its fix is a short diff that holds to the source of the buggy handler and its twin',
    (name, example) => {
      const buggy = sourceOf(name, 'buggy', example.fixedConfig !== undefined);
      const fixed = sourceOf(name, 'fixed', example.fixedConfig !== undefined);
      expect(example.fix.length).toBeGreaterThanOrEqual(2);
      expect(example.fix.length).toBeLessThanOrEqual(4);
      let changes = 0;
      for (const line of example.fix) {
        const [mark, code] = [line[0], normalized(line.slice(2))];
        if (mark !== ' ') changes++;
        if (mark === '-' || mark === ' ') expect(buggy, `${line} in buggy`).toContain(code);
        if (mark === '+' || mark === ' ') expect(fixed, `${line} in fixed`).toContain(code);
        expect(['-', '+', ' ']).toContain(mark);
      }
      expect(changes).toBeGreaterThan(0);
    },
  );
});
