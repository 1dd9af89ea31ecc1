/**
 * Captured globals (DESIGN.md section 2): lambdasim installs its virtual globals when it is
 * imported, so a module loaded afterwards that captured `Date`, `Date.now`, `Math.random`,
 * `crypto.randomUUID` (node:crypto, Web Crypto, a `uuid`-style CommonJS module) or
 * `performance.now` at load gets virtual, seeded values inside a run and real ones outside; a real
 * timer captured before lambdasim was imported is reported and cancelled when the run ends.
 * In a child process (capturedGlobals.ts), because this test process has run simulations before
 * the file loads and the import order must be a user's.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from './fixtures/capturesGlobalsAtLoad.js';

const EPOCH_MS = 1_600_000_000_000; // capturedGlobals.ts
const HANDLER_AT_MS = 100 + 250; // Init, then the fixture's 250 ms timer

interface Run {
  readonly body: Sample;
  readonly traceHash: string;
  readonly determinismErrors: readonly string[];
}
interface Output {
  readonly captured: readonly [Run, Run];
  readonly live: Run;
  readonly outside: Sample;
  readonly realNowMs: number;
  readonly leaky: Omit<Run, 'body'> & { readonly ticksAtEnd: number; readonly ticksAfter: number };
}

let out: Output;

beforeAll(async () => {
  const script = fileURLToPath(new URL('./capturedGlobals.ts', import.meta.url));
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    timeout: 30_000,
  });
  out = JSON.parse(stdout) as Output;
});

describe('references captured by a module loaded after lambdasim', () => {
  it('give the same values in two runs with the same seed, and the same trace hash', () => {
    const [a, b] = out.captured;
    expect(b.body).toEqual(a.body);
    expect(b.traceHash).toBe(a.traceHash);
    expect(a.determinismErrors).toEqual([]);
  });

  it('are the virtual clock and the seeded values: what the globals themselves give', () => {
    const { body } = out.captured[0];
    expect(body).toEqual(out.live.body);
    expect(body.date).toBe(EPOCH_MS + HANDLER_AT_MS);
    expect(body.now).toBe(EPOCH_MS + HANDLER_AT_MS);
    expect(body.perf).toBe(HANDLER_AT_MS);
    expect(new Set(body.uuids).size).toBe(4);
  });

  it('performance.timeOrigin + performance.now() is the virtual wall clock inside a run', () => {
    const { body } = out.captured[0];
    expect(body.timeOrigin).toBe(EPOCH_MS);
    expect(body.timeOrigin + body.perf).toBe(body.now);
  });

  it('are the real ones outside a run', () => {
    const { outside, realNowMs } = out;
    expect(Math.abs(outside.now - realNowMs)).toBeLessThan(60_000);
    expect(Math.abs(outside.date - realNowMs)).toBeLessThan(60_000);
    expect(Math.abs(outside.timeOrigin + outside.perf - realNowMs)).toBeLessThan(60_000);
    expect(outside.uuids).not.toEqual(out.captured[0].body.uuids);
  });
});

describe('a real timer captured before lambdasim was imported', () => {
  it('is reported, and cancelled when the run ends: it never fires into the test process', () => {
    expect(out.leaky.determinismErrors).toEqual(['Timeout']);
    expect(out.leaky.ticksAfter).toBe(out.leaky.ticksAtEnd);
  });
});
