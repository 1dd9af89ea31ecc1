import { CallerScope } from './world/CallerScope.js';
import type { FaultPlan } from './faults/Fault.js';
import { FaultInjector, resolveFaultPlan } from './faults/FaultInjector.js';
import type { UnreachedFault } from './faults/UnreachedFault.js';
import { LambdaClient, type LambdaClientOptions } from './callers/LambdaClient.js';
import { ConfigError, checkOptions, intInRange, nonNegativeInt } from './errors.js';
import type { HandlerFactory } from './lambda/Environment.js';
import type { LambdaFunction } from './lambda/LambdaFunction.js';
import { LambdaRuntime } from './lambda/LambdaRuntime.js';
import { checkOwned, claim, type ResourceField } from './lambda/ownership.js';
import {
  cancelRealTimers,
  type DeterminismError,
  restoreReplacedGlobals,
  type World,
} from './world/World.js';
import { Alb, type AlbOptions } from './models/alb.js';
import { ApiGateway, type ApiGatewayOptions } from './models/apiGateway.js';
import { type FunctionOptions, MODEL_FUNCTION_KEYS } from './models/FunctionOptions.js';
import {
  type AsyncOptions,
  type AsyncSimulationOptions,
  resolveAsyncConfig,
  resolveAsyncSimulationOptions,
} from './models/async/AsyncConfig.js';
import {
  type AsyncEventRecord,
  type AsyncInvokeResponse,
  AsyncModel,
  type InvokeAsyncOptions,
  resolveInvokeAsyncOptions,
} from './models/async/AsyncModel.js';
import { EventSink, type EventSinkOptions } from './models/async/EventSink.js';
import { FunctionTarget } from './models/async/FunctionTarget.js';
import type { DeliveryTarget } from './models/DeliveryTarget.js';
import { Schedule, type ScheduleOptions } from './models/sources/Schedule.js';
import { SnsTopic } from './models/sources/SnsTopic.js';
import type { SqsEventSourceMapping, SqsMappingOptions } from './models/sqs/SqsEventSourceMapping.js';
import { SqsModel } from './models/sqs/SqsModel.js';
import { KinesisStream, type KinesisStreamOptions } from './models/streams/KinesisStream.js';
import type {
  ShardStatus,
  StreamEventSourceMapping,
  StreamRecordEntry,
} from './models/streams/StreamEventSourceMapping.js';
import type { StreamMappingOptions } from './models/streams/streamMappingOptions.js';
import { StreamsModel } from './models/streams/StreamsModel.js';
import type { MessageRecord, QueueAccounting, SqsQueue, SqsQueueOptions } from './models/sqs/SqsQueue.js';
import {
  type InvokeOptions,
  type InvokeResponse,
  type RequestRecord,
  resolveInvokeOptions,
  SyncModel,
} from './models/sync.js';
import {
  type Effect,
  ExternalApi,
  type ExternalApiOptions,
  effectsOf,
  type Replay,
  replaysOf,
} from './services/ExternalApi.js';
import { attachOutbound, Outbound } from './transport/Outbound.js';
import { Table, type TableOptions } from './services/Table.js';
import { Bucket, type BucketOptions } from './models/sources/Bucket.js';
import { EventBus, type EventBusOptions } from './models/sources/EventBus.js';
import { buildInputLedger } from './results/inputLedger.js';
import type { InputRecord } from './results/InputRecord.js';
import { GlobalsGuard } from './sim/GlobalsGuard.js';
import { holdUtcTimeZone, virtualGlobalSlots, virtualGlobalsInPlace } from './sim/installVirtualGlobals.js';
import { Kernel, type RunEnd, type RunLimits } from './sim/Kernel.js';
import { currentScope, watchEscapes } from './sim/VirtualScope.js';
import { captureOutput } from './sim/captureOutput.js';
import { realGlobals } from './sim/realGlobals.js';
import type { LogLine } from './world/LogLine.js';
import type { TraceEvent } from './TraceEvent.js';

/** Options of {@link createSimulation}. */
export interface SimulationOptions {
  /** The one seed that decides every choice of the run. */
  readonly seed: number;
  /** Account concurrency limit per Region (R-CONC-1). @defaultValue 1000 */
  readonly accountConcurrency?: number;
  /** Epoch milliseconds that virtual time 0 maps to (what `Date.now()` shows). @defaultValue 1767225600000 (2026-01-01T00:00:00Z) */
  readonly startEpochMs?: number;
  /**
   * Knobs of the asynchronous model: payload limit (1 MB, or the legacy 256 KB), retry delays and
   * jitter, throttle backoff, and the at-least-once behaviours (duplicates, drops, reordering),
   * which are off in a raw simulation; the property layer turns them on. See {@link AsyncSimulationOptions}.
   */
  readonly async?: AsyncSimulationOptions;
  /**
   * Faults to inject at deterministic points (see {@link Fault}): plain data, e.g. from
   * `faultPlanArb` or a saved scenario. Validated at once; its targets are checked when the run
   * starts. @defaultValue [] (no faults)
   */
  readonly faults?: FaultPlan;
  /**
   * What happens to what handlers write (`console.*`, `process.stdout`/`stderr`): always kept in
   * `result.logs` (and shown in failure reports); `'live'` also prints each line as it is written,
   * in CloudWatch's format. @defaultValue 'live' when the environment has `LAMBDASIM_LOGS=live`, else 'capture'
   */
  readonly logs?: 'capture' | 'live';
  /**
   * Why this simulation's checks may pass although the run has determinism errors (real I/O,
   * real timers, a request nothing simulated answers). By default a run with any fails the
   * matchers of `lambdasim/vitest`, as its outcome cannot be replayed from its seed and may come
   * from outside the simulation. The reason is printed once when a run uses it.
   * @defaultValue unset (determinism errors fail the checks)
   */
  readonly allowDeterminismErrors?: string;
}

/** A simulated caller process (workload code), with how it ended. */
export interface CallerRecord {
  readonly name: string;
  readonly startedAtMs: number;
  status: 'running' | 'finished' | 'failed';
  endedAtMs: number | undefined;
  error: unknown;
}

/** What {@link Simulation.run} returns: how the run ended, everything that happened, its hash. */
export interface SimulationResult {
  readonly seed: number;
  readonly end: RunEnd;
  readonly trace: readonly TraceEvent[];
  /**
   * SHA-256 of the trace: equal for equal scenario + seed, in any process. Entries carry digests
   * of the contents that entered the run (payloads, responses, call arguments, message bodies),
   * so equal hashes mean equal contents, not only equal sizes.
   */
  readonly traceHash: string;
  /** Every synchronous request, with its response (undefined = still running when the run ended). */
  readonly requests: readonly RequestRecord[];
  readonly callers: readonly CallerRecord[];
  /** Real I/O or real timers started inside the simulation. Empty for a replayable run. */
  readonly determinismErrors: readonly DeterminismError[];
  /** The simulation's `allowDeterminismErrors` reason, or undefined: determinism errors fail the checks. */
  readonly determinismErrorsAllowed: string | undefined;
  /**
   * Misuse lambdasim noticed that does not stop the run, one message each with its fix: e.g. one
   * handler object serving two execution environments at once (a factory `() => handler`).
   */
  readonly warnings: readonly string[];
  /**
   * What handlers wrote with `console.*` or straight to `process.stdout`/`stderr`, in order, each
   * line with its function, environment, request id (undefined during Init), level and virtual
   * time: what CloudWatch Logs would hold. Not printed unless `logs: 'live'`; failure reports show
   * the failing run's lines in its timeline. See {@link LogLine} and {@link formatLogLine}.
   * @example
   * ```ts
   * result.logs.filter((l) => l.requestId === response.requestId).map((l) => l.message);
   * ```
   */
  readonly logs: readonly LogLine[];
  /**
   * The effects ledger of an external API (by name or object): every call that landed and was
   * accepted, in landing order. An unknown name or a table's name is a ConfigError.
   * @example
   * ```ts
   * expect(result.effects('payments').filter((e) => e.op === 'charge')).toHaveLength(1);
   * ```
   */
  effects(service: string | ExternalApi): readonly Effect[];
  /**
   * The calls an API with the `idempotencyKey` option answered from a stored key (no effect), in
   * landing order, each naming the effect it replayed (`replayOf`).
   * @example
   * ```ts
   * expect(result.replays('payments')).toHaveLength(1); // the retry got the first charge's response
   * ```
   */
  replays(service: string | ExternalApi): readonly Replay[];
  /**
   * Every asynchronous event (`sim.invokeAsync`, SNS, schedules, function destinations), in
   * acceptance order, each in one state: succeeded, discarded (with its condition), dropped,
   * rejected, or still queued / inFlight when the run ended; with its attempts and where its
   * record and dead-letter message went.
   */
  readonly asyncEvents: readonly AsyncEventRecord[];
  /**
   * Every SQS message of every queue, with where it ended (deleted, filtered, deadLettered,
   * expired, or still visible / inFlight / delayed); a dead-lettered message has a second
   * record on its DLQ with the same `messageId`. Computed on first read.
   */
  readonly messages: readonly MessageRecord[];
  /** Per-queue counts; for each, `sent + redrivenIn` equals the sum of the status counts. */
  readonly queues: readonly QueueAccounting[];
  /**
   * Every record of a Kinesis stream that a stream mapping reads, once per mapping, with how it
   * ended for that mapping: processed, filtered, discarded (with the condition and the on-failure
   * destination that took its record), expired (past retention), or pending (still in the stream).
   * Computed on first read.
   */
  readonly streamRecords: readonly StreamRecordEntry[];
  /**
   * Every stream mapping's shards (one entry per partition-key lane with `parallelizationFactor` >
   * 1) at the end of the run: the checkpoint, and whether a failing batch blocks it (since when,
   * why, how many records it holds back).
   * @example
   * ```ts
   * result.shards.filter((s) => s.blocked !== undefined); // shards a poison record still holds
   * ```
   */
  readonly shards: readonly ShardStatus[];
  /**
   * The input ledger (DESIGN §10): one entry per workload input (sync request, async event, SQS
   * message of a consumed queue) with its terminal state, every attempt (request id,
   * environment, start and end, outcome, faults) and the effects its attempts made; see
   * {@link InputRecord}. Computed on first read, in time linear in the run.
   * @example
   * ```ts
   * const lost = result.inputs.filter((i) => isAcknowledged(i) && i.effects.length === 0);
   * ```
   */
  readonly inputs: readonly InputRecord[];
  /**
   * The faults of the plan that never took effect, in plan order, with why (e.g. a `call: 5`
   * fault in a run that made 3 calls). Information, not a failure: generated and shrunk plans
   * often aim past what a run does. Failure reports and `lambdasim replay` print them.
   * @example
   * ```ts
   * result.unreachedFaults.map(formatUnreachedFault);
   * // ['faults[1] (callError payments call 5) was never reached: the run made 3 calls to payments']
   * ```
   */
  readonly unreachedFaults: readonly UnreachedFault[];
}

const DEFAULT_EPOCH_MS = 1_767_225_600_000;
const SIMULATION_KNOWN = new Set([
  'seed',
  'accountConcurrency',
  'startEpochMs',
  'async',
  'faults',
  'allowDeterminismErrors',
  'logs',
]);
/** The environment variable that prints handler output live (`LAMBDASIM_LOGS=live`). */
export const LOGS_ENV = 'LAMBDASIM_LOGS';
const SPAWN_KNOWN = new Set(['atMs']);
const RUN_KNOWN = new Set(['untilMs', 'maxEvents']);

/**
 * @internal What lambdasim's own layers (scenario wiring, checks, its tests and benches) read
 * inside a simulation; users never see it (the fields are private, this is not exported by the
 * entries and stripped from the declarations).
 */
export interface SimulationInternals {
  readonly world: World;
  readonly lambda: LambdaRuntime;
  readonly async: AsyncModel;
  /** Kinesis streams, tables' streams and stream mappings. */
  readonly streamsModel: StreamsModel;
  /** runScenario's wiring: the scenario event index of each input id it sent. */
  readonly scenarioEventIndex: Map<string, number>;
}

let internalsOf: (sim: Simulation) => SimulationInternals;

/** @internal The private parts of `sim` for lambdasim's own layers: see {@link SimulationInternals}. */
export function simulationInternals(sim: Simulation): SimulationInternals {
  return internalsOf(sim);
}

/**
 * One deterministic simulation: functions, services, workload and callers, all in virtual time.
 *
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 7 });
 * const hello = sim.fn('Hello', () => async (event: { name: string }) => ({ greeting: `hi ${event.name}` }));
 * const pending = sim.invoke(hello, { name: 'Ada' });
 * const result = await sim.run();
 * const response = await pending; // { kind: 'ok', statusCode: 200, body: { greeting: 'hi Ada' }, ... }
 * ```
 */
export class Simulation {
  private readonly world: World;
  private readonly lambda: LambdaRuntime;
  private readonly sync: SyncModel;
  /** The asynchronous invocation model (Event invokes, retries, destinations, DLQ). */
  private readonly async: AsyncModel;
  private readonly schedules: Schedule[] = [];
  /** Sinks and SNS topics by ARN. */
  private readonly targets = new Map<string, DeliveryTarget>();
  /** SQS queues and event source mappings. */
  private readonly sqsModel: SqsModel;
  /** Kinesis streams and stream event source mappings. */
  private readonly streamsModel: StreamsModel;
  private readonly callers: CallerRecord[] = [];
  private readonly callerScopes = new Map<string, CallerScope>();
  private readonly workloadScope: CallerScope;
  /** Tables and external APIs by name (one namespace). */
  private readonly services = new Map<string, Table | ExternalApi>();
  /** External APIs with a `host`, by host: where a handler's `fetch` to that host goes. */
  private readonly apisByHost = new Map<string, ExternalApi>();
  /** EventBridge buses by name (each also an external API in `services`). */
  private readonly eventBuses = new Map<string, EventBus>();
  /** S3 buckets by name. */
  private readonly buckets = new Map<string, Bucket>();
  private ran = false;
  private readonly allowDeterminismErrors: string | undefined;
  /** runScenario's wiring: the scenario event index of each input id it sent. */
  private readonly scenarioEventIndex = new Map<string, number>();

  static {
    internalsOf = (sim) => ({
      world: sim.world,
      lambda: sim.lambda,
      async: sim.async,
      streamsModel: sim.streamsModel,
      scenarioEventIndex: sim.scenarioEventIndex,
    });
  }

  constructor(options: SimulationOptions) {
    checkOptions('createSimulation', options, SIMULATION_KNOWN, 'must be an object with a seed');
    const seed = options.seed;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed))
      throw new ConfigError('createSimulation', 'seed', 'must be a safe integer', seed);
    const accountConcurrency = intInRange(
      'createSimulation',
      'accountConcurrency',
      options.accountConcurrency ?? 1000,
      100,
      1_000_000,
    );
    const epochStartMs = nonNegativeInt(
      'createSimulation',
      'startEpochMs',
      options.startEpochMs ?? DEFAULT_EPOCH_MS,
    );
    const allow = options.allowDeterminismErrors;
    if (allow !== undefined && (typeof allow !== 'string' || allow.trim() === ''))
      throw new ConfigError(
        'createSimulation',
        'allowDeterminismErrors',
        'must be a non-empty string saying why the checks may pass despite determinism errors',
        allow,
      );
    this.allowDeterminismErrors = allow;
    const globals = new GlobalsGuard(virtualGlobalSlots(), virtualGlobalsInPlace);
    const kernel = new Kernel<TraceEvent>(seed);
    this.world = {
      kernel,
      epochStartMs,
      userRandom: kernel.rng('user.random'),
      userUuids: kernel.rng('user.uuid'),
      ids: kernel.rng('lambda.ids'),
      determinismErrors: [],
      faults: new FaultInjector(kernel, resolveFaultPlan(options.faults)),
      counters: { calls: 0 },
      globals,
      warnings: [],
      logs: [],
      logsLive: resolveLogsMode(options.logs) === 'live',
      realTimers: [],
    };
    this.lambda = new LambdaRuntime(this.world, accountConcurrency);
    this.sync = new SyncModel(this.world);
    this.async = new AsyncModel(this.world, resolveAsyncSimulationOptions(options.async));
    this.sqsModel = new SqsModel(this.world);
    this.streamsModel = new StreamsModel(this.world);
    this.workloadScope = new CallerScope(this.world, 'workload');
    const services = this.services;
    const sqs = this.sqsModel;
    const apisByHost = this.apisByHost;
    const outbound = new Outbound(this.world, {
      world: this.world,
      table: (name) => {
        const service = services.get(name);
        return service instanceof Table ? service : undefined;
      },
      tableNames: () => [...services.values()].filter((s) => s instanceof Table).map((s) => s.name),
      queue: (name) => sqs.get(name),
      queueNames: () => sqs.queueNames(),
      snsTopic: (name) => this.snsTopics().find((t) => t.name === name),
      snsTopicNames: () => this.snsTopics().map((t) => t.name),
      fn: (name) => this.lambda.get(name),
      fnNames: () => [...this.lambda.names()],
      invoke: (fn, payload, invokeOptions) => this.sync.invoke(fn, payload, invokeOptions),
      invokeEvent: (fn, payload, source) => this.async.invoke(fn, payload, {}, source),
      eventBus: (name) => this.eventBuses.get(name),
      eventBusNames: () => [...this.eventBuses.keys()],
      bucket: (name) => this.buckets.get(name),
      bucketNames: () => [...this.buckets.keys()],
      apiForHost: (host) => apisByHost.get(host),
      apiHosts: () => [...apisByHost.keys()],
    });
    attachOutbound(this.world, outbound);
  }

  get seed(): number {
    return this.world.kernel.seed;
  }

  /** Virtual time now, in milliseconds since the start of the run. */
  get nowMs(): number {
    return this.world.kernel.nowMs;
  }

  /** Defines a function. The factory is called once per execution environment (cold start). */
  fn<TEvent = unknown, TResult = unknown>(
    name: string,
    factory: HandlerFactory<TEvent, TResult>,
    options?: FunctionOptions,
  ): LambdaFunction {
    // The async block is validated first, so a bad one defines nothing.
    const asyncOptions: AsyncOptions | undefined =
      options !== null && typeof options === 'object' ? options.async : undefined;
    const asyncConfig = resolveAsyncConfig(
      this.world,
      String(name),
      asyncOptions,
      (target) => new FunctionTarget(this.async, target),
    );
    const fn = this.lambda.define(name, factory as HandlerFactory, options, MODEL_FUNCTION_KEYS);
    if (asyncOptions !== undefined) this.async.configure(fn, asyncConfig);
    return claim(this.world, fn, `sim.fn(${JSON.stringify(name)}, …)`, name);
  }

  /**
   * An asynchronous invoke (`InvocationType: Event`, R-ASYNC-1): resolves at once with 202
   * `accepted` and a request id, or `rejected` (413 over the payload limit, 400 not JSON). The
   * event then waits on the function's internal queue and runs as concurrency allows, with
   * Lambda's retries, event age, destinations and DLQ; how it ended is in `result.asyncEvents`.
   * @example
   * ```ts
   * const accepted = await sim.invokeAsync(fn, { orderId: 'o-1' }); // { kind: 'accepted', statusCode: 202, requestId }
   * const result = await sim.run();
   * result.asyncEvents[0]; // { state: 'succeeded', attempts: 1, ... }
   * ```
   */
  invokeAsync(
    fn: LambdaFunction,
    payload?: unknown,
    options?: InvokeAsyncOptions,
  ): Promise<AsyncInvokeResponse> {
    this.assertOwn(fn, 'sim.invokeAsync: fn');
    const resolved = resolveInvokeAsyncOptions('sim.invokeAsync', options);
    return Promise.resolve(this.async.invoke(fn, payload, resolved));
  }

  /**
   * A delivery target that records what it receives, standing in for an SQS queue, SNS topic,
   * EventBridge bus, Lambda function or S3 bucket (`kind`): use it as an async destination or
   * dead-letter queue and read `sink.messages` / `sink.records()` after the run. See {@link EventSink}.
   * @example
   * ```ts
   * const failures = sim.sink('failures', { kind: 'sqs' });
   * ```
   */
  sink(name: string, options: EventSinkOptions): EventSink {
    const sink = new EventSink(this.world.kernel, () => this.async.newId(), name, options);
    this.addTarget(sink, 'sink');
    return claim(
      this.world,
      sink,
      `sim.sink(${JSON.stringify(name)}, { kind: ${JSON.stringify(sink.targetKind)} })`,
      name,
    );
  }

  /**
   * A standard (or `.fifo`) SNS topic: `publish` fans out to subscribed functions, invoked
   * asynchronously with an SNS event; usable as an async destination or dead-letter topic.
   * See {@link SnsTopic}.
   * @example
   * ```ts
   * const topic = sim.snsTopic('orders').subscribe(shipFn).subscribe(billFn);
   * sim.at(0, () => topic.publish({ orderId: 'o-1' }));
   * ```
   */
  snsTopic(name: string): SnsTopic {
    const topic = new SnsTopic(this.world, this.async, name);
    this.addTarget(topic, 'snsTopic');
    return claim(this.world, topic, `sim.snsTopic(${JSON.stringify(name)})`, name);
  }

  /**
   * An EventBridge schedule (`rate(5 minutes)`, `cron(0 12 * * ? *)`) that invokes `fn`
   * asynchronously with a `Scheduled Event` at each firing, in virtual time (UTC). A schedule
   * fires forever: the run needs `untilMs`, or the schedule an `endMs`. See {@link Schedule}.
   * @example
   * ```ts
   * sim.schedule('every-5-min', 'rate(5 minutes)', fn);
   * await sim.run({ untilMs: 3_600_000 }); // 12 firings
   * ```
   */
  schedule(name: string, expression: string, fn: LambdaFunction, options?: ScheduleOptions): Schedule {
    this.assertOwn(fn, 'sim.schedule: fn');
    if (this.schedules.some((s) => s.name === name))
      throw new ConfigError('sim.schedule', 'name', 'is already used by another schedule', name);
    const schedule = new Schedule(this.world, this.async, name, expression, fn, options);
    this.schedules.push(schedule);
    return schedule;
  }

  private snsTopics(): SnsTopic[] {
    return [...this.targets.values()].filter((t): t is SnsTopic => t instanceof SnsTopic);
  }

  private addTarget(target: EventSink | SnsTopic, api: string): void {
    if (this.targets.has(target.arn))
      throw new ConfigError(
        `sim.${api}`,
        'name',
        `is already used by another resource with ARN ${target.arn}`,
        target.name,
      );
    this.targets.set(target.arn, target);
  }

  /** A synchronous invoke (RequestResponse or DryRun); resolves in virtual time. */
  invoke(fn: LambdaFunction, payload?: unknown, options?: InvokeOptions): Promise<InvokeResponse> {
    this.assertOwn(fn, 'sim.invoke: fn');
    return this.sync.invoke(fn, payload, resolveInvokeOptions('sim.invoke', options));
  }

  /**
   * An API Gateway REST API with a Lambda proxy integration in front of `fn` (R-SYNC-8): 504 after
   * the integration timeout (the function runs on), 500 when Lambda throttles or rejects, 502 on
   * a function error or a malformed proxy response; never retried. See {@link ApiGateway}.
   * @example
   * ```ts
   * const api = sim.apiGateway(fn, { integrationTimeoutMs: 5_000 });
   * const response = await api.request(apiGatewayEvent({ method: 'POST', path: '/orders', body: { id: 1 } }));
   * ```
   */
  apiGateway(fn: LambdaFunction, options?: ApiGatewayOptions): ApiGateway {
    this.assertOwn(fn, 'sim.apiGateway: fn');
    return new ApiGateway(this.world, this.sync, fn, options);
  }

  /**
   * An Application Load Balancer forwarding to a `lambda` target group of `fn`: 413 for a request
   * body over 1 MB, 502 on a function error, throttle, malformed or over-1 MB response. See {@link Alb}.
   * @example
   * ```ts
   * const alb = sim.alb(fn, { multiValueHeaders: false });
   * const response = await alb.request(albEvent({ path: '/health' }));
   * ```
   */
  alb(fn: LambdaFunction, options?: AlbOptions): Alb {
    this.assertOwn(fn, 'sim.alb: fn');
    return new Alb(this.world, this.sync, fn, options);
  }

  /**
   * An SDK-like client for `fn` with a retry policy and an optional client timeout, for use in
   * callers (`sim.spawn`). See {@link LambdaClient}.
   */
  client(fn: LambdaFunction, options?: LambdaClientOptions): LambdaClient {
    this.assertOwn(fn, 'sim.client: fn');
    return new LambdaClient(this.world, this.sync, fn, options);
  }

  /** Runs workload code at a virtual instant (in the workload's virtual scope). */
  at(atMs: number, action: () => void): void {
    this.notBeforeNow('sim.at', nonNegativeInt('sim.at', 'atMs', atMs));
    this.world.kernel.at(atMs, () => this.workloadScope.deliver(action));
  }

  /**
   * Starts a simulated caller: an async function that runs in virtual time (its `Date`,
   * `setTimeout` and `sim.sleep` are virtual) and may await invocations, e.g. a client that
   * retries. How it ended is in the result's `callers`.
   */
  spawn(name: string, body: () => Promise<unknown>, options: { readonly atMs?: number } = {}): void {
    if (typeof name !== 'string' || name === '')
      throw new ConfigError('sim.spawn', 'name', 'must be a non-empty string', name);
    if (this.callerScopes.has(name))
      throw new ConfigError('sim.spawn', 'name', 'is already used by another caller', name);
    checkOptions('sim.spawn', options, SPAWN_KNOWN);
    const atMs = this.notBeforeNow('sim.spawn', nonNegativeInt('sim.spawn', 'atMs', options.atMs ?? 0));
    const scope = new CallerScope(this.world, name);
    this.callerScopes.set(name, scope);
    const kernel = this.world.kernel;
    kernel.at(atMs, () => {
      const record: CallerRecord = {
        name,
        startedAtMs: kernel.nowMs,
        status: 'running',
        endedAtMs: undefined,
        error: undefined,
      };
      this.callers.push(record);
      kernel.record({ kind: 'caller.started', caller: name });
      scope.deliver(() => {
        const settle = (ok: boolean, error?: unknown) => {
          record.status = ok ? 'finished' : 'failed';
          record.endedAtMs = kernel.nowMs;
          record.error = error;
          kernel.record({ kind: 'caller.finished', caller: name, ok });
        };
        Promise.resolve()
          .then(body)
          .then(
            () => settle(true),
            (error: unknown) => settle(false, error),
          );
      });
    });
  }

  /**
   * Defines a key-value table (DynamoDB-like: get, put, update, delete, conditional writes, TTL).
   * Service names are unique across tables and APIs. See {@link Table}.
   * @example
   * ```ts
   * const orders = sim.table<{ orderId: string; status: string }>('orders', { key: 'orderId' });
   * ```
   */
  table<TItem extends Record<string, unknown>>(name: string, options: TableOptions): Table<TItem> {
    const table = new Table<TItem>(this.world, name, options);
    this.addService(table, 'table');
    if (table.options.stream !== undefined) this.streamsModel.tableStream(table);
    return table;
  }

  /**
   * Defines an external API whose landed calls go into an effects ledger (`result.effects(name)`).
   * Service names are unique across tables and APIs. See {@link ExternalApi}.
   * @example
   * ```ts
   * const payments = sim.api('payments', { latencyMs: 20 });
   * ```
   */
  api(name: string, options?: ExternalApiOptions): ExternalApi {
    const api = new ExternalApi(this.world, name, options);
    const host = api.options.host;
    if (host !== undefined && this.apisByHost.has(host))
      throw new ConfigError(
        `api(${JSON.stringify(name)})`,
        'host',
        `is already the host of api "${this.apisByHost.get(host)!.name}"`,
        host,
      );
    this.addService(api, 'api');
    if (host !== undefined) this.apisByHost.set(host, api);
    return claim(this.world, api, `sim.api(${JSON.stringify(name)})`, name);
  }

  /**
   * An EventBridge event bus that a handler's `EventBridgeClient` PutEvents lands on (the entry's
   * `EventBusName`; name it `default` for entries without one). Each PutEvents call that lands is
   * one effect in `result.effects(name)`; `bus.events()` lists the events as a rule's target gets
   * them. Its name is in the services' namespace (tables, APIs). See {@link EventBus}.
   * @example
   * ```ts
   * const bus = sim.eventBus('orders');
   * const result = await sim.run();
   * result.effects('orders'); // [{ op: 'PutEvents', args: { Entries: [...] }, requestId, ... }]
   * ```
   */
  eventBus(name: string, options?: EventBusOptions): EventBus {
    const bus = new EventBus(this.world, name, options);
    this.addService(bus.api, 'eventBus');
    this.eventBuses.set(name, bus);
    return claim(this.world, bus, `sim.eventBus(${JSON.stringify(name)})`, name);
  }

  /**
   * An S3 bucket that a handler's `S3Client` GetObject / PutObject / HeadObject / DeleteObject
   * read and write; with `notify`, a put invokes the function asynchronously with an S3 event.
   * See {@link Bucket}.
   * @example
   * ```ts
   * const uploads = sim.bucket('uploads', { notify: resizeFn });
   * await sim.run();
   * uploads.get('a.csv')?.body;
   * ```
   */
  bucket(name: string, options?: BucketOptions): Bucket {
    if (this.buckets.has(name))
      throw new ConfigError('sim.bucket', 'name', 'is already used by another bucket', name);
    const notify: unknown = options?.notify;
    checkOwned(
      this.world,
      'sim.bucket: notify',
      notify !== null && typeof notify === 'object' && 'fn' in notify ? notify.fn : notify,
    );
    const bucket = new Bucket(this.world, this.async, name, options);
    this.buckets.set(name, bucket);
    return claim(this.world, bucket, `sim.bucket(${JSON.stringify(name)})`, name);
  }

  /**
   * The tables and external APIs defined so far, in definition order (e.g. for checks that
   * compare every service's final state).
   * @example
   * ```ts
   * const { tables, apis } = sim.definedServices();
   * tables.map((t) => t.snapshot());
   * ```
   */
  definedServices(): { readonly tables: readonly Table[]; readonly apis: readonly ExternalApi[] } {
    const all = [...this.services.values()];
    return {
      tables: all.filter((s): s is Table => s instanceof Table),
      apis: all.filter((s): s is ExternalApi => s instanceof ExternalApi),
    };
  }

  /**
   * Defines an SQS queue, standard or FIFO (a name ending in `.fifo`). See {@link SqsQueue}.
   * Duplicate delivery and reordering of standard queues (R-SQS-9) are off unless set here;
   * the property layer turns them on.
   * @example
   * ```ts
   * const dlq = sim.sqs('orders-dlq');
   * const orders = sim.sqs('orders', { visibilityTimeoutS: 30, redrive: { deadLetter: dlq, maxReceiveCount: 3 } });
   * ```
   */
  sqs(name: string, options?: SqsQueueOptions): SqsQueue {
    return claim(this.world, this.sqsModel.queue(name, options), `sim.sqs(${JSON.stringify(name)})`, name);
  }

  /**
   * A Kinesis data stream with `shards` shards (default 1) and `retentionH` hours of retention
   * (24–8,760, default 24). Partition keys are hashed with MD5 to pick the shard, as Kinesis
   * does. See {@link KinesisStream}.
   * @example
   * ```ts
   * const clicks = sim.kinesis('clicks', { shards: 4, retentionH: 48 });
   * ```
   */
  kinesis(name: string, options?: KinesisStreamOptions): KinesisStream {
    return claim(
      this.world,
      this.streamsModel.stream(name, options),
      `sim.kinesis(${JSON.stringify(name)})`,
      name,
    );
  }

  /**
   * An event source mapping from an SQS queue, a Kinesis stream or a table's DynamoDB stream
   * (a table defined with `stream: 'NEW_AND_OLD_IMAGES'` or another view type) to `fn`, validated
   * as `CreateEventSourceMapping` validates it (a ConfigError quoting AWS's message). See
   * {@link SqsEventSourceMapping} and {@link StreamEventSourceMapping}; a stream mapping needs a
   * `startingPosition`. Kinesis and DynamoDB streams share one mapping machinery (spec §3.2).
   * @example
   * ```ts
   * sim.mapping(orders, processOrder, { batchSize: 10, reportBatchItemFailures: true });
   * sim.mapping(clicks, countClicks, { startingPosition: 'TRIM_HORIZON', maximumRetryAttempts: 2, onFailure: failures });
   * const orders = sim.table('orders', { key: 'orderId', stream: 'NEW_AND_OLD_IMAGES' });
   * sim.mapping(orders, onOrderChange, { startingPosition: 'TRIM_HORIZON', bisectBatchOnFunctionError: true });
   * ```
   */
  mapping(stream: KinesisStream, fn: LambdaFunction, options: StreamMappingOptions): StreamEventSourceMapping;
  mapping(table: Table, fn: LambdaFunction, options: StreamMappingOptions): StreamEventSourceMapping;
  mapping(queue: SqsQueue, fn: LambdaFunction, options?: SqsMappingOptions): SqsEventSourceMapping;
  mapping(
    source: SqsQueue | KinesisStream | Table,
    fn: LambdaFunction,
    options?: SqsMappingOptions | StreamMappingOptions,
  ): SqsEventSourceMapping | StreamEventSourceMapping {
    this.assertOwn(fn, 'sim.mapping: fn');
    if (source instanceof KinesisStream) {
      checkOwned(this.world, 'sim.mapping: stream', source);
      return this.streamsModel.map(source, fn, options as StreamMappingOptions);
    }
    if (source instanceof Table) {
      if (this.services.get(source.name) !== source)
        throw new ConfigError(
          'sim.mapping',
          'table',
          'must be a table defined on this simulation',
          source.name,
        );
      return this.streamsModel.map(source, fn, options as StreamMappingOptions);
    }
    return this.sqsModel.map(source, fn, options as SqsMappingOptions);
  }

  /** A promise that resolves after `ms` of virtual time (for callers). */
  sleep(ms: number): Promise<void> {
    nonNegativeInt('sim.sleep', 'ms', ms);
    // In a handler this is the environment's own timer (frozen and dropped with it); elsewhere a
    // workload timer.
    const scope = currentScope() ?? this.workloadScope;
    return new Promise((resolve) => scope.setTimer(() => resolve(), ms, false));
  }

  /** Runs until nothing is left to do, a virtual time limit or an event budget. Once per simulation. */
  async run(limits: RunLimits = {}): Promise<SimulationResult> {
    if (this.ran)
      throw new ConfigError(
        'sim.run',
        'run',
        'can be called once per simulation; create a new simulation (same seed) to replay',
        'second call',
      );
    checkOptions('sim.run', limits, RUN_KNOWN);
    if (limits.untilMs !== undefined && !(typeof limits.untilMs === 'number' && limits.untilMs >= 0))
      throw new ConfigError('sim.run', 'untilMs', 'must be a number >= 0', limits.untilMs);
    if (limits.maxEvents !== undefined)
      intInRange('sim.run', 'maxEvents', limits.maxEvents, 1, Number.MAX_SAFE_INTEGER);
    for (const schedule of this.schedules) schedule.checkBounded(limits.untilMs);
    for (const schedule of this.schedules) schedule.arm(limits.untilMs);
    this.world.faults.checkTargets({
      functions: this.lambda.names(),
      services: new Set([
        ...this.services.keys(),
        ...this.sqsModel.queueNames(),
        ...this.snsTopics().map((t) => t.name),
        ...this.buckets.keys(),
        // A Lambda Invoke from a handler is a call to the callee, by its name.
        ...this.lambda.names(),
      ]),
      queues: this.sqsModel.queueKinds(),
      streams: new Set(this.streamsModel.streamNames()),
      tableStreams: new Set(this.streamsModel.tableStreamNames()),
    });
    this.ran = true;
    this.world.globals.capture();
    captureOutput();
    const stop = watchEscapes();
    const releaseUtc = holdUtcTimeZone();
    let end: RunEnd;
    try {
      end = await this.world.kernel.run(limits);
    } finally {
      releaseUtc();
      stop();
      cancelRealTimers(this.world);
      restoreReplacedGlobals(this.world, 'simulated code', 'when the run ended');
    }
    const kernel = this.world.kernel;
    // lambdasim's own run-end invariants (counters, no scan of the trace): a failure is our bug.
    const quiescent = end.kind === 'quiescent';
    this.lambda.checkSlots(quiescent);
    this.async.checkStates(quiescent);
    const sqs = this.sqsModel;
    sqs.checkRunEnd(quiescent);
    sqs.settle();
    const streams = this.streamsModel;
    streams.checkRunEnd(quiescent);
    let streamRecords: readonly StreamRecordEntry[] | undefined;
    let messages: readonly MessageRecord[] | undefined;
    let inputs: readonly InputRecord[] | undefined;
    const services = this.services;
    const eventIndex = this.scenarioEventIndex;
    const result: SimulationResult = {
      seed: kernel.seed,
      end,
      trace: kernel.trace.entries,
      // Hashed on first read: a run whose hash nobody reads does not pay for it.
      get traceHash() {
        return kernel.trace.hash();
      },
      requests: this.sync.requests,
      callers: this.callers,
      determinismErrors: this.world.determinismErrors,
      warnings: this.world.warnings,
      logs: this.world.logs,
      determinismErrorsAllowed: this.allowDeterminismErrors,
      effects: (service) => {
        checkOwned(this.world, 'result.effects: service', service);
        return effectsOf(this.services, service);
      },
      replays: (service) => {
        checkOwned(this.world, 'result.replays: service', service);
        return replaysOf(this.services, service);
      },
      asyncEvents: this.async.events,
      get messages() {
        return (messages ??= sqs.messages());
      },
      queues: sqs.accounting(),
      get streamRecords() {
        return (streamRecords ??= streams.records());
      },
      shards: streams.shards(),
      get inputs() {
        return (inputs ??= buildInputLedger({
          trace: kernel.trace.entries,
          requests: result.requests,
          asyncEvents: result.asyncEvents,
          messages: result.messages,
          streamRecords: result.streamRecords,
          effects: [...services.values()].flatMap((s) => (s instanceof ExternalApi ? [s.effects()] : [])),
          eventIndex,
        }));
      },
      unreachedFaults: this.world.faults.unreached(),
    };
    return result;
  }

  private addService(service: Table | ExternalApi, kind: 'table' | 'api' | 'eventBus'): void {
    if (this.services.has(service.name))
      throw new ConfigError(
        `sim.${kind}`,
        'name',
        'is already used by another service (table or api) in this simulation',
        service.name,
      );
    this.services.set(service.name, service);
  }

  /** Workload code may schedule while the run goes on, but not into the past. */
  private notBeforeNow(api: string, atMs: number): number {
    const nowMs = this.world.kernel.nowMs;
    if (atMs < nowMs)
      throw new ConfigError(api, 'atMs', `must not be before the current virtual time (${nowMs} ms)`, atMs);
    return atMs;
  }

  private assertOwn(fn: LambdaFunction, use: ResourceField): void {
    checkOwned(this.world, use, fn);
    if (this.lambda.get(fn?.name) !== fn)
      throw new ConfigError(
        use.slice(0, use.indexOf(':')),
        'fn',
        'must be a function defined on this simulation with sim.fn()',
        fn?.name ?? fn,
      );
  }
}

/** The `logs` option, or `LAMBDASIM_LOGS` when it is not given. */
function resolveLogsMode(option: unknown): 'capture' | 'live' {
  if (option === undefined) return realGlobals.env[LOGS_ENV] === 'live' ? 'live' : 'capture';
  if (option !== 'capture' && option !== 'live')
    throw new ConfigError('createSimulation', 'logs', "must be 'capture' or 'live'", option);
  return option;
}

/** Creates a simulation. See {@link Simulation}. */
export function createSimulation(options: SimulationOptions): Simulation {
  return new Simulation(options);
}
