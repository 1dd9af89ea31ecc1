/*
 * Receipt handles are written from seeded numbers in base 36; this makes their digits fast.
 */

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
/** Every 2-digit base-36 string, `'00'` to `'zz'`, by value. */
const BASE36_PAIRS: readonly string[] = Array.from(
  { length: 36 * 36 },
  (_, i) => BASE36[Math.floor(i / 36)]! + BASE36[i % 36]!,
);

/**
 * @internal `x.toString(36).padStart(7, '0')` for a uint32 (below 36^7), from a table of digit pairs:
 * the same text at about a third of the cost (a receipt handle takes 8 of them).
 */
export function base36x7(x: number): string {
  const a = x % 1296;
  x = (x - a) / 1296;
  const b = x % 1296;
  x = (x - b) / 1296;
  const c = x % 1296;
  return BASE36[(x - c) / 1296]! + BASE36_PAIRS[c]! + BASE36_PAIRS[b]! + BASE36_PAIRS[a]!;
}
