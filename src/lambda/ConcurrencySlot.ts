import type { InvocationFault } from '../faults/Fault.js';
import { invariantFailed } from '../sim/invariant.js';
import type { Environment, InvocationOutcome, InvocationRequest, InvocationSlot } from './Environment.js';

type SlotState = 'held' | 'running' | 'released';

/** What a slot needs of the function it belongs to (`LambdaFunction` implements it). */
export interface SlotOwner {
  readonly name: string;
  /** @internal Called when a slot is given back (its run ended, or it was released unused). */
  slotReturned(env: Environment): void;
}

/**
 * One unit of a function's concurrency, held for one invocation on one environment (what
 * `LambdaFunction.acquire` hands out). It must end in exactly one of two ways: `execute` it
 * (the environment gives it back when the invocation ends) or `release` it unused. A slot that is
 * neither leaks: the function's in-use count never comes down, and the run-end invariant of
 * `Simulation.run` reports it as a lambdasim bug.
 */
export class ConcurrencySlot implements InvocationSlot {
  private state: SlotState = 'held';

  /** @internal Made by `LambdaFunction.acquire`. */
  constructor(
    private readonly fn: SlotOwner,
    /** The environment reserved for the invocation. */
    readonly env: Environment,
    /** Faults of the fault plan aimed at this invocation try (applied by the environment). */
    readonly faults: readonly InvocationFault[],
  ) {}

  /** Runs one invocation on the slot's environment; `done` is called once, when it ends. */
  execute(req: InvocationRequest, done: (outcome: InvocationOutcome) => void): void {
    this.expect('held', 'execute');
    this.state = 'running';
    this.env.start(this, req, done);
  }

  /** Gives the slot back without running anything; the environment goes back to idle. */
  release(): void {
    this.expect('held', 'release');
    this.state = 'released';
    this.env.unreserve();
    this.fn.slotReturned(this.env);
  }

  /** @internal Called by the environment when the invocation started by `execute` ends. */
  ended(): void {
    this.expect('running', 'ended');
    this.state = 'released';
    this.fn.slotReturned(this.env);
  }

  private expect(state: SlotState, op: string): void {
    if (this.state !== state)
      invariantFailed(
        `ConcurrencySlot.${op}: the slot of ${this.env.id} (${this.fn.name}) must be ${state}, it is ${this.state}`,
      );
  }
}
