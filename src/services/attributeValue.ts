import type { StoredItem } from './itemValue.js';

/*
 * The DynamoDB value codec's encoding side and value semantics, below the models so a table's
 * stream (models/streams) and the protocol door (aws/dynamodb) share it: stored values to
 * AttributeValues, their types, equality, order and size. Reading AttributeValues from the wire,
 * with the ValidationExceptions DynamoDB answers, is the protocol door's
 * (`aws/dynamodb/parseAttributeValue.ts`).
 */

/**
 * DynamoDB's `AttributeValue` as the JSON protocol carries it: exactly one type key. Binary is
 * base64 text and numbers are decimal text.
 * Source: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html
 */
export type AttributeValue = Readonly<Record<string, unknown>>;

/** The attribute type names, as `attribute_type` and error messages use them. */
export type TypeName = 'S' | 'N' | 'B' | 'SS' | 'NS' | 'BS' | 'BOOL' | 'NULL' | 'L' | 'M';
export const TYPE_NAMES: readonly TypeName[] = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'BOOL', 'NULL', 'L', 'M'];

/** Decimal text without exponent notation, as DynamoDB returns numbers. */
export function formatNumber(n: number): string {
  const text = String(n);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const [int, frac = ''] = mantissa.split('.');
  const digits = `${int}${frac}`;
  const point = int!.length + exponent;
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? `${digits}${'0'.repeat(point - digits.length)}`
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${body}` : body;
}

/** Sign, significant digits and exponent (value = digits × 10^exponent), or undefined when not a number. */
export function normalizeDecimal(
  text: string,
): { negative: boolean; digits: string; exponent: number } | undefined {
  const s = text.trim();
  let i = 0;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') negative = s[i++] === '-';
  let intPart = '';
  let fracPart = '';
  while (i < s.length && isDigit(s[i]!)) intPart += s[i++];
  if (s[i] === '.') {
    i++;
    while (i < s.length && isDigit(s[i]!)) fracPart += s[i++];
  }
  if (intPart === '' && fracPart === '') return undefined;
  let exponent = 0;
  if (s[i] === 'e' || s[i] === 'E') {
    i++;
    let expText = '';
    if (s[i] === '+' || s[i] === '-') expText += s[i++];
    while (i < s.length && isDigit(s[i]!)) expText += s[i++];
    if (!/\d/.test(expText)) return undefined;
    exponent = Number(expText);
  }
  if (i !== s.length) return undefined;
  let digits = `${intPart}${fracPart}`.replace(/^0+/, '');
  exponent -= fracPart.length;
  if (digits === '') return { negative: false, digits: '0', exponent: 0 };
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  return { negative, digits, exponent: exponent + trailing };
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** A stored value as an AttributeValue. */
export function toWire(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: formatNumber(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (value instanceof Uint8Array) return { B: Buffer.from(value).toString('base64') };
  if (value instanceof Set) {
    const members = [...(value as Set<unknown>)];
    const first = members[0];
    if (typeof first === 'number') return { NS: members.map((m) => formatNumber(m as number)) };
    if (first instanceof Uint8Array)
      return { BS: members.map((m) => Buffer.from(m as Uint8Array).toString('base64')) };
    return { SS: members as string[] };
  }
  if (Array.isArray(value)) return { L: value.map(toWire) };
  if (typeof value === 'object') return { M: itemToWire(value as StoredItem) };
  throw new Error(`toWire: not a stored value: ${String(value)}`);
}

/** A stored item as a wire item. */
export function itemToWire(item: Readonly<StoredItem>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(item)) out[name] = toWire(value);
  return out;
}

/** The DynamoDB type of a stored value. */
export function typeOf(value: unknown): TypeName {
  if (typeof value === 'string') return 'S';
  if (typeof value === 'number') return 'N';
  if (typeof value === 'boolean') return 'BOOL';
  if (value === null) return 'NULL';
  if (value instanceof Uint8Array) return 'B';
  if (value instanceof Set) {
    const first = (value as Set<unknown>).values().next().value;
    return typeof first === 'number' ? 'NS' : first instanceof Uint8Array ? 'BS' : 'SS';
  }
  return Array.isArray(value) ? 'L' : 'M';
}

/** Equality of stored values as DynamoDB's `=` sees it: same type and value (sets regardless of order). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ta = typeOf(a);
  if (ta !== typeOf(b)) return false;
  switch (ta) {
    case 'B':
      return Buffer.compare(a as Uint8Array, b as Uint8Array) === 0;
    case 'SS':
    case 'NS':
    case 'BS': {
      const as = [...(a as Set<unknown>)];
      const bs = [...(b as Set<unknown>)];
      return as.length === bs.length && as.every((x) => bs.some((y) => valuesEqual(x, y)));
    }
    case 'L': {
      const al = a as unknown[];
      const bl = b as unknown[];
      return al.length === bl.length && al.every((x, i) => valuesEqual(x, bl[i]));
    }
    case 'M': {
      const am = a as StoredItem;
      const bm = b as StoredItem;
      const keys = Object.keys(am);
      return (
        keys.length === Object.keys(bm).length &&
        keys.every((k) => Object.hasOwn(bm, k) && valuesEqual(am[k], bm[k]))
      );
    }
    default:
      return false; // scalars: a === b was checked
  }
}

/**
 * The order of two values of one orderable type (N numerically, S and B by bytes, UTF-8 for
 * strings), or undefined when they are not both N, both S or both B (DynamoDB: such a comparison
 * is false). Source: "Comparison operator and function reference", Making comparisons:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
 */
export function compareValues(a: unknown, b: unknown): number | undefined {
  const ta = typeOf(a);
  if (ta !== typeOf(b)) return undefined;
  if (ta === 'N') return (a as number) - (b as number);
  if (ta === 'S') return Buffer.compare(Buffer.from(a as string, 'utf8'), Buffer.from(b as string, 'utf8'));
  if (ta === 'B') return Buffer.compare(a as Uint8Array, b as Uint8Array);
  return undefined;
}

/**
 * An item's size as DynamoDB counts it against the 400 KB limit: each attribute name's UTF-8
 * length plus its value's size (strings: UTF-8 bytes; numbers: about one byte per two significant
 * digits plus one; binary: bytes; booleans and null: 1; lists and maps: 3 plus 1 per element plus
 * the elements). Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
export function itemSize(item: Readonly<StoredItem>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item))
    size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  return size;
}

function valueSize(value: unknown): number {
  switch (typeOf(value)) {
    case 'S':
      return Buffer.byteLength(value as string, 'utf8');
    case 'N':
      return Math.ceil(normalizeDecimal(formatNumber(value as number))!.digits.length / 2) + 1;
    case 'B':
      return (value as Uint8Array).length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'L':
      return 3 + (value as unknown[]).reduce<number>((n, v) => n + 1 + valueSize(v), 0);
    case 'M':
      return (
        3 +
        Object.entries(value as StoredItem).reduce(
          (n, [k, v]) => n + 1 + Buffer.byteLength(k, 'utf8') + valueSize(v),
          0,
        )
      );
    default:
      return [...(value as Set<unknown>)].reduce<number>((n, v) => n + valueSize(v), 0);
  }
}
