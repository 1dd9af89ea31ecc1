import { BareLoop } from './bareHeap.js';
import { MAX_DELAY_MS, mulberry32, PROCESSES, type RepOutcome, SEED, Tally } from './workload.js';

/** One repetition of a scenario at a given size. Sync when it can be (no extra await hop). */
export type Runner = (size: number) => RepOutcome | Promise<RepOutcome>;

export interface Scenario {
  readonly id: string;
  readonly label: string;
  readonly unit: 'event' | 'invocation';
  /** Workload size (events or invocations) for a full and a quick run. */
  readonly size: { readonly full: number; readonly quick: number };
  /** Loads the code under test lazily, so each child process imports only what it measures. */
  load(): Promise<Runner>;
}

// ---------------------------------------------------------------------------------------------
// (a) anchor 1: the bare heap loop

function bareHeap(size: number): RepOutcome {
  const loop = new BareLoop();
  const rand = mulberry32(SEED);
  const t = new Tally(size);
  for (let p = 0; p < PROCESSES; p++) {
    const id = p;
    const proc = (): void => {
      t.hash = (Math.imul(t.hash, 31) + id) | 0;
      if (t.budget > 0) {
        t.budget--;
        loop.at(loop.now + 1 + (rand() % MAX_DELAY_MS), proc);
      }
    };
    t.budget--;
    loop.at(1 + (rand() % MAX_DELAY_MS), proc);
  }
  const ops = loop.runAll();
  return { ops, check: `${ops}:${loop.now}:${t.hash}` };
}

// ---------------------------------------------------------------------------------------------
// (b) the lambdasim kernel, sync path (stepInstant) and async run loop (run)

type KernelModule = typeof import('../src/sim/Kernel.js');
type KernelCtor = KernelModule['Kernel'];

/**
 * The kernel under test: src/sim/Kernel.ts, or a candidate module given by BENCH_KERNEL (a path
 * from the repository root), to A/B a kernel change in the same harness.
 */
async function loadKernel(): Promise<KernelCtor> {
  const candidate = process.env.BENCH_KERNEL;
  if (candidate === undefined || candidate === '') return (await import('../src/sim/Kernel.js')).Kernel;
  const { pathToFileURL } = await import('node:url');
  const { resolve } = await import('node:path');
  return ((await import(pathToFileURL(resolve(candidate)).href)) as KernelModule).Kernel;
}

function kernelWorkload(Kernel: KernelCtor, size: number) {
  const kernel = new Kernel(SEED);
  const rand = mulberry32(SEED);
  const t = new Tally(size);
  for (let p = 0; p < PROCESSES; p++) {
    const id = p;
    const proc = (): void => {
      t.hash = (Math.imul(t.hash, 31) + id) | 0;
      if (t.budget > 0) {
        t.budget--;
        kernel.at(kernel.nowMs + 1 + (rand() % MAX_DELAY_MS), proc);
      }
    };
    t.budget--;
    kernel.at(1 + (rand() % MAX_DELAY_MS), proc);
  }
  return { kernel, t };
}

async function kernelStep(): Promise<Runner> {
  const Kernel = await loadKernel();
  return (size) => {
    const { kernel, t } = kernelWorkload(Kernel, size);
    while (kernel.stepInstant()) {
      // every instant is dispatched synchronously
    }
    return { ops: kernel.events, check: `${kernel.events}:${kernel.nowMs}:${t.hash}` };
  };
}

async function kernelRun(): Promise<Runner> {
  const Kernel = await loadKernel();
  return async (size) => {
    const { kernel, t } = kernelWorkload(Kernel, size);
    const end = await kernel.run({ maxEvents: Number.MAX_SAFE_INTEGER });
    if (end.kind !== 'quiescent') throw new Error(`kernel.run ended with ${end.kind}`);
    return { ops: end.events, check: `${end.events}:${end.atMs}:${t.hash}` };
  };
}

/**
 * Extra: the same schedule, but every event also arms a guard timer GUARD_MS ahead that the
 * process's next event cancels: the shape of Lambda's invocation timeouts, which are armed for
 * every invocation and almost never fire. Tests the cost of lazy cancellation.
 */
export const GUARD_MS = 3000;

async function kernelCancel(): Promise<Runner> {
  const Kernel = await loadKernel();
  return (size) => {
    const kernel = new Kernel(SEED);
    const rand = mulberry32(SEED);
    const t = new Tally(size);
    const onGuard = (): void => {
      throw new Error('a cancelled guard fired');
    };
    for (let p = 0; p < PROCESSES; p++) {
      const id = p;
      let guard: ReturnType<typeof kernel.at> | undefined;
      const proc = (): void => {
        t.hash = (Math.imul(t.hash, 31) + id) | 0;
        if (guard !== undefined) kernel.cancel(guard);
        guard = undefined;
        if (t.budget > 0) {
          t.budget--;
          kernel.at(kernel.nowMs + 1 + (rand() % MAX_DELAY_MS), proc);
          guard = kernel.at(kernel.nowMs + GUARD_MS, onGuard);
        }
      };
      t.budget--;
      kernel.at(1 + (rand() % MAX_DELAY_MS), proc);
    }
    while (kernel.stepInstant()) {
      // every instant is dispatched synchronously
    }
    return { ops: kernel.events, check: `${kernel.events}:${kernel.nowMs}:${t.hash}` };
  };
}

// ---------------------------------------------------------------------------------------------
// (c) anchor 2: @sinonjs/fake-timers on a private clock (never installed on the real global)

async function fakeTimersWorkload(async: boolean): Promise<Runner> {
  const { createClock } = await import('@sinonjs/fake-timers');
  return async (size) => {
    // loopLimit: runAll()/runAllAsync() abort after this many timers (default 1000).
    const clock = createClock(0, size + 10);
    const rand = mulberry32(SEED);
    const t = new Tally(size);
    let ops = 0;
    for (let p = 0; p < PROCESSES; p++) {
      const id = p;
      const proc = (): void => {
        ops++;
        t.hash = (Math.imul(t.hash, 31) + id) | 0;
        if (t.budget > 0) {
          t.budget--;
          clock.setTimeout(proc, 1 + (rand() % MAX_DELAY_MS));
        }
      };
      t.budget--;
      clock.setTimeout(proc, 1 + (rand() % MAX_DELAY_MS));
    }
    if (async) await clock.runAllAsync();
    else clock.runAll();
    return { ops, check: `${ops}:${clock.now}:${t.hash}` };
  };
}

/** fake-timers on the guard-timer workload: clearTimeout removes the timer from its heap at once. */
async function fakeTimersCancel(): Promise<Runner> {
  const { createClock } = await import('@sinonjs/fake-timers');
  return (size) => {
    const clock = createClock(0, size + 10);
    const rand = mulberry32(SEED);
    const t = new Tally(size);
    let ops = 0;
    const onGuard = (): void => {
      throw new Error('a cancelled guard fired');
    };
    for (let p = 0; p < PROCESSES; p++) {
      const id = p;
      let guard: ReturnType<typeof clock.setTimeout> | undefined;
      const proc = (): void => {
        ops++;
        t.hash = (Math.imul(t.hash, 31) + id) | 0;
        if (guard !== undefined) clock.clearTimeout(guard);
        guard = undefined;
        if (t.budget > 0) {
          t.budget--;
          clock.setTimeout(proc, 1 + (rand() % MAX_DELAY_MS));
          guard = clock.setTimeout(onGuard, GUARD_MS);
        }
      };
      t.budget--;
      clock.setTimeout(proc, 1 + (rand() % MAX_DELAY_MS));
    }
    clock.runAll();
    return { ops, check: `${ops}:${clock.now}:${t.hash}` };
  };
}

// ---------------------------------------------------------------------------------------------
// (d) simulated invocations: CALLERS concurrent callers, each invoking sequentially; the handler
// awaits a 5 ms virtual setTimeout and returns.

export const CALLERS = 50;
export const HANDLER_SLEEP_MS = 5;

async function simInvoke(): Promise<Runner> {
  const { createSimulation } = await import('../src/index.js');
  return async (size) => {
    const perCaller = Math.ceil(size / CALLERS);
    const sim = createSimulation({ seed: SEED });
    const fn = sim.fn('Echo', () => async (event: { i: number }) => {
      await new Promise<void>((resolve) => setTimeout(resolve, HANDLER_SLEEP_MS));
      return { i: event.i };
    });
    let ok = 0;
    for (let c = 0; c < CALLERS; c++) {
      sim.spawn(`caller-${c}`, async () => {
        for (let i = 0; i < perCaller; i++) {
          const response = await sim.invoke(fn, { i });
          if (response.kind === 'ok') ok++;
        }
      });
    }
    const result = await sim.run();
    if (result.end.kind !== 'quiescent') throw new Error(`sim.run ended with ${result.end.kind}`);
    return { ops: ok, check: `${ok}/${perCaller * CALLERS}` };
  };
}

/** The same caller/handler shape with nothing but fake-timers in between. */
async function fakeTimersInvoke(): Promise<Runner> {
  const { createClock } = await import('@sinonjs/fake-timers');
  return async (size) => {
    const perCaller = Math.ceil(size / CALLERS);
    const clock = createClock(0, perCaller * CALLERS * 4 + 10);
    const handler = async (event: { i: number }) => {
      await new Promise<void>((resolve) => clock.setTimeout(() => resolve(), HANDLER_SLEEP_MS));
      return { i: event.i };
    };
    let ok = 0;
    const callers: Promise<void>[] = [];
    for (let c = 0; c < CALLERS; c++) {
      callers.push(
        (async () => {
          for (let i = 0; i < perCaller; i++) {
            const response = await handler({ i });
            if (response.i === i) ok++;
          }
        })(),
      );
    }
    await clock.runAllAsync();
    await Promise.all(callers);
    return { ops: ok, check: `${ok}/${perCaller * CALLERS}` };
  };
}

// ---------------------------------------------------------------------------------------------

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'heap',
    label: 'bare heap loop (anchor 1)',
    unit: 'event',
    size: { full: 1_000_000, quick: 500_000 },
    load: async () => bareHeap,
  },
  {
    id: 'kernel-step',
    label: 'kernel, stepInstant() loop',
    unit: 'event',
    size: { full: 1_000_000, quick: 500_000 },
    load: kernelStep,
  },
  {
    id: 'kernel-run',
    label: 'kernel, await run()',
    unit: 'event',
    size: { full: 1_000_000, quick: 500_000 },
    load: kernelRun,
  },
  {
    id: 'ft-sync',
    label: 'fake-timers runAll() (anchor 2)',
    unit: 'event',
    // about 5x slower per event than the kernel: a smaller run of the same schedule shape
    // (per-event cost is steady once the 1000 processes are scheduled)
    size: { full: 300_000, quick: 150_000 },
    load: () => fakeTimersWorkload(false),
  },
  {
    id: 'ft-async',
    label: 'fake-timers runAllAsync() (anchor 2)',
    unit: 'event',
    size: { full: 50_000, quick: 30_000 },
    load: () => fakeTimersWorkload(true),
  },
  {
    id: 'kernel-cancel',
    label: `kernel, + a ${GUARD_MS} ms guard timer per event, cancelled`,
    unit: 'event',
    size: { full: 500_000, quick: 200_000 },
    load: kernelCancel,
  },
  {
    id: 'ft-cancel',
    label: `fake-timers runAll(), same guard timers (anchor 2)`,
    unit: 'event',
    size: { full: 150_000, quick: 75_000 },
    load: fakeTimersCancel,
  },
  {
    id: 'sim-invoke',
    label: `sim.invoke, ${CALLERS} callers`,
    unit: 'invocation',
    size: { full: 20_000, quick: 10_000 },
    load: simInvoke,
  },
  {
    id: 'ft-invoke',
    label: `fake-timers async, ${CALLERS} callers (anchor 2)`,
    unit: 'invocation',
    size: { full: 20_000, quick: 10_000 },
    load: fakeTimersInvoke,
  },
];

export function scenarioById(id: string): Scenario {
  const s = SCENARIOS.find((x) => x.id === id);
  if (s === undefined)
    throw new Error(`unknown scenario ${id}; known: ${SCENARIOS.map((x) => x.id).join(', ')}`);
  return s;
}
