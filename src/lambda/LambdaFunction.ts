import type { ThrottleReason } from '../TraceEvent.js';
import {
  Environment,
  type HandlerFactory,
  type InvocationOutcome,
  type InvocationRequest,
} from './Environment.js';
import type { ResolvedFunctionConfig } from './FunctionConfig.js';
import type { LambdaRuntime } from './LambdaRuntime.js';
import type { World } from './World.js';

/** R-CONC-2: new environments per function, a token bucket of 1,000 refilled at 100 per second. */
export const SCALE_BUCKET_CAPACITY = 1000;
export const SCALE_REFILL_PER_MS = 0.1;

export type Acquisition =
  | { readonly kind: 'acquired'; readonly env: Environment }
  | { readonly kind: 'throttled'; readonly reason: ThrottleReason };

/**
 * A function and its pool of execution environments: picks a warm environment (seeded choice,
 * R-ENV-6) or creates one, within reserved/account concurrency (R-CONC-1) and the scale-up
 * bucket (R-CONC-2).
 */
export class LambdaFunction {
  private readonly envs: Environment[] = [];
  private envSeq = 0;
  private busy = 0;
  private tokens = SCALE_BUCKET_CAPACITY;
  private tokensAtMs = 0;
  /** Invocation tries so far (the `invocation` index of fault plans). */
  private tries = 0;

  constructor(
    readonly runtime: LambdaRuntime,
    readonly config: ResolvedFunctionConfig,
    readonly factory: HandlerFactory,
  ) {
    for (let i = 0; i < config.provisionedConcurrency; i++) this.newEnvironment(true).prewarm();
  }

  get world(): World {
    return this.runtime.world;
  }

  get name(): string {
    return this.config.name;
  }

  /**
   * The variables a new runtime process of this function starts with (its `process.env`): a fresh
   * copy of the test process's environment.
   */
  environmentVariables(): Record<string, string> {
    return { ...this.runtime.hostEnv() };
  }

  /** Invocations in flight (environments busy with Init or Invoke for a request). */
  get inFlight(): number {
    return this.busy;
  }

  /** Live environments, for inspection. */
  get environments(): readonly Environment[] {
    return this.envs;
  }

  /**
   * Finds an environment for one invocation, or the throttle reason (R-SYNC-5 order: reserved
   * concurrency, then the account pool, then the scale-up bucket).
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
    if (reservedConcurrency === undefined) this.runtime.unreservedInFlight++;
    env.state = 'busy';
    env.assignFaults(faults);
    return { kind: 'acquired', env };
  }

  /** Runs one invocation on an acquired environment. */
  execute(env: Environment, req: InvocationRequest, done: (outcome: InvocationOutcome) => void): void {
    env.start(req, done);
  }

  /** Called by an environment when its invocation ends. */
  release(_env: Environment): void {
    this.busy--;
    if (this.config.reservedConcurrency === undefined) this.runtime.unreservedInFlight--;
  }

  /** Called by an environment that is gone for good (Init failure). */
  discard(env: Environment): void {
    const i = this.envs.indexOf(env);
    if (i >= 0) this.envs.splice(i, 1);
  }

  /** Environments whose running invocation may be waiting on an empty event loop. */
  checkQuiet(): void {
    for (const env of this.envs) if (env.state === 'busy') env.checkQuiet();
  }

  private newEnvironment(provisioned: boolean): Environment {
    const env = new Environment(this, `${this.config.name}#${++this.envSeq}`, provisioned);
    this.envs.push(env);
    const kernel = this.world.kernel;
    kernel.record({
      atMs: kernel.nowMs,
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
