import type { FunctionRuntimeOptions } from '../lambda/FunctionConfig.js';
import type { AsyncOptions } from './async/AsyncConfig.js';

/**
 * Options of {@link Simulation.fn}: the runtime's (timeout, memory, concurrency, runtime,
 * environment) and the async model's. Every field is optional; defaults are those of AWS.
 *
 * @example
 * ```ts
 * sim.fn('Worker', () => handler, { timeoutS: 10, async: { maximumRetryAttempts: 0 } });
 * ```
 */
export interface FunctionOptions extends FunctionRuntimeOptions {
  /**
   * Asynchronous invocation settings (retries, event age, destinations, dead-letter queue),
   * validated by the async model (src/models/async/AsyncConfig.ts). @defaultValue AWS's: 2 retries, 6 h
   */
  readonly async?: AsyncOptions;
}

/** The keys of {@link FunctionOptions} the models validate; the runtime accepts them unread. */
export const MODEL_FUNCTION_KEYS: readonly string[] = ['async'];
