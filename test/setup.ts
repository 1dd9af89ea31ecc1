import fc from 'fast-check';

// Property tests use a fixed seed in CI (stable test names and reproducible runs) and a fresh
// one locally unless FC_SEED is given. fast-check prints the seed and path of any failure.
const fromEnv = process.env.FC_SEED;
const seed = fromEnv !== undefined ? Number(fromEnv) : process.env.CI ? 20261123 : undefined;
if (seed !== undefined) fc.configureGlobal({ seed });
