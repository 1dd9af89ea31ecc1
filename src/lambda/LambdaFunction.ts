import { printLive } from '../sim/captureOutput.js';
import { invariant, invariantFailed } from '../sim/invariant.js';
import type { ThrottleReason } from '../TraceEvent.js';
import { ConcurrencySlot } from './ConcurrencySlot.js';
import { Environment } from './Environment.js';
import type { Handler, HandlerFactory } from './Handler.js';
import { handlerModuleSpec } from './handlerModule.js';
import { lambdaEnvironmentVariables } from './lambdaEnvironmentVariables.js';
import type { ResolvedFunctionConfig } from './FunctionConfig.js';
import type { World } from '../world/World.js';

/** Shared-handler warnings printed so far in this process (function + handler name). */
const printedSharedWarnings = new Set<string>();

/** R-CONC-2: new environments per function, a token bucket of 1,000 refilled at 100 per second. */
export const SCALE_BUCKET_CAPACITY = 1000;
export const SCALE_REFILL_PER_MS = 0.1;

export type Acquisition =
  | { readonly kind: 'acquired'; readonly slot: ConcurrencySlot }
  | { readonly kind: 'throttled'; readonly reason: ThrottleReason };

/**
 * What a function needs of the account it runs in (`LambdaRuntime` implements it): the shared
 * unreserved concurrency pool (R-CONC-1) and the host variables its processes start from.
 */
export interface FunctionPool {
  readonly world: World;
  /** Invocations in flight of functions without reserved concurrency. */
  unreservedInFlight: number;
  /** True when one more unreserved invocation fits. */
  unreservedAvailable(): boolean;
  /** True while the unreserved invocations in flight are within the pool. */
  unreservedWithinLimit(): boolean;
  /** The test process's variables a runtime process starts from (see `LambdaRuntime.hostEnv`). */
  hostEnv(): Readonly<Record<string, string>>;
}

/**
 * A function and its pool of execution environments: picks a warm environment (seeded choice,
 * R-ENV-6) or creates one, within reserved/account concurrency (R-CONC-1) and the scale-up
 * bucket (R-CONC-2).
 *
 * It is the `EnvironmentOwner` of its environments and the `SlotOwner` of its slots
 * (checked where it passes itself to them). No `implements` clause: those members are internal
 * and stripped from the shipped declarations, where the clause would then fail (TS2420).
 */
export class LambdaFunction {
  private readonly envs: Environment[] = [];
  private envSeq = 0;
  /** Slots in use (environments busy with Init or Invoke for a request). */
  private busy = 0;
  /** Slots handed out and given back so far: `slotsAcquired === slotsReleased + busy`. */
  private slotsAcquired = 0;
  private slotsReleased = 0;
  private tokens = SCALE_BUCKET_CAPACITY;
  private tokensAtMs = 0;
  /** True once a shared handler was warned about (see {@link LambdaFunction.checkSharedHandler}). */
  private sharedWarned = false;
  /** Invocation tries so far (the `invocation` index of fault plans). */
  private tries = 0;

  /** @internal Made by `sim.fn`. */
  constructor(
    /** @internal */
    readonly runtime: FunctionPool,
    readonly config: ResolvedFunctionConfig,
    /** @internal */
    readonly factory: HandlerFactory,
  ) {
    for (let i = 0; i < config.provisionedConcurrency; i++) this.newEnvironment(true).prewarm();
  }

  /** @internal */
  get world(): World {
    return this.runtime.world;
  }

  get name(): string {
    return this.config.name;
  }

  /**
   * @internal The variables a new runtime process of `env` starts with (its `process.env`): the test
   * process's environment without its `AWS_*` variables, then Lambda's defined runtime variables
   * for this function and environment, then the function's `environment` option (see
   * {@link lambdaEnvironmentVariables}). A fresh object: the process's writes stay in it.
   */
  environmentVariables(env: Environment): Record<string, string> {
    return lambdaEnvironmentVariables(this.runtime.hostEnv(), this.config, {
      logStreamName: env.logStreamName,
      provisioned: env.provisioned,
      handlerString: handlerModuleSpec(this.factory)?.handlerString,
    });
  }

  /**
   * @internal Called when `env`'s Init built `handler`: if another live environment of this function holds
   * the very same handler object, the state it closes over is shared by both, which Lambda never
   * does. Warns once per function and run.
   */
  checkSharedHandler(env: Environment, handler: Handler): void {
    if (this.sharedWarned) return;
    const other = this.envs.find((e) => e !== env && e.state !== 'gone' && e.currentHandler === handler);
    if (other === undefined) return;
    this.sharedWarned = true;
    const name = handler.name === '' ? 'function' : handler.name;
    const warning = `${this.config.name}: the handler ${name} serves ${other.id} and ${env.id} at the same time: the factory returned the same function to every execution environment, so the state it closes over (clients, caches, a batch processor) is shared by environments that Lambda keeps apart. Return a new handler per call of the factory (build the state inside it), or load the module once per environment: sim.fn(${JSON.stringify(this.config.name)}, handlerModule(new URL('./handler.ts', import.meta.url), 'handler')).`;
    this.world.warnings.push(warning);
    // Also on the terminal, once per process and function: a property runs it many times.
    const key = `${this.config.name}\u0000${name}`;
    if (!printedSharedWarnings.has(key)) {
      printedSharedWarnings.add(key);
      printLive(`lambdasim warning: ${warning}`, 'warn');
    }
  }

  /** Invocations in flight (environments busy with Init or Invoke for a request). */
  get inFlight(): number {
    return this.busy;
  }

  /** @internal Live environments, for inspection. */
  get environments(): readonly Environment[] {
    return this.envs;
  }

  /**
   * @internal Finds an environment for one invocation, or the throttle reason (R-SYNC-5 order: reserved
   * concurrency, then the account pool, then the scale-up bucket). The slot must then be
   * executed or released (see {@link ConcurrencySlot}); ask only when there is something to run.
   */
  acquire(): Acquisition {
    // Fault plan: this try's number, and the faults aimed at it (throttle / cold start here, the
    // handler faults go to the environment that runs it).
    const faults = this.world.faults.forInvocation(this.config.name, ++this.tries);
    let forceCold = false;
    for (const fault of faults) {
      if (fault.kind === 'throttle') {
        this.world.faults.injected(fault);
        return { kind: 'throttled', reason: 'ConcurrentInvocationLimitExceeded' };
      }
      if (fault.kind === 'coldStart') {
        this.world.faults.injected(fault);
        forceCold = true;
      }
    }
    const { reservedConcurrency } = this.config;
    if (reservedConcurrency !== undefined) {
      if (this.busy >= reservedConcurrency)
        return { kind: 'throttled', reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' };
    } else if (!this.runtime.unreservedAvailable()) {
      return { kind: 'throttled', reason: 'ConcurrentInvocationLimitExceeded' };
    }
    const now = this.world.kernel.nowMs;
    const idle: Environment[] = [];
    for (const env of this.envs) {
      if (env.state !== 'idle') continue;
      if (forceCold || (!env.provisioned && now - env.idleSinceMs >= this.config.idleTimeoutMs))
        env.reclaim();
      else idle.push(env);
    }
    if (idle.length < this.envs.length) this.compact();
    let env: Environment;
    if (idle.length > 0) {
      env = idle.length === 1 ? idle[0]! : this.world.kernel.rng('lambda.environments').pick(idle);
    } else {
      if (!this.takeToken(now)) return { kind: 'throttled', reason: 'ConcurrentInvocationLimitExceeded' };
      env = this.newEnvironment(false);
    }
    this.busy++;
    this.slotsAcquired++;
    if (reservedConcurrency === undefined) this.runtime.unreservedInFlight++;
    if (
      !(reservedConcurrency === undefined
        ? this.runtime.unreservedWithinLimit()
        : this.busy <= reservedConcurrency)
    )
      invariantFailed(`LambdaFunction.acquire: ${this.slotState()} is over the concurrency limit`);
    env.state = 'busy';
    return { kind: 'acquired', slot: new ConcurrencySlot(this, env, faults) };
  }

  /** @internal Called by {@link ConcurrencySlot} when a slot is given back (run ended or unused). */
  slotReturned(env: Environment): void {
    this.busy--;
    this.slotsReleased++;
    if (this.config.reservedConcurrency === undefined) this.runtime.unreservedInFlight--;
    if (!(this.busy >= 0 && this.slotsAcquired === this.slotsReleased + this.busy && env.state !== 'busy'))
      invariantFailed(`LambdaFunction.slotReturned: ${this.slotState()}, ${env.id} is ${env.state}`);
  }

  /**
   * @internal Run-end invariants: every slot handed out was given back or is still in use, as
   * many environments are busy as slots are in use, and a run that ended quiescent (nothing left
   * to do) holds none. Returns the slots in use.
   */
  checkSlots(quiescent: boolean): number {
    let busyEnvs = 0;
    for (const env of this.envs) if (env.state === 'busy') busyEnvs++;
    invariant(
      this.slotsAcquired === this.slotsReleased + this.busy && busyEnvs === this.busy,
      () => `run end: ${this.slotState()}, but ${busyEnvs} environment(s) busy`,
    );
    invariant(
      !quiescent || this.busy === 0,
      () => `run end: the run is quiescent but ${this.slotState()} (a slot leaked)`,
    );
    return this.busy;
  }

  private slotState(): string {
    return `function ${this.config.name}: ${this.slotsAcquired} slot(s) acquired, ${this.slotsReleased} released, ${this.busy} in use (reserved concurrency ${this.config.reservedConcurrency ?? 'none'})`;
  }

  /** @internal Called by an environment that is gone for good (Init failure). */
  discard(env: Environment): void {
    const i = this.envs.indexOf(env);
    invariant(i >= 0, () => `LambdaFunction.discard: ${env.id} is not an environment of ${this.config.name}`);
    this.envs.splice(i, 1);
  }

  /** @internal Environments whose running invocation may be waiting on an empty event loop. */
  checkQuiet(): void {
    for (const env of this.envs) if (env.state === 'busy') env.checkQuiet();
  }

  private newEnvironment(provisioned: boolean): Environment {
    const env = new Environment(this, `${this.config.name}#${++this.envSeq}`, provisioned);
    this.envs.push(env);
    const kernel = this.world.kernel;
    kernel.record({
      kind: 'env.created',
      fn: this.config.name,
      env: env.id,
      provisioned,
    });
    return env;
  }

  private takeToken(now: number): boolean {
    this.tokens = Math.min(
      SCALE_BUCKET_CAPACITY,
      this.tokens + (now - this.tokensAtMs) * SCALE_REFILL_PER_MS,
    );
    this.tokensAtMs = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private compact(): void {
    for (let i = this.envs.length - 1; i >= 0; i--)
      if (this.envs[i]!.state === 'gone') this.envs.splice(i, 1);
  }
}
