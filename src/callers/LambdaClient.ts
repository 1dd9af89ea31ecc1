import { ConfigError, checkOptions, intInRange, nonNegativeInt } from '../errors.js';
import type { LambdaFunction } from '../lambda/LambdaFunction.js';
import type { World } from '../world/World.js';
import type { InvokeOptions, InvokeResponse, SyncModel } from '../models/sync.js';

/** Options of {@link Simulation.client}: an AWS SDK-like Lambda client with a retry policy. */
export interface LambdaClientOptions {
  /** Total attempts including the first (SDK v3 standard mode: 3). @defaultValue 3 */
  readonly maxAttempts?: number;
  /** Per-attempt client timeout; the function keeps running after it. @defaultValue none */
  readonly clientTimeoutMs?: number;
  /** Base of the exponential backoff with full jitter (SDK v3: 100 ms). @defaultValue 100 */
  readonly baseDelayMs?: number;
  /** Backoff cap (SDK v3: 20 s). @defaultValue 20000 */
  readonly maxDelayMs?: number;
  /**
   * Which answers are retried. Default as the SDK: client timeouts, 429 throttles and 5xx;
   * never a function error (that is a 200 answer).
   */
  readonly retryOn?: (response: InvokeResponse) => boolean;
}

/** The final answer plus every attempt's answer, in order. */
export interface ClientInvokeResult {
  readonly response: InvokeResponse;
  readonly attempts: readonly InvokeResponse[];
}

const KNOWN = new Set(['maxAttempts', 'clientTimeoutMs', 'baseDelayMs', 'maxDelayMs', 'retryOn']);

function sdkRetryable(response: InvokeResponse): boolean {
  if (response.kind === 'clientTimeout') return true;
  if (response.kind === 'rejected') return response.statusCode === 429 || response.statusCode >= 500;
  return false;
}

/**
 * A simulated caller-side Lambda client. Each retry is a new request with a new request id, as
 * with a real SDK (R-SYNC-1: Lambda itself never retries a sync invoke), so a client timeout
 * followed by a retry runs the handler twice: the classic duplicate.
 *
 * @example
 * ```ts
 * const client = sim.client(chargeFn, { clientTimeoutMs: 1000, maxAttempts: 3 });
 * sim.spawn('checkout', async () => {
 *   const { response, attempts } = await client.invoke({ orderId: 'o-1' });
 * });
 * ```
 */
export class LambdaClient {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly retryOn: (response: InvokeResponse) => boolean;
  private readonly invokeOptions: InvokeOptions;

  /** @internal Use {@link Simulation.client}. */
  constructor(
    private readonly world: World,
    private readonly sync: SyncModel,
    readonly fn: LambdaFunction,
    options: LambdaClientOptions = {},
  ) {
    const api = `client(${JSON.stringify(fn.name)})`;
    checkOptions(api, options, KNOWN);
    this.maxAttempts = intInRange(api, 'maxAttempts', options.maxAttempts ?? 3, 1, 100);
    this.baseDelayMs = nonNegativeInt(api, 'baseDelayMs', options.baseDelayMs ?? 100);
    this.maxDelayMs = nonNegativeInt(api, 'maxDelayMs', options.maxDelayMs ?? 20_000);
    if (options.retryOn !== undefined && typeof options.retryOn !== 'function')
      throw new ConfigError(api, 'retryOn', 'must be a function', options.retryOn);
    this.retryOn = options.retryOn ?? sdkRetryable;
    this.invokeOptions =
      options.clientTimeoutMs === undefined
        ? {}
        : { clientTimeoutMs: intInRange(api, 'clientTimeoutMs', options.clientTimeoutMs, 1, 86_400_000) };
  }

  /** Invokes with retries; resolves in virtual time with the last answer and all attempts. */
  async invoke(payload?: unknown): Promise<ClientInvokeResult> {
    const attempts: InvokeResponse[] = [];
    for (let attempt = 1; ; attempt++) {
      const response = await this.sync.invoke(this.fn, payload, this.invokeOptions);
      attempts.push(response);
      if (attempt >= this.maxAttempts || !this.retryOn(response)) return { response, attempts };
      const capMs = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.floor(this.world.kernel.rng('caller.backoff').next() * capMs);
      await new Promise<void>((resolve) => {
        this.world.kernel.after(delayMs, () => {
          this.world.kernel.wake();
          resolve();
        });
      });
    }
  }
}
