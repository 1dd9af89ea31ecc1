import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, handlerModule } from '../../../src/index.js';
import { as, invokeAt, invokeManyAt } from '../../conformance/helpers.js';

/** The variables Lambda defines (AWS "Defined runtime environment variables"), as a handler reads them. */
const DEFINED = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  '_HANDLER',
  'LAMBDA_TASK_ROOT',
  'TZ',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'TABLE_NAME',
] as const;

const readEnv = () => async () => Object.fromEntries(DEFINED.map((k) => [k, process.env[k] ?? null]));

describe("Lambda's environment variables, per execution environment", () => {
  it('every defined variable is set as Lambda sets it, with the function environment', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Checkout', readEnv, {
      memoryMB: 512,
      runtime: 'nodejs20.x',
      provisionedConcurrency: 1,
      reservedConcurrency: 5,
      environment: { TABLE_NAME: 'orders' },
    });
    const [provisioned, onDemand] = await Promise.all([
      invokeAt(sim, 0, fn),
      invokeManyAt(sim, 10, fn, 2).then((r) =>
        r.find(
          (x) => (as(x, 'ok').body as Record<string, string>).AWS_LAMBDA_INITIALIZATION_TYPE === 'on-demand',
        ),
      ),
      sim.run(),
    ]);
    expect(as(provisioned!, 'ok').body).toEqual({
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'Checkout',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/Checkout',
      AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]Checkout1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency',
      _HANDLER: 'index.handler',
      LAMBDA_TASK_ROOT: '/var/task',
      TZ: ':UTC',
      AWS_ACCESS_KEY_ID: expect.stringMatching(/^ASIA/),
      AWS_SECRET_ACCESS_KEY: expect.any(String),
      AWS_SESSION_TOKEN: expect.any(String),
      TABLE_NAME: 'orders',
    });
    const body = as(onDemand!, 'ok').body as Record<string, string>;
    expect(body.AWS_LAMBDA_INITIALIZATION_TYPE).toBe('on-demand');
    expect(body.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^2026\/01\/01\/\[\$LATEST\]Checkout[23]$/);
  });

  it('_HANDLER names the module and export of a handlerModule function', async () => {
    const sim = createSimulation({ seed: 2 });
    const fn = sim.fn(
      'Counter',
      handlerModule(new URL('../../../fixtures/modules/counter.ts', import.meta.url)),
    );
    sim.fn('Reader', readEnv);
    const response = invokeAt(sim, 0, fn);
    await sim.run();
    expect(as(await response, 'ok').body).toMatchObject({ region: 'us-east-1' });
    expect(fn.environmentVariables(fn.environments[0]!)._HANDLER).toBe('counter.handler');
  });

  it("the developer's own AWS_* variables (profile, keys, endpoint) never reach a handler", async () => {
    const saved = { ...process.env };
    process.env.AWS_PROFILE = 'production-admin';
    process.env.AWS_ACCESS_KEY_ID = 'AKIAREALKEY';
    process.env.AWS_ENDPOINT_URL = 'https://real.example';
    process.env.LAMBDASIM_HOST_ONLY = 'kept';
    try {
      const sim = createSimulation({ seed: 3 });
      const fn = sim.fn('Keys', () => async () => ({
        profile: process.env.AWS_PROFILE ?? null,
        key: process.env.AWS_ACCESS_KEY_ID,
        endpoint: process.env.AWS_ENDPOINT_URL ?? null,
        host: process.env.LAMBDASIM_HOST_ONLY,
      }));
      const response = invokeAt(sim, 0, fn);
      await sim.run();
      expect(as(await response, 'ok').body).toEqual({
        profile: null,
        key: 'ASIALAMBDASIMFAKEKEY',
        endpoint: null,
        host: 'kept',
      });
    } finally {
      for (const key of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_ENDPOINT_URL', 'LAMBDASIM_HOST_ONLY'])
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
    }
  });

  it('writes by one environment are invisible to another and to the test runner', async () => {
    const sim = createSimulation({ seed: 4 });
    const runnerRegion = process.env.AWS_REGION;
    const fn = sim.fn(
      'Writer',
      () => async (event: { write: boolean }) => {
        if (event.write) {
          process.env.AWS_REGION = 'eu-west-1';
          process.env.TABLE_NAME = 'changed';
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { region: process.env.AWS_REGION, table: process.env.TABLE_NAME };
      },
      { environment: { TABLE_NAME: 'orders' } },
    );
    const writer = sim.invoke(fn, { write: true });
    const reader = sim.invoke(fn, { write: false });
    let runnerDuring: string | undefined = 'unset';
    sim.at(50, () => {
      runnerDuring = process.env.TABLE_NAME;
    });
    await sim.run();
    expect(as(await writer, 'ok').body).toEqual({ region: 'eu-west-1', table: 'changed' });
    expect(as(await reader, 'ok').body).toEqual({ region: 'us-east-1', table: 'orders' });
    expect(runnerDuring).toBeUndefined();
    expect(process.env.AWS_REGION).toBe(runnerRegion);
    expect(process.env.TABLE_NAME).toBeUndefined();
  });
});

describe('the environment option, validated as the Lambda API does', () => {
  const define = (environment: unknown) => () =>
    createSimulation({ seed: 1 }).fn('Fn', () => async () => null, {
      environment: environment as Record<string, string>,
    });

  it('refuses a reserved name with AWS message', () => {
    expect(define({ AWS_REGION: 'eu-west-1', TZ: 'x' })).toThrow(ConfigError);
    expect(define({ AWS_REGION: 'eu-west-1', TZ: 'x' })).toThrow(
      'fn("Fn"): environment Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION, TZ',
    );
  });

  it('refuses more than 4 KB in all, and accepts exactly 4 KB', () => {
    // {"A1":"…"} is 9 bytes plus the value.
    expect(define({ A1: 'x'.repeat(4096 - 9) })).not.toThrow();
    expect(define({ A1: 'x'.repeat(4096 - 8) })).toThrow(/exceeded the 4KB limit \(4097 bytes\)/);
  });

  it('refuses a bad name or a value that is not a string', () => {
    expect(define({ '1ST': 'x' })).toThrow(/environment\.1ST is not a valid variable name/);
    expect(define({ A: 'x' })).toThrow(/environment\.A is not a valid variable name/);
    expect(define({ PORT: 8080 })).toThrow(/environment\.PORT must be a string/);
    expect(define(['A1'])).toThrow(/environment must be an object/);
  });
});
