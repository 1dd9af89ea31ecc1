import seedrandom from 'seedrandom';

/**
 * A seeded pseudo-random stream. Every random choice of the simulator goes through one of
 * these; each subsystem gets its own sub-stream (see {@link RngStreams}) so that a new choice in
 * one model does not shift the choices of another.
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** A 32-bit unsigned integer. */
  uint32(): number;
}

class AleaRng implements Rng {
  private prngOrUndefined: seedrandom.PRNG | undefined;
  constructor(private readonly seed: string) {}
  /**
   * alea: fast (~8 ns/number) and cheap to create, unlike seedrandom's default ARC4; created on
   * first use all the same, since most runs never draw from most of the streams their models
   * create (seeding one costs about as much as a thousand draws).
   */
  private get prng(): seedrandom.PRNG {
    return (this.prngOrUndefined ??= seedrandom.alea(this.seed));
  }
  next(): number {
    return this.prng();
  }
  int(n: number): number {
    return Math.floor(this.prng() * n);
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty array');
    return items[this.int(items.length)]!;
  }
  uint32(): number {
    return this.prng.int32() >>> 0;
  }
}

/** The per-run family of sub-streams, keyed by subsystem name and derived from one seed. */
export class RngStreams {
  private readonly streams = new Map<string, Rng>();
  constructor(readonly seed: number) {}

  /** The sub-stream for `subsystem`, created on first use. */
  stream(subsystem: string): Rng {
    let rng = this.streams.get(subsystem);
    if (rng === undefined) {
      rng = new AleaRng(`lambdasim:${this.seed}:${subsystem}`);
      this.streams.set(subsystem, rng);
    }
    return rng;
  }
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A version-4 shaped UUID built from a seeded stream (deterministic, not cryptographic). */
export function seededUuid(rng: Rng): string {
  const a = rng.uint32();
  const b = rng.uint32();
  const c = rng.uint32();
  const d = rng.uint32();
  return (
    hex8(a) +
    '-' +
    hex4(b >>> 16) +
    '-' +
    hex4(((b & 0x0fff) | 0x4000) >>> 0) +
    '-' +
    hex4(((c >>> 16) & 0x3fff) | 0x8000) +
    '-' +
    hex4(c & 0xffff) +
    hex8(d)
  );
}

function hex4(x: number): string {
  return HEX[x >>> 8]! + HEX[x & 0xff]!;
}

function hex8(x: number): string {
  return hex4(x >>> 16) + hex4(x & 0xffff);
}
