import type { DistributiveOmit } from './DistributiveOmit.js';
import { EventQueue, type ScheduledEvent } from './EventQueue.js';
import { invariantFailed, takeInvariantFailure } from './invariant.js';
import { type Rng, RngStreams } from './Rng.js';
import { realGlobals } from './realGlobals.js';
import { Trace, type TraceEntry } from './Trace.js';

/** How a run ended. A run always ends with one of these, never with a hang. */
export type RunEnd =
  | { readonly kind: 'quiescent'; readonly atMs: number; readonly events: number }
  | { readonly kind: 'timeLimit'; readonly atMs: number; readonly events: number }
  | { readonly kind: 'eventBudget'; readonly atMs: number; readonly events: number };

export type RunEndKind = RunEnd['kind'];

export interface RunLimits {
  /** Stop before dispatching any event later than this virtual instant. @defaultValue Infinity */
  readonly untilMs?: number;
  /** Stop after dispatching this many events (a guard against livelock). @defaultValue 10_000_000 */
  readonly maxEvents?: number;
}

/** A handle on a scheduled event, for cancellation. */
export type TimerHandle = ScheduledEvent;

/** Real work the run waits for with its clock stopped (see {@link Kernel.outsideTime}). */
interface OutsideTimeWork {
  readonly start: () => Promise<unknown>;
  readonly waitsOnSimulation: () => boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
  /** Set once started: settles (never rejects) when the work has settled. */
  settled: Promise<void> | undefined;
  done: boolean;
}

/**
 * The deterministic kernel: a virtual clock in integer milliseconds, an event queue, seeded
 * random sub-streams and an append-only trace. It knows nothing about AWS.
 *
 * Time jumps from one scheduled event to the next; it never ticks. Async code (promises that
 * the kernel resolves from its events) runs to completion at each instant: after the events of
 * one instant are dispatched, the kernel drains microtasks with one real macrotask hop before it
 * advances the clock, but only if something asked for it with {@link Kernel.wake}.
 */
export class Kernel<E extends TraceEntry = TraceEntry> {
  private now = 0;
  private readonly queue = new EventQueue();
  private readonly rngs: RngStreams;
  private dirty = false;
  private dispatched = 0;
  private running = false;
  private readonly quietHooks: Array<() => void> = [];
  /** Real work waiting for its turn (the first one may be running), first come first served. */
  private readonly outside: OutsideTimeWork[] = [];
  /** The trace's entries: only {@link Kernel.record} (and {@link Kernel.recordStamped}) append to them. */
  private readonly entries: E[] = [];
  /** When the latest entry was recorded (-1: none yet). */
  private recordedAtMs = -1;
  /** The run's trace: a read-only view; {@link Kernel.record} (or {@link Kernel.recordStamped}) is the only way to add to it. */
  readonly trace = new Trace<E>(this.entries);

  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`Kernel: seed must be a safe integer, got ${seed}`);
    this.rngs = new RngStreams(seed);
  }

  /** The current virtual time in milliseconds. */
  get nowMs(): number {
    return this.now;
  }

  /** Events dispatched so far. */
  get events(): number {
    return this.dispatched;
  }

  /** Scheduled events that have not fired yet. */
  get pending(): number {
    return this.queue.size;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Schedules `fire` at virtual instant `atMs`: whole milliseconds, never in the past. Callers
   * check and round what users give where it enters (`sim.at`, virtual `setTimeout`); a time that
   * breaks this rule here is a lambdasim bug.
   */
  at(atMs: number, fire: () => void): TimerHandle {
    // Hot path: no closure per call; the message is built only on failure.
    if (!(atMs >= this.now && Number.isSafeInteger(atMs)))
      invariantFailed(
        `Kernel.at: an event must be scheduled at a whole millisecond not before now (${this.now}), got ${atMs}`,
      );
    return this.queue.push(atMs, fire);
  }

  /** Schedules `fire` after `delayMs` (whole ms, >= 0) of virtual time (0 = later at this same instant). */
  after(delayMs: number, fire: () => void): TimerHandle {
    return this.at(this.now + delayMs, fire);
  }

  cancel(handle: TimerHandle): boolean {
    return this.queue.cancel(handle);
  }

  /**
   * Asks for a microtask drain before the clock advances: call it whenever kernel code resolves
   * a promise or starts async user code, so their continuations run at this instant.
   */
  wake(): void {
    this.dirty = true;
  }

  /**
   * Runs real asynchronous work (loading a module instance: file reads, a test runner's transform)
   * outside virtual time: while it runs, the clock stands still and no event is dispatched, so the
   * run cannot move on before the work is done however long it really takes, and what the work
   * does to the simulation happens at one deterministic point. One piece of work runs at a time,
   * in the order asked for, so two of them never interleave by real timing.
   *
   * `waitsOnSimulation` tells when the work is no longer real work but waits on the simulation
   * itself (a module's top-level `await` on a simulated call or a virtual timer): the run then goes
   * on, and the work finishes in virtual time like any other code.
   *
   * @example
   * ```ts
   * const ns = await kernel.outsideTime(() => import(url), () => proc.hasPendingWork());
   * ```
   */
  outsideTime<T>(start: () => Promise<T>, waitsOnSimulation: () => boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.outside.push({
        start,
        waitsOnSimulation,
        resolve: resolve as (value: unknown) => void,
        reject,
        settled: undefined,
        done: false,
      });
      this.dirty = true;
    });
  }

  /** Runs the queued outside-time work, one piece at a time, until none blocks the clock. */
  private async runOutsideTime(): Promise<void> {
    for (let work = this.outside[0]; work !== undefined; work = this.outside[0]) {
      if (work.settled === undefined) {
        let started: Promise<unknown>;
        try {
          started = work.start();
        } catch (error) {
          started = Promise.reject(error);
        }
        work.settled = started.then(
          (value) => {
            work.done = true;
            work.resolve(value);
          },
          (error: unknown) => {
            work.done = true;
            work.reject(error);
          },
        );
      }
      // Real I/O completes on the real event loop: wait for it in real time, polling only to
      // notice when the work has started waiting on the simulation instead.
      while (!work.done && !work.waitsOnSimulation()) await Promise.race([work.settled, realPause()]);
      this.outside.shift();
      await drainMicrotasks(); // what the work's completion set going runs now, at this instant
    }
  }

  /** Registers a hook run after each drain, when every ready continuation has run. */
  onQuiet(hook: () => void): void {
    this.quietHooks.push(hook);
  }

  /** The seeded sub-stream of a subsystem. */
  rng(subsystem: string): Rng {
    return this.rngs.stream(subsystem);
  }

  /**
   * Appends a fact to the trace, stamped with the current virtual time: callers say what happened,
   * never when, so no entry can carry an instant other than the one it was recorded at (a field
   * about another instant takes its own name, such as `retryAtMs` or `idleSinceMs`). `atMs` comes
   * first in the entry, as the trace's canonical JSON (its hash) has always had it.
   *
   * @example
   * ```ts
   * kernel.record({ kind: 'env.frozen', env: 'env-1', pendingWork: 0 }); // { atMs: kernel.nowMs, kind: … }
   * ```
   */
  record(fact: DistributiveOmit<E, 'atMs'>): void {
    const atMs = this.now;
    // atMs first, as the trace's JSON (its hash) has always had it. Object.assign copies the
    // fact's fields at about half the cost of a spread; no closure here, as record runs per fact.
    const entry = Object.assign({ atMs }, fact) as E;
    if (entry.atMs !== atMs || atMs < this.recordedAtMs) this.recordFailed(entry);
    this.recordedAtMs = atMs;
    this.entries.push(entry);
  }

  /**
   * {@link Kernel.record} for a fact recorded once per item at scale (a stream record put): the
   * caller builds the whole entry as an object literal, `atMs: kernel.nowMs` first, so the entry
   * is stored as built. The copy `record` makes keeps its fields in a separate store that grows as
   * they are added (about 90 bytes and a few hundred ns an entry); the same invariant is checked.
   */
  recordStamped(entry: E): void {
    const atMs = this.now;
    if (entry.atMs !== atMs || atMs < this.recordedAtMs) this.recordFailed(entry);
    this.recordedAtMs = atMs;
    this.entries.push(entry);
  }

  /** The invariant {@link Kernel.record} keeps: each entry stamped with now, and time never going back. */
  private recordFailed(entry: E): never {
    return invariantFailed(
      `Kernel.record: an entry is stamped with now and the trace never goes back in time, but ${entry.kind} at ${entry.atMs} (now ${this.now}) follows an entry at ${this.recordedAtMs}`,
    );
  }

  /**
   * Dispatches every event due at the next instant, synchronously and without draining
   * microtasks. Returns false when nothing is scheduled. For kernel-only tests and benchmarks.
   */
  stepInstant(): boolean {
    const first = this.queue.peek();
    if (first === undefined) return false;
    this.now = first.atMs;
    for (let ev = this.queue.peek(); ev !== undefined && ev.atMs === this.now; ev = this.queue.peek()) {
      this.queue.pop();
      this.dispatch(ev);
    }
    return true;
  }

  /** Runs until quiescent, the time limit or the event budget; async code is drained per instant. */
  async run(limits: RunLimits = {}): Promise<RunEnd> {
    if (this.running) throw new Error('Kernel.run: this simulation is already running');
    const untilMs = limits.untilMs ?? Number.POSITIVE_INFINITY;
    const maxEvents = limits.maxEvents ?? 10_000_000;
    this.running = true;
    takeInvariantFailure(); // one thrown before this run (and reported then) is not this run's
    try {
      this.dirty = true; // let work started before run() reach its first await point
      for (;;) {
        if (this.outside.length > 0) await this.runOutsideTime();
        const next = this.queue.peek();
        if (this.dirty && (next === undefined || next.atMs > this.now)) {
          this.dirty = false;
          await drainMicrotasks();
          for (const hook of this.quietHooks) hook();
          throwSwallowedInvariantFailure();
          continue;
        }
        throwSwallowedInvariantFailure();
        if (next === undefined) return { kind: 'quiescent', atMs: this.now, events: this.dispatched };
        if (next.atMs > untilMs) {
          this.now = Math.max(this.now, untilMs);
          return { kind: 'timeLimit', atMs: this.now, events: this.dispatched };
        }
        if (this.dispatched >= maxEvents)
          return { kind: 'eventBudget', atMs: this.now, events: this.dispatched };
        this.queue.pop();
        this.now = next.atMs;
        this.dispatch(next);
      }
    } finally {
      this.running = false;
      takeInvariantFailure(); // thrown out of this run already, or never to be reported by another
    }
  }

  private dispatch(ev: ScheduledEvent): void {
    const fire = ev.fire!;
    ev.fire = null;
    this.dispatched++;
    fire();
  }
}

/**
 * An invariant failed at this instant but its throw was caught on the way (turned into a
 * rejected promise, a failed call or a function error): stop the run with it.
 */
function throwSwallowedInvariantFailure(): void {
  const failure = takeInvariantFailure();
  if (failure !== undefined) throw failure;
}

/** A short real wait (1 ms) while real work outside virtual time goes on. */
function realPause(): Promise<void> {
  return new Promise((resolve) => realGlobals.setTimeout(resolve, 1));
}

/** One real macrotask hop: every microtask queued before it (and by those) runs first. */
function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => realGlobals.setImmediate(resolve));
}
