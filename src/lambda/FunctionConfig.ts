import { ConfigError, checkName, checkOptions, intInRange, nonNegativeInt } from '../errors.js';
import { resolveEnvironment } from './environmentOption.js';

/** Node.js managed runtimes. Callback-style handlers are rejected from nodejs24.x on (R-NODE-2). */
export type NodeRuntime = 'nodejs20.x' | 'nodejs22.x' | 'nodejs24.x';

/**
 * The runtime's part of a function's options (timeout, memory, concurrency, runtime, environment).
 * The layers above add theirs (`FunctionOptions` in src/models/FunctionOptions.ts adds `async`);
 * the runtime accepts their keys by name (`otherKeys` of {@link resolveFunctionConfig}) without
 * knowing their types. Every field is optional; defaults are those of AWS.
 */
export interface FunctionRuntimeOptions {
  /** Function timeout in seconds, 1-900. @defaultValue 3 */
  readonly timeoutS?: number;
  /** Memory in MB, 128-10240. @defaultValue 128 */
  readonly memoryMB?: number;
  /** Reserved concurrency: 0 (never runs) to account limit - 100. @defaultValue unset (unreserved pool) */
  readonly reservedConcurrency?: number;
  /** Pre-initialised environments, ready before traffic (R-ENV-7). @defaultValue 0 */
  readonly provisionedConcurrency?: number;
  /**
   * Virtual time the Init phase takes on a cold start, in ms. Init ends when both this time has
   * passed and the factory (which may await simulated calls) has settled. @defaultValue 100
   */
  readonly initDurationMs?: number;
  /** Idle time after which an environment is reclaimed (R-ENV-6, UNCONFIRMED in AWS). @defaultValue 600 */
  readonly idleTimeoutS?: number;
  /** @defaultValue 'nodejs22.x' */
  readonly runtime?: NodeRuntime;
  /** @defaultValue '$LATEST' */
  readonly version?: string;
  /**
   * The function's environment variables, as in its Lambda configuration: each execution
   * environment's `process.env` has them, with Lambda's own variables (`AWS_REGION`,
   * `AWS_LAMBDA_FUNCTION_NAME`, fake credentials, …), which they may not override. Validated as
   * the Lambda API does: names `[a-zA-Z][a-zA-Z0-9_]+`, string values, no reserved name, 4 KB in
   * all. @defaultValue {}
   */
  readonly environment?: Readonly<Record<string, string>>;
}

export interface ResolvedFunctionConfig {
  readonly name: string;
  readonly arn: string;
  readonly timeoutS: number;
  readonly timeoutMs: number;
  readonly memoryMB: number;
  readonly reservedConcurrency: number | undefined;
  readonly provisionedConcurrency: number;
  readonly initDurationMs: number;
  readonly idleTimeoutMs: number;
  readonly runtime: NodeRuntime;
  readonly version: string;
  readonly environment: Readonly<Record<string, string>>;
}

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '123456789012';
/** R-ENV-3: on-demand Init phase limit. */
export const INIT_LIMIT_MS = 10_000;

const RUNTIMES: readonly NodeRuntime[] = ['nodejs20.x', 'nodejs22.x', 'nodejs24.x'];
const KNOWN = new Set([
  'timeoutS',
  'memoryMB',
  'reservedConcurrency',
  'provisionedConcurrency',
  'initDurationMs',
  'idleTimeoutS',
  'runtime',
  'version',
  'environment',
]);

/**
 * Validates a function's options as the Lambda API does and fills in every default. `otherKeys`
 * are the option keys a higher layer validates itself (e.g. `async`), accepted here unread.
 */
export function resolveFunctionConfig(
  name: unknown,
  options: FunctionRuntimeOptions = {},
  otherKeys: readonly string[] = [],
): ResolvedFunctionConfig {
  const fnName = checkName(
    'fn',
    'name',
    name,
    /^[a-zA-Z0-9_-]{1,64}$/,
    'must be 1-64 characters of letters, digits, hyphens and underscores',
  );
  const api = `fn(${JSON.stringify(fnName)})`;
  checkOptions(api, options, otherKeys.length === 0 ? KNOWN : new Set([...KNOWN, ...otherKeys]));
  const timeoutS = intInRange(api, 'timeoutS', options.timeoutS ?? 3, 1, 900);
  const memoryMB = intInRange(api, 'memoryMB', options.memoryMB ?? 128, 128, 10_240);
  const reservedConcurrency =
    options.reservedConcurrency === undefined
      ? undefined
      : nonNegativeInt(api, 'reservedConcurrency', options.reservedConcurrency);
  const provisionedConcurrency = nonNegativeInt(
    api,
    'provisionedConcurrency',
    options.provisionedConcurrency ?? 0,
  );
  if (reservedConcurrency !== undefined && provisionedConcurrency > reservedConcurrency) {
    throw new ConfigError(
      api,
      'provisionedConcurrency',
      `must not exceed reservedConcurrency (${reservedConcurrency})`,
      provisionedConcurrency,
    );
  }
  const initDurationMs = nonNegativeInt(api, 'initDurationMs', options.initDurationMs ?? 100);
  const idleTimeoutS = nonNegativeInt(api, 'idleTimeoutS', options.idleTimeoutS ?? 600);
  const runtime = options.runtime ?? 'nodejs22.x';
  if (!RUNTIMES.includes(runtime))
    throw new ConfigError(api, 'runtime', `must be one of ${RUNTIMES.join(', ')}`, runtime);
  const version = checkName(
    api,
    'version',
    options.version ?? '$LATEST',
    /^(\$LATEST|[0-9]{1,10})$/,
    'must be "$LATEST" or a version number',
  );
  return {
    name: fnName,
    arn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${fnName}`,
    timeoutS,
    timeoutMs: timeoutS * 1000,
    memoryMB,
    reservedConcurrency,
    provisionedConcurrency,
    initDurationMs,
    idleTimeoutMs: idleTimeoutS * 1000,
    runtime,
    version,
    environment: resolveEnvironment(api, options.environment),
  };
}
