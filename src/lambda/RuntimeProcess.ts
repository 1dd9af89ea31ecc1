import type { LogLevel, LogSource, OutputSink } from '../sim/captureOutput.js';
import type { TimerHandle } from '../sim/Kernel.js';
import { seededUuid } from '../sim/Rng.js';
import { runInScope, type VirtualScope, VirtualTimer } from '../sim/VirtualScope.js';
import { recordEscapedResource, type World } from '../world/World.js';

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

/**
 * A request this process sent that has not reached its service yet, as the process's freeze,
 * thaw and death see it (R-ENV-4). Made and kept by `callService`.
 */
export interface RequestInFlight {
  /**
   * The process froze with the request in flight: it had left the environment (`left`: it goes
   * on and lands on time) or is suspended with the process, to go on when the process thaws.
   */
  frozen(left: boolean): void;
  /** The process thawed: a suspended request goes on with the rest of its trip. */
  thawed(): void;
  /** The process died (reclaimed or reset) while the request was suspended in it: it never lands. */
  dropped(): void;
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
  /** Code in the process wrote a line (console, stdout, stderr): Lambda sends it to CloudWatch. */
  onOutput(process: RuntimeProcess, source: LogSource, level: LogLevel, message: string): void;
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
export class RuntimeProcess implements VirtualScope, OutputSink {
  alive = true;
  frozen = false;
  private calls = 0;
  private readonly timers = new Map<VirtualTimer, TimerEntry>();
  private held: Array<() => void> = [];
  /** Requests sent and not landed yet, and those of them suspended by the last freeze. */
  private readonly inFlight = new Set<RequestInFlight>();
  private suspended: RequestInFlight[] = [];
  private nextTimerId = 1;
  /** This process's `process.env`, made on first use (most handlers never read it). */
  private envVars: Record<string, string> | undefined;
  /**
   * True while Init loads the handler module outside virtual time: the loader's own file reads
   * (and a test runner's transforms) are not escapes of the handler (see {@link VirtualScope.loading}).
   */
  loading = false;
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
  output(source: LogSource, level: LogLevel, message: string): boolean {
    // A dead process's late output goes nowhere, as its log stream has ended.
    if (this.alive) this.owner.onOutput(this, source, level, message);
    return true;
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

  /**
   * Registers a request sent by this process, until it lands: a freeze suspends it or lets it go
   * on, a thaw resumes it, a death drops it (see {@link RequestInFlight}). Returns the function
   * to call when it lands.
   */
  trackRequest(request: RequestInFlight): () => void {
    this.inFlight.add(request);
    return () => this.inFlight.delete(request);
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

  /**
   * Freezes the process (R-ENV-4). Each request in flight had left the environment before the
   * freeze or is suspended with it: `requestsLeft` says which for all of them (a fault decided),
   * else each is a seeded choice (AWS does not say how far a request had got when the freeze came).
   */
  freeze(requestsLeft?: boolean): void {
    this.frozen = true;
    if (this.inFlight.size === 0) return;
    const rng = this.world.kernel.rng('lambda.freeze');
    for (const request of [...this.inFlight]) {
      const left = requestsLeft ?? rng.next() < 0.5;
      if (!left) {
        this.inFlight.delete(request);
        this.suspended.push(request);
      }
      request.frozen(left);
    }
  }

  /**
   * Thaws the process; held work resumes now, in the order it arrived, and suspended requests go
   * on with their trip. Returns how much held work resumed.
   */
  thaw(): number {
    this.frozen = false;
    const suspended = this.suspended;
    this.suspended = [];
    for (const request of suspended) {
      this.inFlight.add(request);
      request.thawed();
    }
    const held = this.held;
    this.held = [];
    for (const fn of held) this.deliver(fn);
    return held.length;
  }

  /**
   * Ends the process: pending timers are cancelled, held and future work is dropped, and requests
   * suspended in it never land.
   */
  kill(): void {
    if (!this.alive) return;
    this.alive = false;
    this.held = [];
    this.inFlight.clear();
    const suspended = this.suspended;
    this.suspended = [];
    for (const request of suspended) request.dropped();
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
