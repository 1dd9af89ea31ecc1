import { LAMBDA_AWS_ENV } from './lambdaAwsEnv.js';
import { ConfigError } from '../errors.js';
import { invariant } from '../sim/invariant.js';
import { realGlobals } from '../sim/realGlobals.js';
import type { HandlerFactory } from './Handler.js';
import { type FunctionRuntimeOptions, resolveFunctionConfig } from './FunctionConfig.js';
import { type FunctionPool, LambdaFunction } from './LambdaFunction.js';
import { routeUnhandledRejections } from './unhandledRejections.js';
import type { World } from '../world/World.js';

/** R-CONC-1: reserved concurrency may not leave fewer than 100 for unreserved functions. */
export const UNRESERVED_FLOOR = 100;

/** The account's functions and its concurrency pool (R-CONC-1). */
export class LambdaRuntime implements FunctionPool {
  private readonly functions = new Map<string, LambdaFunction>();
  private reservedTotal = 0;
  /** In-flight invocations of functions without reserved concurrency. */
  unreservedInFlight = 0;
  private hostEnvVars: Readonly<Record<string, string>> | undefined;

  constructor(
    readonly world: World,
    readonly accountConcurrency: number,
  ) {
    routeUnhandledRejections();
    world.kernel.onQuiet(() => {
      for (const fn of this.functions.values()) fn.checkQuiet();
    });
  }

  /** Defines a function; `otherKeys` are option keys a higher layer validates (see {@link resolveFunctionConfig}). */
  define(
    name: string,
    factory: HandlerFactory,
    options?: FunctionRuntimeOptions,
    otherKeys: readonly string[] = [],
  ): LambdaFunction {
    const config = resolveFunctionConfig(name, options, otherKeys);
    const api = `fn(${JSON.stringify(config.name)})`;
    if (typeof factory !== 'function')
      throw new ConfigError(api, 'factory', 'must be a function (env) => handler', factory);
    if (this.functions.has(config.name))
      throw new ConfigError(
        api,
        'name',
        'is already defined in this simulation (ResourceConflictException)',
        config.name,
      );
    if (config.reservedConcurrency !== undefined) {
      const max = this.accountConcurrency - UNRESERVED_FLOOR - this.reservedTotal;
      if (config.reservedConcurrency > max) {
        throw new ConfigError(
          api,
          'reservedConcurrency',
          `must leave at least ${UNRESERVED_FLOOR} of the account limit (${this.accountConcurrency}) unreserved: at most ${max} is available`,
          config.reservedConcurrency,
        );
      }
      this.reservedTotal += config.reservedConcurrency;
    }
    const fn = new LambdaFunction(this, config, factory);
    this.functions.set(config.name, fn);
    return fn;
  }

  /** The names of the functions defined so far. */
  names(): ReadonlySet<string> {
    return new Set(this.functions.keys());
  }

  get(name: string): LambdaFunction | undefined {
    return this.functions.get(name);
  }

  /**
   * The test process's environment variables, copied once per simulation when a handler first
   * reads `process.env`, so every environment of the run starts from the same values.
   */
  hostEnv(): Readonly<Record<string, string>> {
    if (this.hostEnvVars === undefined) {
      // The test process's AWS_ variables (a profile, real credentials, an endpoint URL) would make
      // a run depend on the machine: Lambda's own take their place.
      const vars: Record<string, string> = {};
      for (const [name, value] of Object.entries(realGlobals.env))
        if (!name.startsWith('AWS_') && value !== undefined) vars[name] = value;
      this.hostEnvVars = { ...vars, ...LAMBDA_AWS_ENV };
    }
    return this.hostEnvVars;
  }

  /** The unreserved pool has room for one more invocation. */
  unreservedAvailable(): boolean {
    return this.unreservedInFlight < this.accountConcurrency - this.reservedTotal;
  }

  /** The unreserved pool is not over its limit (an invariant, checked after each acquire). */
  unreservedWithinLimit(): boolean {
    return this.unreservedInFlight <= this.accountConcurrency - this.reservedTotal;
  }

  /**
   * @internal Run-end invariants of concurrency (see {@link LambdaFunction.checkSlots}): every
   * function's slots add up, none is in use when the run ended quiescent, and the unreserved pool
   * counts exactly the slots of the functions without reserved concurrency.
   */
  checkSlots(quiescent: boolean): void {
    let unreserved = 0;
    for (const fn of this.functions.values()) {
      const inUse = fn.checkSlots(quiescent);
      if (fn.config.reservedConcurrency === undefined) unreserved += inUse;
    }
    invariant(
      unreserved === this.unreservedInFlight,
      () =>
        `run end: the unreserved pool counts ${this.unreservedInFlight} invocation(s) in flight, its functions hold ${unreserved} slot(s)`,
    );
  }
}
