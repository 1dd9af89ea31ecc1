import { recordCoverage } from '../coverage/recordCoverage.js';
import { DeterminismEscapeError, determinismFailure } from '../checks/determinismGate.js';
import { ConfigError, checkBoolean, checkOptions } from '../errors.js';
import type { HandlerFactory } from '../lambda/Environment.js';
import { handlerModuleSpec } from '../lambda/handlerModule.js';
import { userFrame } from '../sim/stackFrames.js';
import type { Simulation, SimulationResult } from '../Simulation.js';
import {
  SCENARIO_FUNCTION_NAME,
  type Scenario,
  type ScenarioResult,
  type AnyScenarioSetup,
  type DynamoDbStreamsScenarioSetup,
  type KinesisScenarioSetup,
  type ScenarioSetup,
} from './Scenario.js';
import { CHECK_DETERMINISM_ENV, checkDeterminism, checkDeterminismFromEnv } from './checkDeterminism.js';
import { DeterminismCheckError } from './DeterminismCheckError.js';
import { validateScenario } from './validateScenario.js';
import { asScenarioError, createScenarioSimulation, descriptorOf, wireScenario } from './wireScenario.js';

/**
 * The event budget of a scenario run: far above what a scenario of tens of events with retries
 * needs (a few thousand), low enough that a livelock ends as `eventBudget` in about a second.
 */
export const SCENARIO_MAX_EVENTS = 1_000_000;

/** Options of {@link runScenario}. */
export interface RunScenarioOptions {
  /**
   * The determinism self-check: run the scenario twice (setup included) and throw a
   * {@link DeterminismCheckError} at the first trace entry where the runs differ. Doubles the
   * cost of a run. `rerunFaultFree()` inherits it.
   * @defaultValue true when the environment has `LAMBDASIM_CHECK_DETERMINISM=1`, else false
   */
  readonly checkDeterminism?: boolean;
  /**
   * Why the run may go on although it has determinism errors (real I/O, real timers, a request
   * nothing simulated answers); printed once. Without it such a run throws a
   * {@link DeterminismEscapeError} naming each error and the user's line that caused it.
   * @defaultValue unset (a run with determinism errors throws)
   */
  readonly allowDeterminismErrors?: string;
}

const KNOWN_OPTIONS = new Set(['checkDeterminism', 'allowDeterminismErrors']);

/** Every setup the overloads take: a model with `beforeSetup` resources passes them second. */
type SomeSetup<E> = AnyScenarioSetup<E> | ((sim: Simulation, resources: never) => unknown);

/**
 * Runs a scenario: a fresh simulation with the scenario's seed, fault plan and delivery
 * behaviours; `setup(sim)` defines the services and returns the handler factory; the function
 * is defined as `Handler` with the scenario's config; the events are sent through the model;
 * the run goes on until quiescent (or {@link SCENARIO_MAX_EVENTS}).
 *
 * How each model sends the events:
 * - `sync`: one caller per event (`event-1`, `event-2`, …), started at its `atMs`, invoking
 *   through `sim.client(fn, { clientTimeoutMs, maxAttempts: clientMaxAttempts })`, so client
 *   timeouts and SDK retries are part of the workload.
 * - `async`: `sim.invokeAsync(fn, body)` at `atMs`. The function gets an on-failure destination,
 *   an SQS sink `Handler-failures`, unless `config.onFailureDestination` is false: a discarded
 *   event with no destination is lost, and noLostEvents says so.
 * - `sqs`: `body` sent to queue `HandlerQueue` (`HandlerQueue.fifo` when `config.fifo`; a
 *   non-string body travels as its JSON text, as with SQS) at `atMs`, redriven to
 *   `HandlerQueue-dlq` (`HandlerQueue-dlq.fifo`) after `maxReceiveCount` receives (default 3),
 *   consumed by a mapping with `batchSize`, `maximumBatchingWindowS` and
 *   `reportBatchItemFailures`. On a FIFO queue an event's `group` is its MessageGroupId
 *   (`"default"` when absent) and its deduplication id is `event-<n>`, so equal bodies are
 *   distinct messages.
 * - `kinesis`: `body` put to stream `HandlerStream` (`config.shards` shards; a string body as its
 *   UTF-8 bytes, any other as its JSON text) with the event's `group` as partition key
 *   (`"default"` when absent) at `atMs`, read from TRIM_HORIZON by a mapping with `batchSize`,
 *   `maximumBatchingWindowS`, `parallelizationFactor`, `maximumRetryAttempts`,
 *   `maximumRecordAgeS`, `bisectBatchOnFunctionError`, `reportBatchItemFailures` and, unless
 *   `config.onFailureDestination` is false, the on-failure destination `Handler-failures` (an SQS
 *   sink).
 * - `dynamodb-streams`: table `HandlerTable` (`config.key`, `sortKey`, `ttlAttribute`, its stream
 *   with `streamViewType`, `ttlDeletionDelayS`) is defined first and passed to `setup(sim, table)`;
 *   each event is a write by another application (`ItemWrite`: a put, with `expiresInS` a
 *   put whose TTL attribute is set that many seconds ahead, or a delete) applied to the table at
 *   `atMs` with no latency and no call fault; the stream's records are read from TRIM_HORIZON by
 *   a mapping with the kinesis model's mapping fields and, unless `config.onFailureDestination`
 *   is false, the on-failure destination `Handler-failures`. DynamoDB's TTL deletions are part of
 *   the run (a REMOVE record `ttlDeletionDelayS` after the item expires).
 *
 * The result is the simulation's result (its `traceHash` and `messages` stay lazy) plus the
 * scenario, the simulation (to read services after the run) and `rerunFaultFree()`.
 *
 * With `{ checkDeterminism: true }` (or `LAMBDASIM_CHECK_DETERMINISM=1` in the environment) the
 * scenario runs twice and a {@link DeterminismCheckError} names the first trace entry where the
 * runs differ (see the README's "Determinism contract"); the result is the first run's.
 *
 * @example
 * ```ts
 * const result = await runScenario(
 *   { model: 'async', seed: 1, events: [{ atMs: 0, body: { orderId: 'o-1' } }], config: {}, delivery: {},
 *     faults: [{ kind: 'crashAfterCalls', fn: 'Handler', invocation: 1, calls: 1 }] },
 *   (sim) => {
 *     const payments = sim.api('payments');
 *     return () => async (event: { orderId: string }) => { await payments.call('charge', event); };
 *   },
 * );
 * result.effects('payments').length; // 2: the crash after the charge made Lambda retry it
 * ```
 *
 * Gotchas: `setup` is called again by `rerunFaultFree()` (and by every run of a property), so it
 * must build everything it uses from `sim`, never keep state across runs. A handler factory that
 * fails at Init every time (it throws, rejects or returns no function: a missing environment
 * variable, a bad import) is a `ConfigError` after the run, not a result: in Lambda each such
 * invocation fails with an Init error and the environment is discarded, so the handler never ran
 * and no check could say anything true about it (an event discarded to its destination is not
 * lost; no effect is not a duplicate). To test Init failures on purpose, drive a simulation
 * directly (`createSimulation`, `sim.fn`); a factory that fails in some environments only is a
 * run like any other.
 *
 * @throws ConfigError at once for an invalid scenario (a specific message naming the field:
 * `runScenario: config.timeoutS must be an integer between 1 and 900, got 0`), for an event body
 * over the model's payload limit (`events[3].body` with its size, the limit and how to bound the
 * arbitrary), for a setup that does not return a function, or for a fault aimed at a function or
 * service the setup does not define; after the run, for a handler factory that failed at Init in
 * every environment (`runScenario: setup returned a handler factory that threw at Init in every
 * execution environment (…), got "Error: missing TABLE_NAME (at test/orders.test.ts:12:11)"`,
 * the factory's error as its `cause`), and for an event SQS refused; for invalid options or an
 * invalid `LAMBDASIM_CHECK_DETERMINISM` (neither 1 nor 0).
 * @throws DeterminismCheckError with the determinism self-check on, when two runs differ.
 */
export async function runScenario<E>(
  scenario: Scenario<E>,
  setup: ScenarioSetup<E>,
  options?: RunScenarioOptions,
): Promise<ScenarioResult<E>>;
/** A kinesis scenario: the setup's handler gets a `KinesisStreamEvent`. */
export async function runScenario<E>(
  scenario: Scenario<E>,
  setup: KinesisScenarioSetup,
  options?: RunScenarioOptions,
): Promise<ScenarioResult<E>>;
/** A dynamodb-streams scenario: the setup gets the table `HandlerTable`, the handler a `DynamoDBStreamEvent`. */
export async function runScenario<E, T extends Record<string, unknown>>(
  scenario: Scenario<E>,
  setup: DynamoDbStreamsScenarioSetup<T>,
  options?: RunScenarioOptions,
): Promise<ScenarioResult<E>>;
/** Any setup (e.g. one chosen at run time among models). */
export async function runScenario<E>(
  scenario: Scenario<E>,
  setup: AnyScenarioSetup<E>,
  options?: RunScenarioOptions,
): Promise<ScenarioResult<E>>;
export async function runScenario<E>(
  scenario: Scenario<E>,
  setup: SomeSetup<E>,
  options: RunScenarioOptions = {},
): Promise<ScenarioResult<E>> {
  try {
    const o = checkOptions(API, options, KNOWN_OPTIONS);
    const check =
      o.checkDeterminism === undefined
        ? checkDeterminismFromEnv(API)
        : checkBoolean(API, 'checkDeterminism', o.checkDeterminism);
    const result = check
      ? await checkDeterminism(
          () => run(scenario, setup, options),
          `${API} (seed ${scenario.seed}, model ${scenario.model}, checkDeterminism${o.checkDeterminism === undefined ? ` from ${CHECK_DETERMINISM_ENV}=1` : ''})`,
        )
      : await run(scenario, setup, options);
    return recordCoverage(result); // coverage: no-op without a collector; once per check
  } catch (error) {
    // A ConfigError about the scenario or the setup starts its stack at the caller's line, not
    // inside lambdasim (errors of the user's own calls in setup keep theirs).
    if (
      (error instanceof ConfigError && error.api === API) ||
      error instanceof DeterminismCheckError ||
      error instanceof DeterminismEscapeError
    )
      Error.captureStackTrace(error, runScenario);
    throw error;
  }
}

const API = 'runScenario';

async function run<E>(
  scenario: Scenario<E>,
  setup: SomeSetup<E>,
  options: RunScenarioOptions,
): Promise<ScenarioResult<E>> {
  const api = API;
  validateScenario<E>(scenario, api);
  if (typeof setup !== 'function')
    throw new ConfigError(api, 'setup', 'must be a function (sim) => handler factory', setup);
  const sim = createScenarioSimulation(scenario, api, options.allowDeterminismErrors);
  const init: InitWatch = { failure: undefined };
  const wiring = wireScenario(
    sim,
    scenario,
    (resources) => {
      // The model's resources (a dynamodb-streams table) as the second argument, when it has some.
      const call = setup as (sim: Simulation, resources?: unknown) => unknown;
      const factory = resources === undefined ? call(sim) : call(sim, resources);
      if (typeof factory !== 'function')
        throw new ConfigError(
          api,
          'setup',
          'must return the handler factory, a function (env) => handler (define services on sim first)',
          factory,
        );
      return watchInit(factory as HandlerFactory<unknown>, init);
    },
    api,
  );
  let result: SimulationResult;
  try {
    result = await sim.run({ maxEvents: SCENARIO_MAX_EVENTS });
  } catch (error) {
    // sim.run checks the fault plan's targets against what the setup defined.
    asScenarioError(api, descriptorOf(scenario), () => {
      throw error;
    });
    throw error;
  }
  checkInit(api, result, init);
  const escaped = determinismFailure(
    result,
    "runScenario(scenario, setup, { allowDeterminismErrors: 'why' })",
  );
  if (escaped !== undefined) throw new DeterminismEscapeError(`${api}: ${escaped}`, result.determinismErrors);
  const refused = wiring.refused[0];
  if (refused !== undefined) {
    const by = descriptorOf(scenario).refusedBy ?? `the ${scenario.model} model`;
    throw new ConfigError(
      api,
      `events[${refused.index}].body`,
      `was refused by ${by} (${refused.error instanceof Error ? refused.error.message : String(refused.error)}); make the event arbitrary produce bodies ${by} accepts`,
      scenario.events[refused.index]?.body,
    );
  }
  return scenarioResult(result, scenario, sim, setup, options);
}

/** The scenario with no faults and every at-least-once delivery behaviour off. */
export function faultFree<E>(scenario: Scenario<E>): Scenario<E> {
  return { ...scenario, delivery: {}, faults: [] };
}

function scenarioResult<E>(
  result: SimulationResult,
  scenario: Scenario<E>,
  sim: Simulation,
  setup: SomeSetup<E>,
  options: RunScenarioOptions,
): ScenarioResult<E> {
  // Copy the descriptors, not the values: `traceHash` and `messages` are getters computed on
  // first read, and a spread would compute them now.
  const out = Object.defineProperties({}, Object.getOwnPropertyDescriptors(result));
  return Object.defineProperties(out, {
    scenario: { value: scenario, enumerable: true },
    sim: { value: sim, enumerable: true },
    rerunFaultFree: {
      value: () => runScenario(faultFree(scenario), setup as ScenarioSetup<E>, options),
      enumerable: true,
    },
  }) as ScenarioResult<E>;
}

/** The first Init failure of the handler factory that runScenario saw (its own code failing). */
interface InitWatch {
  failure:
    | { readonly kind: 'threw'; readonly error: unknown }
    | { readonly kind: 'returned'; readonly value: unknown }
    | undefined;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * The factory, noting in `watch` how it first failed (threw, rejected, or built no function).
 * It returns what the factory returned, the same promise included, so Init runs as it would.
 */
function watchInit(factory: HandlerFactory<unknown>, watch: InitWatch): HandlerFactory<unknown> {
  // A handlerModule is loaded by Init itself (outside virtual time), never called: pass it on as
  // it is; its Init errors are Lambda's (the module's own error, Runtime.HandlerNotFound, …).
  if (handlerModuleSpec(factory) !== undefined) return factory;
  const note = (failure: NonNullable<InitWatch['failure']>) => {
    watch.failure ??= failure;
  };
  return (env) => {
    let built: ReturnType<HandlerFactory<unknown>>;
    try {
      built = factory(env);
    } catch (error) {
      note({ kind: 'threw', error });
      throw error;
    }
    if (isThenable(built))
      built.then(
        (handler) => {
          if (typeof handler !== 'function') note({ kind: 'returned', value: handler });
        },
        (error: unknown) => note({ kind: 'threw', error }),
      );
    else if (typeof built !== 'function') note({ kind: 'returned', value: built });
    return built;
  };
}

/** `Error: missing TABLE_NAME (at test/orders.test.ts:12:11)`: a thrown value in one line. */
function describeThrown(error: unknown): string {
  const text =
    error instanceof Error ? `${error.name}: ${error.message}` : `${typeof error} ${String(error)}`;
  const frame = userFrame(error);
  return frame === undefined ? text : `${text} (at ${frame})`;
}

/**
 * After the run: when no environment of the scenario's function finished Init and some Init
 * failed, the handler never ran, and whatever the checks say is about Lambda's Init error, not the
 * handler. That is a setup bug: a ConfigError naming what the factory did (its error as the
 * `cause`). Other functions the setup defines (`sim.fn`) are the user's simulation: their Init
 * neither excuses nor accuses the handler factory.
 */
function checkInit(api: string, result: SimulationResult, watch: InitWatch): void {
  const handlerEnvs = new Set<string>();
  let failed = 0;
  let errorType: string | undefined;
  for (const event of result.trace) {
    if (event.kind === 'env.created') {
      if (event.fn === SCENARIO_FUNCTION_NAME) handlerEnvs.add(event.env);
      continue;
    }
    if (event.kind === 'env.initFinished' && handlerEnvs.has(event.env)) return;
    if (event.kind === 'env.initFailed' && handlerEnvs.has(event.env)) {
      failed += 1;
      errorType ??= event.errorType;
    }
  }
  if (failed === 0) return;
  const where = `in every execution environment (${failed} Init${failed === 1 ? '' : 's'} failed, none finished)`;
  const consequence =
    "so the handler never ran: each invocation failed with Lambda's Init error and its environment was discarded";
  const failure = watch.failure;
  let error: ConfigError;
  if (failure?.kind === 'threw') {
    error = new ConfigError(
      api,
      'setup',
      `returned a handler factory that threw at Init ${where}, ${consequence}; fix the factory or what it reads at Init (environment variables, configuration, clients)`,
      describeThrown(failure.error),
    );
    Object.defineProperty(error, 'cause', { value: failure.error, configurable: true, writable: true });
  } else if (failure?.kind === 'returned') {
    error = new ConfigError(
      api,
      'setup',
      `returned a handler factory that built no handler at Init ${where} (Runtime.HandlerNotFound), ${consequence}; the factory must return the handler, e.g. () => async (event) => { … }`,
      failure.value,
    );
  } else {
    error = new ConfigError(
      api,
      'setup',
      `returned a handler factory whose Init failed ${where}, ${consequence}; look at what the factory does at Init (process.exit, an unhandled rejection, real I/O), or for a handlerModule at the module's top-level code and its export (the invocations' error bodies say which)`,
      errorType,
    );
  }
  throw error;
}
