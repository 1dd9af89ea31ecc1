/**
 * Thrown at once for invalid configuration or API misuse (a programmer error). The message
 * names the API, the value and the rule, e.g.
 * `fn("ProcessOrder"): timeoutS must be an integer between 1 and 900, got 0`.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** The API that rejected the value, e.g. `fn("ProcessOrder")`. */
    readonly api: string,
    /** The offending field. */
    readonly field: string,
    /** The rule, phrased to follow the field, e.g. `must be an integer between 1 and 900`. */
    readonly rule: string,
    /** The value given. */
    readonly value: unknown,
  ) {
    super(`${api}: ${field} ${rule}, got ${describe(value)}`);
  }
}

/**
 * A value as an error message quotes it: JSON, except that `NaN`, `Infinity` and `-Infinity`
 * (which JSON prints as `null`) print as themselves, also inside objects and arrays; cut at 80
 * characters.
 */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `a function`;
  if (value === undefined) return 'undefined';
  try {
    let nonFinite = false;
    let s = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v !== 'number' || Number.isFinite(v)) return v;
      nonFinite = true;
      return `${NON_FINITE}${String(v)}`;
    });
    if (nonFinite) s = s.replace(NON_FINITE_JSON, '$1');
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}

/** Marks a non-finite number inside JSON.stringify; unlikely in a user's string. */
const NON_FINITE = '\u0001lambdasim:nonFinite:';
const NON_FINITE_JSON = /"\\u0001lambdasim:nonFinite:(NaN|-?Infinity)"/g;

/** Validation helpers shared by every config resolver. */
export function intInRange(api: string, field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(api, field, `must be an integer between ${min} and ${max}`, value);
  }
  return value;
}

export function nonNegativeInt(api: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ConfigError(api, field, 'must be a non-negative integer', value);
  }
  return value;
}

export function checkName(api: string, field: string, value: unknown, pattern: RegExp, rule: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new ConfigError(api, field, rule, value);
  return value;
}

/**
 * Checks that `options` is a plain object whose keys are all known (an unknown key is most
 * likely a typo); returns it as a record for field-by-field validation.
 */
export function checkOptions(
  api: string,
  options: unknown,
  known: ReadonlySet<string>,
  rule = 'must be an object',
): Record<string, unknown> {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new ConfigError(api, 'options', rule, options);
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!known.has(key))
      throw new ConfigError(api, key, `is not a known option (known: ${[...known].join(', ')})`, record[key]);
  }
  return record;
}

export function checkBoolean(api: string, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(api, field, 'must be a boolean', value);
  return value;
}

/** Throws unless `value` is undefined (not given) or a plain object. */
export function checkObject(api: string, field: string, value: unknown): void {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value)))
    throw new ConfigError(api, field, 'must be an object', value);
}
