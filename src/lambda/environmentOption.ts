import { ConfigError, describe } from '../errors.js';

/**
 * Names Lambda reserves: set by the runtime, refused in a function's `environment`. From AWS's
 * "Defined runtime environment variables" (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-runtime.html),
 * whose reserved list is `_HANDLER`, `_X_AMZN_TRACE_ID`, `AWS_DEFAULT_REGION`, `AWS_REGION`,
 * `AWS_EXECUTION_ENV`, `AWS_LAMBDA_FUNCTION_NAME`, `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`,
 * `AWS_LAMBDA_FUNCTION_VERSION`, `AWS_LAMBDA_INITIALIZATION_TYPE`, `AWS_LAMBDA_LOG_GROUP_NAME`,
 * `AWS_LAMBDA_LOG_STREAM_NAME`, `AWS_ACCESS_KEY`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN`, `AWS_LAMBDA_RUNTIME_API`, `LAMBDA_TASK_ROOT`, `LAMBDA_RUNTIME_DIR`; `TZ`
 * is listed with them (the time zone, `:UTC`). `LANG`, `PATH`, `LD_LIBRARY_PATH`, `NODE_PATH`
 * and the `AWS_XRAY_*` ones are not reserved: a function may set them.
 */
export const RESERVED_VARIABLES: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  'TZ',
]);

/** The Lambda API's limit on a function's variables: 4 KB, measured on their JSON. */
export const ENVIRONMENT_BYTES_MAX = 4096;

/**
 * Validates a function's `environment` option as the Lambda API does: an object of string values
 * whose keys match `[a-zA-Z][a-zA-Z0-9_]+`, none of them reserved, at most 4 KB in all (measured
 * on the variables' JSON, as the API's error quotes it). Returns a frozen copy.
 */
export function resolveEnvironment(api: string, value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return Object.freeze({});
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ConfigError(api, 'environment', 'must be an object of variable names to string values', value);
  const vars: Record<string, string> = {};
  const reserved: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (!/^[a-zA-Z][a-zA-Z0-9_]+$/.test(key))
      throw new ConfigError(
        api,
        `environment.${key}`,
        'is not a valid variable name: names start with a letter and have at least 2 characters of letters, digits and underscores (pattern [a-zA-Z]([a-zA-Z0-9_])+)',
        key,
      );
    if (typeof v !== 'string')
      throw new ConfigError(
        api,
        `environment.${key}`,
        'must be a string (Lambda stores every value as one)',
        v,
      );
    if (RESERVED_VARIABLES.has(key)) reserved.push(key);
    vars[key] = v;
  }
  if (reserved.length > 0)
    throw new ConfigError(
      api,
      'environment',
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
      reserved,
    );
  const json = JSON.stringify(vars);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > ENVIRONMENT_BYTES_MAX)
    throw new ConfigError(
      api,
      'environment',
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit (${bytes} bytes). String measured: ${describe(json)}`,
      `${Object.keys(vars).length} variables`,
    );
  return Object.freeze(vars);
}
