/**
 * Virtualised globals (DESIGN.md section 2): inside a simulated invocation `Date`, timers,
 * `performance.now`, `Math.random` and `crypto.randomUUID` answer from the simulation (virtual
 * clock, seeded values); outside it they are the real ones; two simulations side by side do not
 * see each other; real I/O and real timers started inside are reported as determinism errors.
 */
import cryptoModule, { randomUUID as nodeRandomUUID } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import timers, { setTimeout as timersSetTimeout } from 'node:timers';
import timersPromises, { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createSimulation, type InvokeResponse, type SimulationResult } from '../../../src/index.js';
import { realGlobals } from '../../../src/sim/realGlobals.js';
import { VirtualTimer } from '../../../src/sim/VirtualScope.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const EPOCH_MS = 1_600_000_000_000; // far from real time, so a leak of the real clock shows
const INIT_MS = 100;

interface Probe<T> {
  readonly body: T;
  readonly response: InvokeResponse;
  readonly result: SimulationResult;
}

/** Runs `handler` once as a simulated invocation and returns its (JSON round-tripped) result. */
async function probe<T>(seed: number, handler: () => Promise<T>, timeoutS = 30): Promise<Probe<T>> {
  const sim = createSimulation({ seed, startEpochMs: EPOCH_MS });
  const fn = sim.fn('Probe', () => handler, { timeoutS, initDurationMs: INIT_MS });
  const pending = sim.invoke(fn, {});
  const result = await sim.run();
  const response = await pending;
  const body = (response.kind === 'ok' ? response.body : undefined) as T;
  return { body, response, result };
}

function okBody<T>(p: Probe<T>): T {
  expect(p.response.kind, JSON.stringify(p.response)).toBe('ok');
  expect(p.result.determinismErrors).toEqual([]);
  return p.body;
}

describe('inside a simulated invocation', () => {
  describe('clock', () => {
    it('Date.now(), new Date(), Date() and performance.now() read virtual time', async () => {
      const body = okBody(
        await probe(1, async () => ({
          now: Date.now(),
          date: new Date().getTime(),
          iso: new Date().toISOString(),
          str: Date(),
          perf: performance.now(),
        })),
      );
      // The handler starts after the cold start's Init (virtual 100 ms).
      expect(body.now).toBe(EPOCH_MS + INIT_MS);
      expect(body.date).toBe(EPOCH_MS + INIT_MS);
      expect(body.iso).toBe(new realGlobals.Date(EPOCH_MS + INIT_MS).toISOString());
      expect(body.str).toBe(new realGlobals.Date(EPOCH_MS + INIT_MS).toString());
      expect(body.perf).toBe(INIT_MS);
    });

    it('advances only by simulated delays, exactly, however long the real work takes', async () => {
      const realStart = realGlobals.performanceNow();
      const body = okBody(
        await probe(
          1,
          async () => {
            const t0 = Date.now();
            const p0 = performance.now();
            const spinUntil = realGlobals.performanceNow() + 30; // 30 ms of real CPU work
            while (realGlobals.performanceNow() < spinUntil) {
              // busy wait: real CPU time passes, virtual time must not
            }
            const afterSpin = Date.now() - t0;
            await new Promise((resolve) => setTimeout(resolve, 250));
            const after250 = [Date.now() - t0, performance.now() - p0];
            await new Promise((resolve) => setTimeout(resolve, 800_000)); // 13+ virtual minutes
            return { afterSpin, after250, afterLong: Date.now() - t0 };
          },
          900,
        ),
      );
      expect(body.afterSpin).toBe(0);
      expect(body.after250).toEqual([250, 250]);
      expect(body.afterLong).toBe(250 + 800_000);
      expect(realGlobals.performanceNow() - realStart).toBeLessThan(5_000);
    });

    it('new Date(value) and Date statics keep their real meaning; subclasses see virtual time', async () => {
      class Stamp extends Date {}
      const body = okBody(
        await probe(1, async () => {
          const s = new Stamp();
          return {
            explicit: new Date(2020, 0, 2, 3, 4, 5).getTime(),
            fromMs: new Date(123).getTime(),
            utc: Date.UTC(2000, 1, 1),
            parse: Date.parse('2001-02-03T04:05:06Z'),
            stamp: s.getTime(),
            isStamp: s instanceof Stamp && s instanceof Date,
            tag: Object.prototype.toString.call(new Date()),
          };
        }),
      );
      expect(body.explicit).toBe(new realGlobals.Date(2020, 0, 2, 3, 4, 5).getTime());
      expect(body.fromMs).toBe(123);
      expect(body.utc).toBe(949363200000);
      expect(body.parse).toBe(981173106000);
      expect(body.stamp).toBe(EPOCH_MS + INIT_MS);
      expect(body.isStamp).toBe(true);
      expect(body.tag).toBe('[object Date]');
    });
  });

  describe('timers', () => {
    it('global setTimeout fires in delay order with its arguments; clearTimeout cancels', async () => {
      const body = okBody(
        await probe(1, async () => {
          const t0 = performance.now();
          const log: string[] = [];
          await new Promise<void>((done) => {
            setTimeout((tag: string) => log.push(`${tag}@${performance.now() - t0}`), 30, 'b');
            setTimeout((tag: string) => log.push(`${tag}@${performance.now() - t0}`), 10, 'a');
            const cancelled = setTimeout(() => log.push('cancelled'), 20);
            clearTimeout(cancelled);
            setTimeout(() => done(), 50);
          });
          return log;
        }),
      );
      expect(body).toEqual(['a@10', 'b@30']);
    });

    it('setInterval repeats every period until clearInterval', async () => {
      const body = okBody(
        await probe(1, async () => {
          const t0 = performance.now();
          const ticks: number[] = [];
          await new Promise<void>((done) => {
            const id = setInterval(() => {
              ticks.push(performance.now() - t0);
              if (ticks.length === 4) {
                clearInterval(id);
                done();
              }
            }, 25);
          });
          await new Promise((resolve) => setTimeout(resolve, 200)); // no tick after the clear
          return ticks;
        }),
      );
      expect(body).toEqual([25, 50, 75, 100]);
    });

    it('setImmediate runs after the current code, at the same virtual instant; clearImmediate cancels', async () => {
      const body = okBody(
        await probe(1, async () => {
          const t0 = performance.now();
          const log: string[] = [];
          await new Promise<void>((done) => {
            setImmediate(() => log.push(`immediate@${performance.now() - t0}`));
            clearImmediate(setImmediate(() => log.push('cancelled')));
            setTimeout(() => {
              log.push(`timeout@${performance.now() - t0}`);
              done();
            }, 5);
            log.push('sync');
          });
          return log;
        }),
      );
      expect(body).toEqual(['sync', 'immediate@0', 'timeout@5']);
    });

    it('returns timer objects shaped like Node timeouts (ref/unref/hasRef/refresh, coercible to a number)', async () => {
      const body = okBody(
        await probe(1, async () => {
          const t0 = performance.now();
          let firedAt = -1;
          const t = setTimeout(() => {
            firedAt = performance.now() - t0;
          }, 40);
          const shape = {
            isVirtual: (t as unknown) instanceof VirtualTimer,
            unref: t.unref().hasRef(),
            ref: t.ref().hasRef(),
            id: Number(t) > 0,
          };
          await new Promise((resolve) => setTimeout(resolve, 30));
          t.refresh(); // re-arms 40 ms from now (30): fires at 70
          await new Promise((resolve) => setTimeout(resolve, 100));
          return { ...shape, firedAt };
        }),
      );
      expect(body).toEqual({ isVirtual: true, unref: false, ref: true, id: true, firedAt: 70 });
    });

    it('node:timers (default and named imports) is virtual', async () => {
      const body = okBody(
        await probe(1, async () => {
          const t0 = performance.now();
          await new Promise((resolve) => timers.setTimeout(resolve, 70));
          const a = performance.now() - t0;
          await new Promise((resolve) => timersSetTimeout(resolve, 30));
          const b = performance.now() - t0;
          const cleared = await new Promise<boolean>((resolve) => {
            const t = timers.setTimeout(() => resolve(false), 10);
            timers.clearTimeout(t);
            timers.setTimeout(() => resolve(true), 20);
          });
          let n = 0;
          await new Promise<void>((resolve) => {
            const i = timers.setInterval(() => {
              if (++n === 3) {
                timers.clearInterval(i);
                resolve();
              }
            }, 10);
          });
          await new Promise((resolve) => timers.setImmediate(resolve));
          return { a, b, cleared, n, end: performance.now() - t0 };
        }),
      );
      expect(body).toEqual({ a: 70, b: 100, cleared: true, n: 3, end: 150 });
    });

    it('node:timers/promises (default and named imports) is virtual and resolves with its value', async () => {
      const body = okBody(
        await probe(1, async () => {
          const t0 = performance.now();
          const v1 = await sleep(120, 'named');
          const a = performance.now() - t0;
          const v2 = await timersPromises.setTimeout(80, 'default');
          const b = performance.now() - t0;
          const v3 = await timersPromises.setImmediate('immediate');
          return { v1, v2, v3, a, b, c: performance.now() - t0 };
        }),
      );
      expect(body).toEqual({ v1: 'named', v2: 'default', v3: 'immediate', a: 120, b: 200, c: 200 });
    });
  });

  describe('randomness', () => {
    const draw = async () => ({
      random: [Math.random(), Math.random(), Math.random()],
      uuids: [
        crypto.randomUUID(),
        globalThis.crypto.randomUUID(),
        nodeRandomUUID(),
        cryptoModule.randomUUID(),
      ],
    });

    it('Math.random() and crypto.randomUUID() (global and node:crypto) are seeded: same seed, same values', async () => {
      const a = okBody(await probe(11, draw));
      const b = okBody(await probe(11, draw));
      expect(b).toEqual(a);
      for (const x of a.random) expect(x >= 0 && x < 1).toBe(true);
      for (const id of a.uuids) expect(id).toMatch(UUID_V4);
      expect(new Set(a.uuids).size).toBe(4); // one stream: every call is a new value
      expect(new Set(a.random).size).toBe(3);
    });

    it('a different seed gives different values', async () => {
      const a = okBody(await probe(11, draw));
      const c = okBody(await probe(12, draw));
      expect(c.random).not.toEqual(a.random);
      expect(c.uuids.filter((id) => a.uuids.includes(id))).toEqual([]);
    });

    it('randomness drawn outside the simulation does not shift the values inside', async () => {
      const a = okBody(await probe(21, draw));
      for (let i = 0; i < 100; i++) {
        Math.random();
        crypto.randomUUID();
      }
      const b = okBody(await probe(21, draw));
      expect(b).toEqual(a);
    });
  });
});

describe('outside the simulation (the test body)', () => {
  it('sees the real clock, real randomness and real timers, even while a simulation runs', async () => {
    const busy = async () => {
      const draws: number[] = [];
      for (let i = 0; i < 2_000; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (i % 100 === 0) draws.push(Math.random());
      }
      return { now: Date.now(), draws, id: crypto.randomUUID() };
    };
    const quiet = okBody(await probe(3, busy));

    let finished = false;
    const run = probe(3, busy).finally(() => {
      finished = true;
    });
    let checks = 0;
    const outsideDraws = new Set<number>();
    while (!finished) {
      // Each real setImmediate hop interleaves with the simulation's per-instant drains.
      expect(Math.abs(Date.now() - realGlobals.dateNow())).toBeLessThan(5_000);
      expect(Math.abs(new Date().getTime() - realGlobals.dateNow())).toBeLessThan(5_000);
      expect(Math.abs(performance.now() - realGlobals.performanceNow())).toBeLessThan(1_000);
      expect(crypto.randomUUID()).toMatch(UUID_V4);
      outsideDraws.add(Math.random());
      checks++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(checks).toBeGreaterThan(10); // the checks really ran while the simulation did
    expect(outsideDraws.size).toBe(checks);
    // The simulation kept its own clock and its seeded values, undisturbed by the draws outside.
    const busyRun = okBody(await run);
    expect(busyRun).toEqual(quiet);
    expect(busyRun.now).toBe(EPOCH_MS + INIT_MS + 2_000);

    const t0 = realGlobals.performanceNow();
    const handle = setTimeout(() => {}, 1);
    expect(handle).not.toBeInstanceOf(VirtualTimer);
    clearTimeout(handle);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await sleep(10);
    await new Promise((resolve) => timers.setTimeout(resolve, 10));
    expect(realGlobals.performanceNow() - t0).toBeGreaterThanOrEqual(45);
  });

  it('keeps `instanceof Date` for dates made outside, before or after installation', async () => {
    const before = new realGlobals.Date();
    createSimulation({ seed: 1 });
    const after = new Date();
    expect(before).toBeInstanceOf(Date);
    expect(after).toBeInstanceOf(Date);
    expect(after).toBeInstanceOf(realGlobals.Date);
    expect(Date.prototype).toBe(realGlobals.Date.prototype);
    expect(Date.name).toBe('Date');
    expect(typeof Date()).toBe('string');
    const inside = okBody(await probe(1, async () => new Date() instanceof realGlobals.Date));
    expect(inside).toBe(true);
  });
});

describe('two simulations side by side', () => {
  async function clockRun(seed: number, epochMs: number, delays: readonly number[]) {
    const sim = createSimulation({ seed, startEpochMs: epochMs });
    const fn = sim.fn(
      'Clock',
      () => async () => {
        const seen: Array<[number, number, number]> = [];
        for (const d of delays) {
          await new Promise((resolve) => setTimeout(resolve, d));
          seen.push([Date.now() - epochMs, performance.now(), Math.random()]);
        }
        return { seen, id: crypto.randomUUID() };
      },
      { timeoutS: 900, initDurationMs: 0 },
    );
    const pending = sim.invoke(fn, {});
    const result = await sim.run();
    const response = await pending;
    expect(response.kind).toBe('ok');
    return { body: response.kind === 'ok' ? response.body : undefined, result };
  }

  it('each sees its own clock and its own seeded values when run with Promise.all', async () => {
    const slow = () => clockRun(1, 1_000_000_000_000, [100, 200, 300, 400]);
    const fast = () => clockRun(2, 1_500_000_000_000, [7, 7, 7, 7, 5_000, 1]);
    const aloneA = await slow();
    const aloneB = await fast();
    const [a, b] = await Promise.all([slow(), fast()]);
    expect(a.body).toEqual(aloneA.body);
    expect(b.body).toEqual(aloneB.body);
    expect(a.result.traceHash).toBe(aloneA.result.traceHash);
    expect(b.result.traceHash).toBe(aloneB.result.traceHash);
    const seenA = (a.body as { seen: number[][] }).seen;
    const seenB = (b.body as { seen: number[][] }).seen;
    expect(seenA.map(([wall, mono]) => [wall, mono])).toEqual([
      [100, 100],
      [300, 300],
      [600, 600],
      [1000, 1000],
    ]);
    expect(seenB.map(([wall]) => wall)).toEqual([7, 14, 21, 28, 5028, 5029]);
    expect(a.result.determinismErrors).toEqual([]);
    expect(b.result.determinismErrors).toEqual([]);
  });
});

describe('determinism errors', () => {
  it('reports real file I/O inside a handler, naming the environment and the resource', async () => {
    const file = fileURLToPath(import.meta.url);
    const { result } = await probe(
      1,
      async () => {
        const text = await fs.promises.readFile(file, 'utf8');
        return text.length;
      },
      1,
    );
    expect(result.determinismErrors.length).toBeGreaterThan(0);
    const error = result.determinismErrors[0]!;
    expect(error.by).toBe('Probe#1');
    expect(error.resource).toMatch(/^(FILEHANDLE|FSREQPROMISE|FSREQCALLBACK)$/);
    expect(error.atMs).toBe(INIT_MS);
    expect(error.message).toContain('Probe#1');
    expect(error.message).toContain('file system I/O');
    expect(error.message).toContain(error.resource);
    expect(error.site).toContain('virtualGlobals.test.ts');
    expect(error.site).not.toContain('src/sim/'); // lambdasim's own frames are left out of the site
    // One report per resource type and place, not one per request the read made.
    const keys = result.determinismErrors.map((e) => `${e.resource} ${e.site}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(result.determinismErrors.length).toBeLessThanOrEqual(3);
    expect(result.trace).toContainEqual({
      atMs: INIT_MS,
      kind: 'determinism.violated',
      by: 'Probe#1',
      resource: error.resource,
    });
  });

  it('refuses a real network connection (127.0.0.1, closed port) before any socket: a network determinism error', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const { result } = await probe(
      1,
      () =>
        new Promise<string>((resolve) => {
          const socket = net.connect(port, '127.0.0.1');
          socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
          socket.on('connect', () => resolve('connected'));
        }),
      1,
    );
    const errors = result.determinismErrors;
    expect(errors.length).toBeGreaterThan(0);
    // The socket guard refuses the connection before Node creates its TCP handle.
    expect(errors.map((e) => e.resource)).toEqual(['network']);
    const tcp = errors[0]!;
    expect(tcp.by).toBe('Probe#1');
    expect(tcp.message).toContain(`opened a network connection to 127.0.0.1:${port}`);
    expect(tcp.site).toContain('virtualGlobals.test.ts');
  });

  it('reports real I/O started by the top level of a module a handler loads lazily', async () => {
    const load = createRequire(import.meta.url);
    const { result, body } = await probe(1, async () => load('./fixtures/readsAtLoad.cjs') as unknown);
    expect(body).toEqual({ loaded: true });
    expect(result.determinismErrors.map((e) => e.resource)).toContain('FSREQCALLBACK');
    expect(result.determinismErrors[0]!.site).toContain('readsAtLoad.cjs');
  });

  it('reports real I/O started by user code that a Node `…Sync` API calls back (e.g. traceSync)', async () => {
    // Node's module loader runs module code under `TracingChannel.traceSync`: a `…Sync` frame below
    // user code must not make the user's real I/O look like a synchronous Node API.
    const channel = diagnosticsChannel.tracingChannel('lambdasim.test');
    const file = fileURLToPath(import.meta.url);
    const { result } = await probe(1, async () => {
      channel.traceSync(() => fs.stat(file, () => {})); // one FSREQCALLBACK, nothing after it
      return 'started';
    });
    expect(result.determinismErrors.map((e) => e.resource)).toEqual(['FSREQCALLBACK']);
    expect(result.determinismErrors[0]!.site).toContain('virtualGlobals.test.ts');
  });

  it('reports a real timer captured before the simulation started', async () => {
    const { realGlobals: captured } = await import('../../../src/sim/realGlobals.js');
    const { result, response } = await probe(
      1,
      async () => {
        await new Promise((resolve) => captured.setTimeout(resolve, 5));
        return 'done';
      },
      1,
    );
    expect(result.determinismErrors.map((e) => [e.by, e.resource])).toEqual([['Probe#1', 'Timeout']]);
    expect(result.determinismErrors[0]!.message).toContain('real timer (Timeout)');
    // Waiting on the real world, the invocation cannot finish in virtual time: it runs into its
    // timeout (not a Runtime.NodeJsExit, which would blame the handler for an unsettled promise).
    expect(response.kind === 'functionError' && response.body.errorType).toBe('Sandbox.Timedout');
    await new Promise((resolve) => realGlobals.setTimeout(resolve, 20)); // let the real timer go
  });

  it('reports work started in a simulated caller, naming the caller', async () => {
    const sim = createSimulation({ seed: 1 });
    sim.spawn('poller', async () => {
      await new Promise((resolve) => realGlobals.setImmediate(resolve));
    });
    const result = await sim.run();
    expect(result.determinismErrors.map((e) => [e.by, e.resource])).toEqual([['poller', 'Immediate']]);
    expect(result.determinismErrors[0]!.message).toContain('poller');
  });

  it('does not report console output, virtual timers, seeded randomness or promises', async () => {
    const { result, response } = await probe(1, async () => {
      console.log('log from a handler', { n: 1 });
      console.info('info');
      console.warn('warn');
      console.error('error');
      await new Promise((resolve) => setTimeout(resolve, 10));
      await sleep(5);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => process.nextTick(resolve));
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      console.log(Math.random(), crypto.randomUUID(), new Date().toISOString());
      return 'ok';
    });
    expect(response.kind).toBe('ok');
    expect(result.determinismErrors).toEqual([]);
    expect(result.trace.filter((e) => e.kind === 'determinism.violated')).toEqual([]);
  });

  it('does not report synchronous zlib and crypto work (deterministic, no callback)', async () => {
    const data = zlib.gzipSync('{"records":[1,2,3]}').toString('base64');
    const { result, body } = await probe(1, async () => {
      const text = zlib.gunzipSync(Buffer.from(data, 'base64')).toString('utf8');
      const key = cryptoModule.pbkdf2Sync('secret', 'salt', 10, 16, 'sha256').toString('hex');
      const scrypted = cryptoModule.scryptSync('secret', 'salt', 16).toString('hex');
      const hkdf = Buffer.from(cryptoModule.hkdfSync('sha256', 'k', 's', 'i', 16)).toString('hex');
      const hash = cryptoModule.createHash('sha256').update(text).digest('hex');
      return { text, lengths: [key.length, scrypted.length, hkdf.length, hash.length] };
    });
    expect(result.determinismErrors).toEqual([]);
    expect(body).toEqual({ text: '{"records":[1,2,3]}', lengths: [32, 32, 32, 64] });
  });

  it('still reports asynchronous zlib/crypto work and real key generation', async () => {
    const cases: Array<[string, () => Promise<unknown>, string]> = [
      ['zlib.gzip', () => new Promise((resolve) => zlib.gzip('x', resolve)), 'ZLIB'],
      [
        'crypto.pbkdf2',
        () => new Promise((resolve) => cryptoModule.pbkdf2('a', 'b', 1, 8, 'sha256', resolve)),
        'PBKDF2REQUEST',
      ],
      // randomBytes / randomInt / getRandomValues are seeded inside a scope (virtualCryptoAndClocks.test.ts);
      // randomness they do not cover, such as key generation, is still reported.
      [
        'crypto.generateKeyPair',
        () => new Promise((resolve) => cryptoModule.generateKeyPair('ec', { namedCurve: 'P-256' }, resolve)),
        'KEYPAIRGENREQUEST',
      ],
    ];
    for (const [name, body, resource] of cases) {
      const { result } = await probe(1, body, 1);
      expect(
        result.determinismErrors.map((e) => e.resource),
        name,
      ).toContain(resource);
    }
  });
});
