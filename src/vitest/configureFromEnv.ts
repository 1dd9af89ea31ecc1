import fc from 'fast-check';
import { ConfigError } from '../errors.js';

/** Options of {@link configureFromEnv}. */
export interface ConfigureFromEnvOptions {
  /** The variables to read. @defaultValue `process.env` */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The seed to use when `CI` is set and `FC_SEED` is not (stable test names and reproducible
   * CI runs). Undefined: a fresh seed in CI too. @defaultValue undefined
   */
  readonly ciSeed?: number;
}

/** What {@link configureFromEnv} put into `fc.configureGlobal`. */
export interface EnvConfiguration {
  readonly seed?: number;
  readonly path?: string;
  readonly numRuns?: number;
  readonly endOnFailure?: boolean;
}

function integerFrom(name: string, text: string, min: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigError('configureFromEnv', name, `must be an integer ≥ ${min}`, text);
  }
  return value;
}

/**
 * Reads fast-check's replay settings from the environment into `fc.configureGlobal` (merged
 * with what is configured already), so that the command a failure prints replays it:
 *
 * - `FC_SEED`: the seed of every property (an integer);
 * - `FC_PATH`: the counterexample's path (`3:1:0`); needs `FC_SEED`; runs that one case only
 *   (`endOnFailure`), so narrow the run to the failing test with `-t`;
 * - `FC_NUM_RUNS`: runs per property (an integer ≥ 1);
 * - `LAMBDASIM_RUNS`: the same, named for a campaign (`LAMBDASIM_RUNS=100000 npx vitest run
 *   --shard=2/8`); when both are set they must agree.
 *
 * (`LAMBDASIM_COUNTEREXAMPLES=<dir>` needs no setup either: a failing property over scenarios
 * saves its shrunk counterexample there, see the README's campaign recipe.)
 *
 * (`LAMBDASIM_CHECK_DETERMINISM=1`, the determinism self-check, needs no setup: `runScenario`
 * reads it on every call.)
 *
 * Call it from a vitest `setupFiles` module. Invalid values throw a `ConfigError`.
 *
 * @example
 * ```ts
 * // test/setup.ts, listed in vitest.config.ts `test.setupFiles`
 * import { configureFromEnv } from 'lambdasim/vitest';
 * configureFromEnv({ ciSeed: 20261123 });
 * // FC_SEED=42 FC_PATH=3:1:0 npx vitest run test/orders.test.ts -t 'charges once'
 * ```
 */
export function configureFromEnv(options: ConfigureFromEnvOptions = {}): EnvConfiguration {
  const env = options.env ?? process.env;
  const config: { seed?: number; path?: string; numRuns?: number; endOnFailure?: boolean } = {};
  const seedText = env.FC_SEED;
  if (seedText !== undefined && seedText !== '') {
    const seed = Number(seedText);
    if (seedText.trim() === '' || !Number.isInteger(seed) || Math.abs(seed) > 2 ** 32) {
      throw new ConfigError(
        'configureFromEnv',
        'FC_SEED',
        'must be an integer (the seed fast-check printed)',
        seedText,
      );
    }
    config.seed = seed;
  } else if (env.CI !== undefined && env.CI !== '' && options.ciSeed !== undefined) {
    config.seed = options.ciSeed;
  }
  const path = env.FC_PATH;
  if (path !== undefined && path !== '') {
    if (!/^\d+(:\d+)*$/.test(path)) {
      throw new ConfigError('configureFromEnv', 'FC_PATH', 'must be a fast-check path such as "3:1:0"', path);
    }
    if (seedText === undefined || seedText === '') {
      throw new ConfigError(
        'configureFromEnv',
        'FC_PATH',
        'needs FC_SEED (a path is only meaningful for its seed)',
        path,
      );
    }
    config.path = path;
    config.endOnFailure = true;
  }
  const numRunsText = env.FC_NUM_RUNS;
  if (numRunsText !== undefined && numRunsText !== '') {
    config.numRuns = integerFrom('FC_NUM_RUNS', numRunsText, 1);
  }
  const runsText = env.LAMBDASIM_RUNS;
  if (runsText !== undefined && runsText !== '') {
    const runs = integerFrom('LAMBDASIM_RUNS', runsText, 1);
    if (config.numRuns !== undefined && config.numRuns !== runs)
      throw new ConfigError(
        'configureFromEnv',
        'LAMBDASIM_RUNS',
        `must equal FC_NUM_RUNS (${config.numRuns}) when both are set`,
        runsText,
      );
    config.numRuns = runs;
  }
  if (Object.keys(config).length > 0) fc.configureGlobal({ ...fc.readConfigureGlobal(), ...config });
  return config;
}
