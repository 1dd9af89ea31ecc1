import { configureFromEnv } from '../src/vitest/index.js';

// Property tests use a fixed seed in CI (stable test names and reproducible runs) and a fresh
// one locally unless FC_SEED is given; FC_SEED + FC_PATH replay one counterexample (with -t to
// select its test) and FC_NUM_RUNS sets the runs per property. fast-check prints the seed and
// path of any failure; lambdasim's matchers print the whole replay command.
configureFromEnv({ ciSeed: 20261123 });
