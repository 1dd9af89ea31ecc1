/**
 * The determinism contract (DESIGN.md section 2), tested like fast-check's
 * `assertProduceSameValueGivenSameSeed`: one seed decides a whole run; the same scenario and seed
 * give the same trace hash in this process (run again, in another order, side by side with other
 * runs) and in a separate process with a different time zone; different seeds give different runs.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/index.js';
import { runScenario, type ScenarioRun } from './determinismScenario.js';

const SEED_COUNT = 500;
/** 0..499 plus the edges of the seed domain. */
const SEEDS: readonly number[] = [
  ...Array.from({ length: SEED_COUNT }, (_, i) => i),
  -1,
  2 ** 31,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
];

const firstPass = new Map<number, ScenarioRun>();

/** The trace with request ids replaced by their order of appearance: the run's behaviour. */
function shapeOf(trace: readonly TraceEvent[]): string {
  const ids = new Map<string, number>();
  return JSON.stringify(
    trace.map((e) => {
      if (!('requestId' in e) || e.requestId === undefined) return e;
      let n = ids.get(e.requestId);
      if (n === undefined) ids.set(e.requestId, (n = ids.size));
      return { ...e, requestId: n };
    }),
  );
}

/** True when some warm start chose among two or more idle environments of its function. */
function hadSeededEnvironmentChoice(trace: readonly TraceEvent[]): boolean {
  const idle = new Set<string>();
  for (const e of trace) {
    if (e.kind === 'invoke.succeeded' || (e.kind === 'invoke.failed' && e.cause !== 'initError'))
      idle.add(e.env);
    else if (e.kind === 'env.reclaimed') idle.delete(e.env);
    else if (e.kind === 'invoke.started') {
      const fn = `${e.fn}#`;
      const candidates = [...idle].filter((env) => env.startsWith(fn)).length;
      idle.delete(e.env);
      if (!e.cold && candidates >= 2) return true;
    }
  }
  return false;
}

describe('determinism contract', () => {
  beforeAll(async () => {
    for (const seed of SEEDS) firstPass.set(seed, await runScenario(seed));
  });

  it(`runs ${SEEDS.length} seeds to quiescence with no determinism errors`, () => {
    for (const [seed, { result }] of firstPass) {
      expect(result.seed).toBe(seed);
      expect(result.end.kind, `seed ${seed}`).toBe('quiescent');
      expect(result.determinismErrors, `seed ${seed}`).toEqual([]);
      expect(result.traceHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('gives the same trace hash when each seed runs again (in reverse order, five at a time)', async () => {
    const reversed = [...SEEDS].reverse();
    const mismatches: number[] = [];
    for (let i = 0; i < reversed.length; i += 5) {
      const group = reversed.slice(i, i + 5);
      const runs = await Promise.all(group.map((seed) => runScenario(seed)));
      runs.forEach((run, k) => {
        const seed = group[k]!;
        const first = firstPass.get(seed)!;
        if (run.result.traceHash !== first.result.traceHash) mismatches.push(seed);
        else expect(run.answers).toEqual(first.answers);
      });
    }
    expect(mismatches, 'seeds whose second run diverged').toEqual([]);
    // The hash is over the trace: equal hashes mean equal traces (spot-check one).
    const again = await runScenario(7);
    expect(again.result.trace).toEqual(firstPass.get(7)!.result.trace);
  });

  it('gives the same trace hashes in a separate process (fresh modules, another time zone)', async () => {
    const script = fileURLToPath(new URL('./printTraceHashes.ts', import.meta.url));
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', script, JSON.stringify(SEEDS)],
      { cwd: root, env: { ...process.env, TZ: 'America/St_Johns' }, maxBuffer: 16 * 1024 * 1024 },
    );
    const theirs = JSON.parse(stdout) as Record<string, string>;
    const ours = Object.fromEntries(
      SEEDS.map((seed) => [String(seed), firstPass.get(seed)!.result.traceHash]),
    );
    expect(Object.keys(theirs)).toHaveLength(SEEDS.length);
    expect(theirs).toEqual(ours);
  });

  it('depends on the seed: different seeds give different hashes and, mostly, different behaviour', () => {
    const hashes = new Set([...firstPass.values()].map((r) => r.result.traceHash));
    expect(hashes.size).toBe(SEEDS.length);
    // Request ids alone would make every hash distinct; the behaviour itself must vary too.
    const shapes = new Set([...firstPass.values()].map((r) => shapeOf(r.result.trace)));
    expect(shapes.size).toBeGreaterThan(SEEDS.length * 0.95);
  });

  it('is representative: across the seeds every interesting case is reached', () => {
    const seen = new Map<string, number>();
    let seededChoices = 0;
    for (const { result } of firstPass.values()) {
      for (const e of result.trace) {
        const detail =
          e.kind === 'invoke.failed'
            ? `:${e.cause}`
            : e.kind === 'env.reset'
              ? `:${e.reason}`
              : e.kind === 'invoke.started'
                ? `:${e.cold ? 'cold' : 'warm'}`
                : '';
        const key = `${e.kind}${detail}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      if (hadSeededEnvironmentChoice(result.trace)) seededChoices++;
    }
    const required = [
      'invoke.started:cold',
      'invoke.started:warm',
      'invoke.succeeded',
      'invoke.failed:error',
      'invoke.failed:timeout',
      'invoke.failed:uncaught',
      'invoke.failed:initError',
      'env.reset:timeout',
      'env.reset:uncaught',
      'env.reclaimed',
      'env.frozen',
      'env.thawed',
      'invoke.throttled',
      'request.clientTimedOut',
      'caller.finished',
    ];
    const missing = required.filter((k) => !seen.has(k));
    expect(missing, 'cases never reached by the scenario').toEqual([]);
    // Each case shows up in a fair share of runs, not once by luck.
    for (const k of required) expect(seen.get(k)!, k).toBeGreaterThan(SEEDS.length / 10);
    expect(seededChoices, 'runs with a seeded choice among idle environments').toBeGreaterThan(
      SEEDS.length / 4,
    );
  });
});
