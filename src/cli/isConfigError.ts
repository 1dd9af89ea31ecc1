import { ConfigError } from '../errors.js';

/**
 * A {@link ConfigError}, also one from another copy of lambdasim (a setup module importing
 * `lambdasim` from a different install throws that copy's class).
 */
export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError || (error instanceof Error && error.name === 'ConfigError');
}
