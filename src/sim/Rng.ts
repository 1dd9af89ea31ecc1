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
  private readonly prng: seedrandom.PRNG;
  constructor(seed: string) {
    // alea: fast (~8 ns/number) and cheap to create, unlike seedrandom's default ARC4.
    this.prng = seedrandom.alea(seed);
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
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const w = rng.uint32();
    b.push(w >>> 24, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff);
  }
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.map((x) => HEX[x]!);
  return `${h.slice(0, 4).join('')}-${h.slice(4, 6).join('')}-${h.slice(6, 8).join('')}-${h.slice(8, 10).join('')}-${h.slice(10, 16).join('')}`;
}
