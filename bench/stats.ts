export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** (max - min) / median, as a fraction: how far apart the repetitions landed. */
export function relativeRange(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  return (Math.max(...xs) - Math.min(...xs)) / median(xs);
}

/** "12.3", "1.23", "123": three significant digits, no exponent. */
export function sig3(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** A rate with an SI suffix: 4.71 M/s, 63.2 k/s. */
export function rate(perSecond: number): string {
  if (perSecond >= 1e6) return `${sig3(perSecond / 1e6)} M/s`;
  if (perSecond >= 1e3) return `${sig3(perSecond / 1e3)} k/s`;
  return `${sig3(perSecond)} /s`;
}

/** A duration given in nanoseconds, in the most readable unit. */
export function duration(ns: number): string {
  if (ns >= 1e6) return `${sig3(ns / 1e6)} ms`;
  if (ns >= 1e3) return `${sig3(ns / 1e3)} µs`;
  return `${sig3(ns)} ns`;
}

/** "14x faster than X" / "1.8x slower than X" for a cost ratio (mine / theirs). */
export function versus(costRatio: number, what: string): string {
  if (costRatio > 1) return `${sig3(costRatio)}x slower than ${what}`;
  return `${sig3(1 / costRatio)}x faster than ${what}`;
}

export function count(n: number): string {
  if (n >= 1e6 && n % 1e4 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return String(n);
}

export function pad(s: string, width: number, right = false): string {
  return right ? s.padStart(width) : s.padEnd(width);
}

/**
 * One line per figure that a baseline also has: old -> new, the change, and a verdict (over
 * 20% either way is past the noise of this machine). Lower is cheaper for every figure.
 */
export function baselineLines(
  figures: Readonly<Record<string, number>>,
  baseline: Readonly<Record<string, number | undefined>>,
  keyWidth: number,
): string[] {
  const lines: string[] = [];
  for (const [key, n] of Object.entries(figures)) {
    const old = baseline[key];
    if (old === undefined) continue;
    const change = n / old - 1;
    const verdict = change > 0.2 ? 'WORSE (rerun to confirm)' : change < -0.2 ? 'better' : 'within noise';
    lines.push(
      `  ${key.padEnd(keyWidth)} ${sig3(old).padStart(7)} -> ${sig3(n).padStart(7)}  ${`${change >= 0 ? '+' : ''}${(change * 100).toFixed(0)}%`.padStart(5)}  ${verdict}`,
    );
  }
  return lines;
}
