import type { TimerHandle } from '../sim/Kernel.js';
import { seededUuid } from '../sim/Rng.js';
import { runInScope, type VirtualScope, VirtualTimer } from '../sim/VirtualScope.js';
import { recordEscapedResource, type World } from './World.js';

/** Thrown into user code when it calls `process.exit()` inside a simulated environment. */
export class ProcessExitSignal extends Error {
  override readonly name = 'ProcessExitSignal';
  constructor(readonly code: number) {
    super(`process.exit(${code}) called in a simulated Lambda environment`);
  }
}

interface TimerEntry {
  readonly timer: VirtualTimer;
  readonly callback: () => void;
  readonly delayMs: number;
  readonly repeat: boolean;
  handle: TimerHandle | undefined;
}

/** Callbacks from a process to whoever owns it (the environment). */
export interface ProcessOwner {
  readonly id: string;
  readonly fnName: string;
  /** The running invocation's request id, for attribution of calls. */
  readonly currentRequestId: string | undefined;
  /** Code in the process threw outside any handler promise (R-ENV-5: process-level). */
  onUncaught(process: RuntimeProcess, error: unknown): void;
  /** A promise created in the process was rejected and nobody handled it (R-ENV-5: process-level). */
  onUnhandledRejection(process: RuntimeProcess, reason: unknown): void;
  onExit(process: RuntimeProcess, code: number): void;
  /** A call this process made has landed at its service (its effect is done). */
  onCallLanded(process: RuntimeProcess): void;
  /**
   * The environment variables a new runtime process starts with: a fresh object the process may
   * change (its `process.env`).
   */
  initialEnv(): Record<string, string>;
}

/**
 * One Node.js runtime process inside an execution environment: the unit that Init creates and a
 * reset destroys. It is the {@link VirtualScope} of every line of user code it runs, so timers,
 * clock and randomness are virtual, and every simulated call is attributed to it.
 *
 * Pending work (timers, simulated calls) is delivered through {@link RuntimeProcess.deliver}:
 * dropped once the process is dead, held while it is frozen (R-ENV-4) and resumed on thaw.
 */
export class RuntimeProcess implements VirtualScope {
  alive = true;
  frozen = false;
  private calls = 0;
  private readonly timers = new Map<VirtualTimer, TimerEntry>();
  private held: Array<() => void> = [];
  private nextTimerId = 1;
  /** This process's `process.env`, made on first use (most handlers never read it). */
  private envVars: Record<string, string> | undefined;
  /** Async resource types started for real inside this process (determinism escapes). */
  readonly escapes: string[] = [];

  constructor(
    /** @internal The simulation this process runs in (the HTTP interception layer routes by it). */
    readonly world: World,
    readonly owner: ProcessOwner,
  ) {}

  // --- VirtualScope -------------------------------------------------------------------------
  epochMs(): number {
    return this.world.epochStartMs + this.world.kernel.nowMs;
  }
  monotonicMs(): number {
    return this.world.kernel.nowMs;
  }
  random(): number {
    return this.world.userRandom.next();
  }
  randomUUID(): string {
    return seededUuid(this.world.userUuids);
  }
  setTimer(callback: () => void, delayMs: number, repeat: boolean): VirtualTimer {
    const timer = new VirtualTimer(this.nextTimerId++, this, (t) => this.rearm(t));
    const entry: TimerEntry = { timer, callback, delayMs, repeat, handle: undefined };
    this.timers.set(timer, entry);
    if (this.alive) this.arm(entry);
    return timer;
  }
  clearTimer(timer: VirtualTimer): void {
    const entry = this.timers.get(timer);
    if (entry === undefined) return;
    this.timers.delete(timer);
    if (entry.handle !== undefined) this.world.kernel.cancel(entry.handle);
  }
  exit(code: number): never {
    this.owner.onExit(this, code);
    throw new ProcessExitSignal(code);
  }
  env(): Record<string, string> {
    return (this.envVars ??= this.owner.initialEnv());
  }
  escaped(type: string, stack: string, resource: object): void {
    this.escapes.push(type);
    recordEscapedResource(this.world, this.owner.id, type, stack, resource);
  }

  // --- work accounting ----------------------------------------------------------------------
  /** True when something simulated would keep Node's event loop alive: a pending call or a ref'd timer. */
  hasPendingWork(): boolean {
    if (this.calls > 0) return true;
    for (const t of this.timers.keys()) if (t.hasRef()) return true;
    return false;
  }

  /** Pending items, for the trace (calls + timers). */
  pendingCount(): number {
    return this.calls + this.timers.size;
  }

  /** Registers an outstanding simulated call; returns the function that delivers its completion. */
  beginCall(): (complete: () => void) => void {
    this.calls++;
    let done = false;
    return (complete) => {
      if (done) return;
      done = true;
      this.deliver(() => {
        this.calls--;
        complete();
      });
    };
  }

  /** Runs `fn` in this process's scope now, or holds it while frozen, or drops it once dead. */
  deliver(fn: () => void): void {
    if (!this.alive) return;
    if (this.frozen) {
      this.held.push(fn);
      return;
    }
    this.runUserCode(fn);
  }

  /** Runs user code in this scope; a synchronous throw is a process-level uncaught exception. */
  runUserCode(fn: () => void): void {
    this.world.kernel.wake();
    try {
      runInScope(this, fn);
    } catch (error) {
      if (error instanceof ProcessExitSignal) return;
      this.owner.onUncaught(this, error);
    }
  }

  /**
   * Node reported an unhandled rejection of a promise created in this process (routed here by
   * `routeUnhandledRejections`). A dead process has no runtime left to report it, and the
   * rejection that unwinds a `process.exit()` is not an error of its own.
   */
  unhandledRejection(reason: unknown): void {
    if (!this.alive || reason instanceof ProcessExitSignal) return;
    this.owner.onUnhandledRejection(this, reason);
  }

  freeze(): void {
    this.frozen = true;
  }

  /** Thaws the process; held work resumes now, in the order it arrived. Returns how many resumed. */
  thaw(): number {
    this.frozen = false;
    const held = this.held;
    this.held = [];
    for (const fn of held) this.deliver(fn);
    return held.length;
  }

  /** Ends the process: pending timers are cancelled, held and future work is dropped. */
  kill(): void {
    if (!this.alive) return;
    this.alive = false;
    this.held = [];
    for (const entry of this.timers.values())
      if (entry.handle !== undefined) this.world.kernel.cancel(entry.handle);
    this.timers.clear();
  }

  private arm(entry: TimerEntry): void {
    entry.handle = this.world.kernel.after(entry.delayMs, () => {
      entry.handle = undefined;
      this.deliver(() => this.fire(entry));
    });
  }

  private fire(entry: TimerEntry): void {
    if (this.timers.get(entry.timer) !== entry) return; // cleared while held
    if (entry.repeat) this.arm(entry);
    else this.timers.delete(entry.timer);
    entry.callback();
  }

  private rearm(timer: VirtualTimer): void {
    const entry = this.timers.get(timer);
    if (entry === undefined || !this.alive) return;
    if (entry.handle !== undefined) this.world.kernel.cancel(entry.handle);
    this.arm(entry);
  }
}
