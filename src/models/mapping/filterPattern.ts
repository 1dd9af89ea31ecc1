import { ConfigError } from '../../errors.js';

/**
 * One filter of an event source mapping's `FilterCriteria`, in Lambda's filter pattern syntax
 * (a useful subset). Keys mirror the record; an SQS mapping filters on `body` only (the message
 * body parsed as JSON; a body that is not JSON matches only plain string values), as AWS does:
 * any other top-level key is a ConfigError.
 * Each leaf is an array of matchers, any of which may match:
 * - a string, number, boolean or `null`: equal value;
 * - `{ prefix: 'ab' }`, `{ suffix: '.png' }`;
 * - `{ numeric: ['>', 0, '<=', 5] }` (one or two comparisons; `'='` too);
 * - `{ exists: true | false }`;
 * - `{ 'anything-but': [values] }`.
 *
 * @example
 * ```ts
 * const filter: FilterPattern = { body: { status: ['paid'], amount: [{ numeric: ['>=', 100] }] } };
 * ```
 */
export type FilterPattern = { readonly [key: string]: FilterPattern | readonly FilterMatcher[] };

/** One matcher of a {@link FilterPattern} leaf. */
export type FilterMatcher =
  | string
  | number
  | boolean
  | null
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly numeric: readonly (string | number)[] }
  | { readonly exists: boolean }
  | { readonly 'anything-but': readonly (string | number | boolean | null)[] };

const OPS = new Set(['<', '<=', '=', '>', '>=']);

/** Validates a filter pattern (throws a ConfigError naming the path); returns it. */
export function checkFilterPattern(api: string, field: string, pattern: unknown): FilterPattern {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern))
    throw new ConfigError(
      api,
      field,
      'must be a filter pattern object, e.g. { body: { status: ["paid"] } }',
      pattern,
    );
  for (const [key, value] of Object.entries(pattern as Record<string, unknown>)) {
    const path = `${field}.${key}`;
    if (Array.isArray(value)) {
      if (value.length === 0) throw new ConfigError(api, path, 'must list at least one matcher', value);
      for (const m of value as unknown[]) checkMatcher(api, path, m);
    } else checkFilterPattern(api, path, value);
  }
  return pattern as FilterPattern;
}

function checkMatcher(api: string, path: string, m: unknown): void {
  if (m === null || ['string', 'number', 'boolean'].includes(typeof m)) return;
  if (typeof m !== 'object' || Array.isArray(m))
    throw new ConfigError(
      api,
      path,
      'matchers must be values or { prefix | suffix | numeric | exists | anything-but }',
      m,
    );
  const keys = Object.keys(m);
  const o = m as Record<string, unknown>;
  if (keys.length === 1) {
    if ((keys[0] === 'prefix' || keys[0] === 'suffix') && typeof o[keys[0]] === 'string') return;
    if (keys[0] === 'exists' && typeof o.exists === 'boolean') return;
    if (keys[0] === 'anything-but' && Array.isArray(o['anything-but'])) return;
    if (keys[0] === 'numeric' && Array.isArray(o.numeric)) {
      const n = o.numeric as unknown[];
      const ok =
        (n.length === 2 || n.length === 4) &&
        n.every((x, i) => (i % 2 === 0 ? OPS.has(x as string) : typeof x === 'number'));
      if (ok) return;
    }
  }
  throw new ConfigError(
    api,
    path,
    'has an unsupported matcher (supported: value, prefix, suffix, numeric, exists, anything-but)',
    m,
  );
}

/** True when `record` matches `pattern` (every key of the pattern matches). */
export function matchesPattern(pattern: FilterPattern, record: unknown): boolean {
  for (const [key, spec] of Object.entries(pattern)) {
    const present = record !== null && typeof record === 'object' && !Array.isArray(record) && key in record;
    const value = present ? (record as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(spec)) {
      if (!(spec as readonly FilterMatcher[]).some((m) => matchLeaf(m, present, value))) return false;
    } else if (!present || !matchesPattern(spec as FilterPattern, value)) return false;
  }
  return true;
}

function matchLeaf(m: FilterMatcher, present: boolean, value: unknown): boolean {
  if (m !== null && typeof m === 'object' && 'exists' in m)
    return m.exists === (present && value !== undefined);
  if (!present) return false;
  if (Array.isArray(value)) return value.some((v) => matchLeaf(m, true, v));
  if (m === null || typeof m !== 'object') return value === m;
  if ('prefix' in m) return typeof value === 'string' && value.startsWith(m.prefix);
  if ('suffix' in m) return typeof value === 'string' && value.endsWith(m.suffix);
  if ('anything-but' in m) return !m['anything-but'].includes(value as string);
  if ('numeric' in m) {
    if (typeof value !== 'number') return false;
    const n = m.numeric;
    for (let i = 0; i < n.length; i += 2)
      if (!compare(value, n[i] as string, n[i + 1] as number)) return false;
    return true;
  }
  return false;
}

function compare(v: number, op: string, x: number): boolean {
  switch (op) {
    case '<':
      return v < x;
    case '<=':
      return v <= x;
    case '=':
      return v === x;
    case '>':
      return v > x;
    default:
      return v >= x;
  }
}
