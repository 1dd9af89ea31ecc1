import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/index.js';
import { configureFromEnv } from '../../../src/vitest/index.js';

describe('configureFromEnv', () => {
  let saved: fc.GlobalParameters;
  beforeEach(() => {
    saved = fc.readConfigureGlobal();
    fc.configureGlobal({ numRuns: 33 });
  });
  afterEach(() => {
    fc.configureGlobal(saved);
  });

  it('reads FC_SEED, FC_PATH and FC_NUM_RUNS into the global configuration, keeping the rest', () => {
    const applied = configureFromEnv({ env: { FC_SEED: '-1234', FC_PATH: '3:1:0' } });
    expect(applied).toEqual({ seed: -1234, path: '3:1:0', endOnFailure: true });
    expect(fc.readConfigureGlobal()).toEqual({ numRuns: 33, seed: -1234, path: '3:1:0', endOnFailure: true });
    configureFromEnv({ env: { FC_NUM_RUNS: '500' } });
    expect(fc.readConfigureGlobal().numRuns).toBe(500);
  });

  it('replays a counterexample by its seed and path', () => {
    const property = fc.property(fc.nat({ max: 1000 }), (n) => n < 500);
    const found = fc.check(property, { seed: 99 });
    expect(found.failed).toBe(true);
    configureFromEnv({ env: { FC_SEED: String(found.seed), FC_PATH: found.counterexamplePath ?? '' } });
    const replayed = fc.check(property);
    expect(replayed.numRuns).toBe(1);
    expect(replayed.counterexample).toEqual(found.counterexample);
  });

  it('uses ciSeed in CI when FC_SEED is not set, and nothing otherwise', () => {
    expect(configureFromEnv({ env: { CI: 'true' }, ciSeed: 20261123 })).toEqual({ seed: 20261123 });
    expect(fc.readConfigureGlobal().seed).toBe(20261123);
    expect(configureFromEnv({ env: { CI: 'true', FC_SEED: '5' }, ciSeed: 20261123 })).toEqual({ seed: 5 });
    fc.configureGlobal({ numRuns: 33 });
    expect(configureFromEnv({ env: { CI: 'true' } })).toEqual({});
    expect(configureFromEnv({ env: {}, ciSeed: 20261123 })).toEqual({});
    expect(fc.readConfigureGlobal()).toEqual({ numRuns: 33 });
  });

  it('rejects invalid values with a ConfigError naming the variable', () => {
    expect(() => configureFromEnv({ env: { FC_SEED: 'abc' } })).toThrow(ConfigError);
    expect(() => configureFromEnv({ env: { FC_SEED: '1.5' } })).toThrow(
      'configureFromEnv: FC_SEED must be an integer (the seed fast-check printed), got "1.5"',
    );
    expect(() => configureFromEnv({ env: { FC_SEED: '1', FC_PATH: '3;1' } })).toThrow(
      'configureFromEnv: FC_PATH must be a fast-check path such as "3:1:0", got "3;1"',
    );
    expect(() => configureFromEnv({ env: { FC_PATH: '3:1' } })).toThrow(
      'configureFromEnv: FC_PATH needs FC_SEED (a path is only meaningful for its seed), got "3:1"',
    );
    expect(() => configureFromEnv({ env: { FC_NUM_RUNS: '0' } })).toThrow(
      'configureFromEnv: FC_NUM_RUNS must be an integer ≥ 1, got "0"',
    );
    expect(fc.readConfigureGlobal()).toEqual({ numRuns: 33 });
  });

  it('reads process.env by default', () => {
    const before = process.env.FC_NUM_RUNS;
    process.env.FC_NUM_RUNS = '7';
    try {
      expect(configureFromEnv().numRuns).toBe(7);
    } finally {
      if (before === undefined) delete process.env.FC_NUM_RUNS;
      else process.env.FC_NUM_RUNS = before;
    }
  });
});

describe('configureFromEnv: LAMBDASIM_RUNS (a campaign run count)', () => {
  const saved = fc.readConfigureGlobal();
  afterEach(() => fc.configureGlobal(saved));

  it('sets the runs per property, like FC_NUM_RUNS; both given must agree', () => {
    expect(configureFromEnv({ env: { LAMBDASIM_RUNS: '5000' } })).toEqual({ numRuns: 5000 });
    expect(fc.readConfigureGlobal().numRuns).toBe(5000);
    expect(configureFromEnv({ env: { LAMBDASIM_RUNS: '70', FC_NUM_RUNS: '70' } })).toEqual({ numRuns: 70 });
    expect(() => configureFromEnv({ env: { LAMBDASIM_RUNS: '70', FC_NUM_RUNS: '80' } })).toThrow(
      'configureFromEnv: LAMBDASIM_RUNS must equal FC_NUM_RUNS (80) when both are set, got "70"',
    );
    expect(() => configureFromEnv({ env: { LAMBDASIM_RUNS: '0' } })).toThrow(
      /LAMBDASIM_RUNS must be an integer ≥ 1/,
    );
  });
});
