import { ConfigError } from '../errors.js';

/**
 * A {@link ConfigError}, also one from another copy of lambdasim (a setup module importing
 * `lambdasim` from a different install throws that copy's class): an Error named `ConfigError`
 * with lambdasim's `api`, `field` and `rule`. The user's own class of that name (a common one) is
 * not lambdasim's: it is their code's error, to show with its stack.
 */
export function isConfigError(error: unknown): error is ConfigError {
  if (error instanceof ConfigError) return true;
  if (!(error instanceof Error) || error.name !== 'ConfigError') return false;
  const e = error as Partial<Record<'api' | 'field' | 'rule', unknown>>;
  return typeof e.api === 'string' && typeof e.field === 'string' && typeof e.rule === 'string';
}
