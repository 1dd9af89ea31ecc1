import { ConfigError } from '../../errors.js';
import { realGlobals } from '../../sim/realGlobals.js';

/**
 * A parsed EventBridge schedule expression: `rate(value unit)` or `cron(minutes hours
 * day-of-month month day-of-week year)` (UTC, minute resolution).
 */
export type ScheduleExpression =
  | { readonly kind: 'rate'; readonly everyMs: number }
  | {
      readonly kind: 'cron';
      readonly minutes: ReadonlySet<number>;
      readonly hours: ReadonlySet<number>;
      /** undefined = `?` */
      readonly daysOfMonth: ReadonlySet<number> | undefined;
      readonly months: ReadonlySet<number>;
      /** 1-7 = SUN-SAT; undefined = `?` */
      readonly daysOfWeek: ReadonlySet<number> | undefined;
      readonly years: ReadonlySet<number>;
    };

const RATE_UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Parses and validates a schedule expression; a bad one is a ConfigError naming the rule. */
export function parseScheduleExpression(api: string, expression: unknown): ScheduleExpression {
  const bad = (rule: string): never => {
    throw new ConfigError(api, 'expression', rule, expression);
  };
  if (typeof expression !== 'string') return bad('must be a rate(...) or cron(...) expression');
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  if (rate !== null) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    if (value < 1) return bad('must have a rate value of at least 1');
    if (value === 1 && unit.endsWith('s'))
      return bad(`must use the singular unit for a value of 1 (rate(1 ${unit.slice(0, -1)}))`);
    if (value > 1 && !unit.endsWith('s'))
      return bad(`must use the plural unit for a value above 1 (rate(${value} ${unit}s))`);
    return { kind: 'rate', everyMs: value * RATE_UNITS[unit.replace(/s$/, '')]! };
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron === null)
    return bad('must be rate(value unit) or cron(minutes hours day-of-month month day-of-week year)');
  const fields = cron[1]!.trim().split(/\s+/);
  if (fields.length !== 6)
    return bad('must have 6 cron fields: minutes hours day-of-month month day-of-week year');
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?'))
    return bad('must use ? in exactly one of day-of-month and day-of-week');
  const field = (
    text: string,
    name: string,
    lo: number,
    hi: number,
    names?: readonly string[],
    nameBase = 1,
  ) => parseField(text, lo, hi, names, nameBase, (why) => bad(`${name} ${why}`));
  return {
    kind: 'cron',
    minutes: field(min, 'minutes', 0, 59),
    hours: field(hour, 'hours', 0, 23),
    daysOfMonth: dom === '?' ? undefined : field(dom, 'day-of-month', 1, 31),
    months: field(month, 'month', 1, 12, MONTHS),
    daysOfWeek: dow === '?' ? undefined : field(dow, 'day-of-week', 1, 7, DAYS),
    years: field(year, 'year', 1970, 2199),
  };
}

function parseField(
  text: string,
  lo: number,
  hi: number,
  names: readonly string[] | undefined,
  nameBase: number,
  bad: (why: string) => never,
): ReadonlySet<number> {
  const out = new Set<number>();
  const value = (t: string): number => {
    const byName = names?.indexOf(t.toUpperCase()) ?? -1;
    if (byName >= 0) return byName + nameBase;
    if (!/^\d+$/.test(t))
      return bad(`has an unsupported value ${JSON.stringify(t)} (L, W and # are not simulated)`);
    const n = Number(t);
    if (n < lo || n > hi) return bad(`must be between ${lo} and ${hi}, got ${n}`);
    return n;
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) bad(`has a bad increment in ${JSON.stringify(part)}`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = lo;
      to = hi;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      from = value(a);
      to = value(b);
      if (to < from) bad(`has a descending range ${JSON.stringify(range)}`);
    } else {
      from = value(range);
      to = stepText === undefined ? from : hi;
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/**
 * The first instant (epoch ms) strictly after `afterEpochMs` that the expression fires at, or
 * undefined if none does (a cron whose years are all past). `rate` fires every `everyMs` from
 * `startEpochMs`.
 */
export function nextFiring(
  expr: ScheduleExpression,
  startEpochMs: number,
  afterEpochMs: number,
): number | undefined {
  if (expr.kind === 'rate') {
    const n = Math.floor((afterEpochMs - startEpochMs) / expr.everyMs) + 1;
    return startEpochMs + Math.max(1, n) * expr.everyMs;
  }
  // Walk day by day (UTC), then the first matching hour and minute in the day.
  const MINUTE = 60_000;
  const DAY = 86_400_000;
  let t = Math.floor(afterEpochMs / MINUTE) * MINUTE + MINUTE;
  const maxYear = Math.max(...expr.years);
  for (let guard = 0; guard < 366 * 250; guard++) {
    const d = new realGlobals.Date(t);
    const year = d.getUTCFullYear();
    if (year > maxYear) return undefined;
    const dayStart = Math.floor(t / DAY) * DAY;
    if (expr.years.has(year) && expr.months.has(d.getUTCMonth() + 1) && dayMatches(expr, d)) {
      const minuteOfDay = Math.round((t - dayStart) / MINUTE);
      for (let m = minuteOfDay; m < 1440; m++) {
        if (expr.hours.has(Math.floor(m / 60)) && expr.minutes.has(m % 60)) return dayStart + m * MINUTE;
      }
    }
    t = dayStart + DAY;
  }
  return undefined;
}

function dayMatches(expr: Extract<ScheduleExpression, { kind: 'cron' }>, d: Date): boolean {
  if (expr.daysOfMonth !== undefined) return expr.daysOfMonth.has(d.getUTCDate());
  return expr.daysOfWeek!.has(d.getUTCDay() + 1);
}
