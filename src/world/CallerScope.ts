import { recordEscapedResource, type World } from './World.js';
import type { TimerHandle } from '../sim/Kernel.js';
import { seededUuid } from '../sim/Rng.js';
import { runInScope, type VirtualScope, VirtualTimer } from '../sim/VirtualScope.js';

/**
 * The scope of simulated callers (workload code: `sim.at` callbacks and `sim.spawn` processes).
 * Their `Date`, timers and randomness are virtual too, so a caller written with plain
 * `setTimeout` and `Date.now()` runs in virtual time. Callers never freeze or die.
 */
export class CallerScope implements VirtualScope {
  private readonly handles = new Map<
    VirtualTimer,
    { handle: TimerHandle | undefined; cb: () => void; delayMs: number; repeat: boolean }
  >();
  private nextId = 1;

  constructor(
    /** @internal The simulation this caller runs in (the HTTP interception layer routes by it). */
    readonly world: World,
    readonly name: string,
  ) {}

  epochMs(): number {
    return this.world.epochStartMs + this.world.kernel.nowMs;
  }
  monotonicMs(): number {
    return this.world.kernel.nowMs;
  }
  random(): number {
    return this.world.kernel.rng(`caller.random:${this.name}`).next();
  }
  randomUUID(): string {
    return seededUuid(this.world.kernel.rng(`caller.uuid:${this.name}`));
  }
  setTimer(callback: () => void, delayMs: number, repeat: boolean): VirtualTimer {
    const timer = new VirtualTimer(this.nextId++, this, (t) => this.arm(t));
    this.handles.set(timer, { handle: undefined, cb: callback, delayMs, repeat });
    this.arm(timer);
    return timer;
  }
  clearTimer(timer: VirtualTimer): void {
    const entry = this.handles.get(timer);
    if (entry === undefined) return;
    if (entry.handle !== undefined) this.world.kernel.cancel(entry.handle);
    this.handles.delete(timer);
  }
  exit(code: number): never {
    throw new Error(
      `process.exit(${code}) called by simulated caller "${this.name}": callers cannot exit the test process`,
    );
  }
  /** Callers are the test's own code: they see and change the process's real environment. */
  env(): undefined {
    return undefined;
  }
  escaped(type: string, stack: string, resource: object): void {
    recordEscapedResource(this.world, this.name, type, stack, resource);
  }

  /** Runs `fn` in this scope now (callers are never frozen). */
  deliver(fn: () => void): void {
    this.world.kernel.wake();
    runInScope(this, fn);
  }

  private arm(timer: VirtualTimer): void {
    const entry = this.handles.get(timer);
    if (entry === undefined) return;
    if (entry.handle !== undefined) this.world.kernel.cancel(entry.handle);
    entry.handle = this.world.kernel.after(entry.delayMs, () => {
      entry.handle = undefined;
      if (entry.repeat) this.arm(timer);
      else this.handles.delete(timer);
      this.deliver(entry.cb);
    });
  }
}
