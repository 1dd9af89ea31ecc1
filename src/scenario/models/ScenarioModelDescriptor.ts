import type fc from 'fast-check';
import type { FaultTargets } from '../../faults/arbitraries.js';
import type { FaultKind, FaultPlan } from '../../faults/Fault.js';
import type { FunctionOptions } from '../../models/FunctionOptions.js';
import type { LambdaFunction } from '../../lambda/LambdaFunction.js';
import type { EventSink } from '../../models/async/EventSink.js';
import type { SqsQueue } from '../../models/sqs/SqsQueue.js';
import type { Simulation, SimulationOptions } from '../../Simulation.js';
import type { Scenario, ScenarioConfig, ScenarioDelivery, ScenarioEvent } from '../Scenario.js';

/** Where a model's own ConfigError fields go in a scenario (`'redrive.maxReceiveCount'` → `'config.maxReceiveCount'`). */
export type ErrorFieldMap = Readonly<Record<string, string>>;

/** The limit one event body must stay under, and what AWS does past it (words for the ConfigError). */
export interface BodyLimit {
  readonly bytes: number;
  /** `'SQS message size limit'` */
  readonly what: string;
  /** `'SendMessage would be refused and the message never sent'` */
  readonly refusal: string;
}

/** The option of `scenarios.<model>` that names an event's group (`groupOf`, `partitionKeyOf`). */
export interface GroupOption {
  /** The option's name, a known option of the model's arbitrary. */
  readonly name: string;
  /** What the function returns, in its ConfigError: `(body) => <what>`. */
  readonly what: string;
  /** Without the option, each event's group is drawn from this pool (absent: events have no group). */
  readonly keyPool?: readonly string[];
}

/** What a model's `beforeSetup` is given: the simulation, the scenario, and the error renaming. */
export interface SetupContext {
  readonly sim: Simulation;
  readonly scenario: Scenario<unknown>;
  /** Runs a model call, renaming its ConfigError to the scenario's field (common fields and the model's `errorFields`). */
  guard<T>(action: () => T): T;
}

/** What a model's `wire` is given: the simulation, the scenario, and the runner's common steps. */
export interface WireContext extends SetupContext {
  /** What the model's `beforeSetup` returned (the user's setup got it too); undefined without one. */
  readonly resources: unknown;
  /**
   * Defines the scenario's function `Handler` with the scenario's common config (timeoutS,
   * memoryMB, reservedConcurrency) plus `extra` (e.g. `{ async }`). Call it exactly once.
   */
  defineFunction(extra?: Pick<FunctionOptions, 'async'>): LambdaFunction;
  /** Notes that the model refused event `index` at run time (a send or put the service refused). */
  refuse(index: number, error: unknown): void;
  /**
   * Notes that scenario event `index` became the input `inputId` (a request id, a message id, a
   * record's `shardId:sequenceNumber`): the ledger's `eventIndex`, which violations name.
   */
  noteEvent(inputId: string, index: number): void;
}

/** The event bounds of `scenarios.<model>`, checked, for a model's own {@link ModelWorkload}. */
export interface EventBounds {
  readonly minEvents: number;
  readonly maxEvents: number;
  readonly spreadMs: number;
}

/**
 * A workload that is not bodies drawn one by one (DynamoDB Streams: item writes, each overwrite
 * or delete aimed at a key written before it). `scenarios.<model>` then takes the model's
 * `options` beside the common ones (not `uniqueBy` nor a group option), draws its events here,
 * and fixes the config fields the options name (a table's key schema).
 */
export interface ModelWorkload {
  /** The options of `scenarios.<model>` beyond `events`, `minEvents` … `delivery`. */
  readonly options: readonly string[];
  /**
   * The fixed config: the user's `fixed` plus the fields the options set (e.g. the table's
   * `key`). @throws ConfigError for a bad option or a field the options contradict (named in `api`).
   */
  config(options: Readonly<Record<string, unknown>>, fixed: ScenarioConfig, api: string): ScenarioConfig;
  /** The events: `options.events` is the user's arbitrary. @throws ConfigError for a bad option. */
  events(
    options: Readonly<Record<string, unknown>>,
    bounds: EventBounds,
    api: string,
  ): fc.Arbitrary<ScenarioEvent<unknown>[]>;
}

/** What a model's `wire` defined, for the runner to read after the run. */
export interface ModelWiring {
  readonly fn: LambdaFunction;
  readonly queue?: SqsQueue | undefined;
  readonly failures?: EventSink | undefined;
}

/**
 * Everything the property layer (arbitraries, validation, wiring, saving, running) needs to know
 * about one scenario model. One descriptor per model, in `src/scenario/models/<model>.ts`, listed
 * once in `registry.ts`; every consumer looks the model up there and never switches on its name.
 * See `src/scenario/models/README.md` for what a new model provides, field by field.
 */
export interface ScenarioModelDescriptor<M extends string = string> {
  /** The model's name: `Scenario.model`, `scenarios.<model>`'s API name (`scenarios.sqs`). */
  readonly model: M;
  /** Config fields the model reads, in the order they print and save (validation refuses others). */
  readonly configKeys: readonly (keyof ScenarioConfig)[];
  /** Config fields of those that are booleans (validation checks their type; the models check the rest). @defaultValue none */
  readonly booleanConfigKeys?: readonly (keyof ScenarioConfig)[];
  /** Delivery fields the model reads, in the order they print and save. */
  readonly deliveryKeys: readonly (keyof ScenarioDelivery)[];
  /** `scenarios.<model>`'s option naming an event's group, when the model has groups. */
  readonly groupOption?: GroupOption;
  /** Fault kinds `delivery: 'aws'` adds to the plan: the at-least-once behaviours AWS shows for this model. */
  readonly deliveryFaultKinds: readonly FaultKind[];
  /** The model's own fault targets for `faultPlanArb` (its queue, stream or async function), beside `Handler` and the services. */
  readonly faultTargets: Omit<FaultTargets, 'functions' | 'services'>;
  /**
   * The config arbitrary: `fixed` holds the user's fixed fields (used as given); every other field
   * the model reads is drawn from a range AWS accepts. Build it with the helpers of `configArbs.ts`
   * (`record`, `fixedOr`, `maybe`, `commonConfig`, `compact`) so it shrinks as the others do.
   */
  configArb(fixed: ScenarioConfig): fc.Arbitrary<ScenarioConfig>;
  /**
   * The fixed config as the wiring probe of `scenarios.<model>` checks it: fields the arbitrary
   * always draws in a dependent way (SQS: visibility >= timeout) at their smallest drawn values.
   * @defaultValue the fixed config as is
   */
  probeConfig?(fixed: ScenarioConfig): ScenarioConfig;
  /** A generated plan made to fit the drawn config (SQS FIFO: duplicates and reordering dropped). @defaultValue as is */
  adjustFaults?(plan: FaultPlan, config: ScenarioConfig): FaultPlan;
  /** The largest event body, as the model measures it. */
  readonly bodyLimit: BodyLimit;
  /**
   * An event's size as the model measures it: `json` is the body's JSON text.
   * @defaultValue the UTF-8 bytes of `json`
   */
  eventBytes?(body: unknown, json: string, group: string | undefined): number;
  /**
   * An event's `group` rule: whether a given group is valid, and the rule for its ConfigError.
   * @defaultValue an SQS MessageGroupId (1-128 printable ASCII characters without spaces)
   */
  readonly groupRule?: { readonly valid: (group: string) => boolean; readonly rule: string };
  /** A rule of the body beyond JSON and size: the ConfigError's rule when `body` breaks it, else undefined. */
  bodyRule?(body: unknown): string | undefined;
  /** Simulation options the scenario's delivery block sets (async: `{ async: { duplicateProbability, reorder } }`). */
  simulationOptions?(delivery: ScenarioDelivery): Partial<Pick<SimulationOptions, 'async'>>;
  /**
   * The model's ConfigError fields renamed to the scenario's (`'redrive.maxReceiveCount'` →
   * `'config.maxReceiveCount'`). A field named as one of `configKeys` needs no entry: it is
   * `config.<field>`. @defaultValue none
   */
  readonly errorFields?: ErrorFieldMap;
  /** Who refuses an event at run time, for runScenario's error (`'SQS'`, `'Kinesis'`); absent: nothing refuses. */
  readonly refusedBy?: string;
  /** A workload of the model's own (see {@link ModelWorkload}). @defaultValue bodies drawn from `events` */
  readonly workload?: ModelWorkload;
  /**
   * Defines what must exist before the user's setup runs (a DynamoDB-streams table the setup may
   * seed or hand to its handler) and returns it: the setup gets it as its second argument, `wire`
   * as `ctx.resources`. Wrap model calls in `ctx.guard`. @defaultValue none (`setup(sim)`)
   */
  beforeSetup?(ctx: SetupContext): unknown;
  /**
   * Defines the scenario's function (through `ctx.defineFunction`), the model's resources, and
   * schedules every event at its `atMs`, noting with `ctx.noteEvent` which input id each event
   * became (the ledger's `eventIndex`).
   */
  wire(ctx: WireContext): ModelWiring;
}
