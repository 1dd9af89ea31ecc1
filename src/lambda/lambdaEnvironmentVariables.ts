import { REGION, type ResolvedFunctionConfig } from './FunctionConfig.js';

/** Fake credentials, as a role's temporary ones look; no AWS endpoint is ever reached with them. */
export const FAKE_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'ASIALAMBDASIMFAKEKEY',
  AWS_SECRET_ACCESS_KEY: 'lambdasim/fake/secret/access/key/never/valid0',
  AWS_SESSION_TOKEN: 'lambdasim-fake-session-token',
} as const;

/** What {@link lambdaEnvironmentVariables} needs to know about the environment. */
export interface EnvironmentFacts {
  readonly logStreamName: string;
  readonly provisioned: boolean;
  /** `file.export` for a {@link handlerModule} function; `index.handler` for a factory. */
  readonly handlerString: string | undefined;
}

/**
 * A runtime process's `process.env` at Init: the host's variables minus its `AWS_*` ones (the
 * developer's profile, region or endpoint must not reach a handler), then the unreserved defaults
 * of the Node.js runtime, the function's `environment`, and Lambda's defined variables for this
 * function and environment, which nothing overrides.
 *
 * @example
 * ```ts
 * lambdaEnvironmentVariables({}, config, { logStreamName: '2026/01/01/[$LATEST]Fn1', provisioned: false, handlerString: undefined })
 *   .AWS_LAMBDA_INITIALIZATION_TYPE; // 'on-demand'
 * ```
 */
export function lambdaEnvironmentVariables(
  host: Readonly<Record<string, string>>,
  config: ResolvedFunctionConfig,
  env: EnvironmentFacts,
): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(host)) if (!key.startsWith('AWS_')) vars[key] = value;
  Object.assign(vars, {
    LANG: 'en_US.UTF-8',
    PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LD_LIBRARY_PATH:
      '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
    NODE_PATH: '/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task',
  });
  Object.assign(vars, config.environment);
  Object.assign(vars, {
    _HANDLER: env.handlerString ?? 'index.handler',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_EXECUTION_ENV: `AWS_Lambda_${config.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: config.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMB),
    AWS_LAMBDA_FUNCTION_VERSION: config.version,
    AWS_LAMBDA_INITIALIZATION_TYPE: env.provisioned ? 'provisioned-concurrency' : 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: env.logStreamName,
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    ...FAKE_CREDENTIALS,
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    TZ: ':UTC',
  });
  return vars;
}
