import { ConfigError } from '../errors.js';
import type { Kernel } from '../sim/Kernel.js';
import type { TraceEvent } from '../TraceEvent.js';
import {
  ALL_FAULT_KINDS,
  type AsyncEventFault,
  type CallFault,
  type Fault,
  type FaultPlan,
  faultPoint,
  type InvocationFault,
  isCallFault,
  isInvocationFault,
  type QueueFault,
  shapeOf,
  type StreamFault,
  shapesOf,
} from './Fault.js';
import { type UnreachedFault, unreachedReason } from './UnreachedFault.js';

const NONE: readonly never[] = Object.freeze([]);

/** What a fault plan's targets are checked against when a run starts. */
export interface DefinedTargets {
  readonly functions: ReadonlySet<string>;
  /** Every service a call fault may aim at (tables, external APIs, queues). */
  readonly services: ReadonlySet<string>;
  /** SQS queues, with whether each is FIFO (duplicates and reordering need a standard queue). */
  readonly queues: ReadonlyMap<string, { readonly fifo: boolean }>;
  /** Streams (Kinesis stream names). */
  readonly streams: ReadonlySet<string>;
  /**
   * Tables' DynamoDB streams (by table name): a `duplicateDelivery` of a batch may aim at them, a
   * `poisonRecord` may not (their records are item changes, not a producer's data).
   */
  readonly tableStreams: ReadonlySet<string>;
}

/**
 * Applies a {@link FaultPlan} during a run: counts invocation tries per function, calls per
 * service, accepted async events per function, and deliveries and sent messages per queue, and
 * answers which faults aim at the current one. Every fault applied is recorded in the trace as
 * `fault.injected`.
 */
export class FaultInjector {
  private readonly invocationFaults = new Map<string, InvocationFault[]>();
  private readonly callFaults = new Map<string, CallFault[]>();
  private readonly eventFaults = new Map<string, AsyncEventFault[]>();
  private readonly deliveryFaults = new Map<string, QueueFault[]>();
  private readonly messageFaults = new Map<string, QueueFault[]>();
  private readonly recordFaults = new Map<string, StreamFault[]>();
  private readonly batchFaults = new Map<string, StreamFault[]>();
  private readonly counts = new Map<string, number>();
  /** The faults that took effect (plan entries, by identity). */
  private readonly fired = new Set<Fault>();

  constructor(
    private readonly kernel: Kernel<TraceEvent>,
    readonly plan: FaultPlan,
  ) {
    for (const fault of plan) {
      const { target, point, at } = faultPoint(fault);
      const key = `${target}#${at}`;
      if (isInvocationFault(fault)) push(this.invocationFaults, key, fault);
      else if (isCallFault(fault)) push(this.callFaults, key, fault);
      else if (point === 'event') push(this.eventFaults, key, fault as AsyncEventFault);
      else if (point === 'delivery') push(this.deliveryFaults, key, fault as QueueFault);
      else if (point === 'record') push(this.recordFaults, key, fault as StreamFault);
      else if (point === 'batch') push(this.batchFaults, key, fault as StreamFault);
      else push(this.messageFaults, key, fault as QueueFault);
    }
  }

  /** True when the plan holds no fault (the fast path skips all lookups). */
  get empty(): boolean {
    return this.plan.length === 0;
  }

  /** The faults aimed at try `n` of function `fn`. */
  forInvocation(fn: string, n: number): readonly InvocationFault[] {
    if (this.plan.length === 0) return NONE;
    this.counts.set(`invocation:${fn}`, n);
    return this.invocationFaults.get(`${fn}#${n}`) ?? NONE;
  }

  /** Counts one more call to `service`; returns the faults aimed at it. */
  nextCall(service: string): readonly CallFault[] {
    return this.next(this.callFaults, 'call', service);
  }

  /** Counts one more event accepted for asynchronous invocation of `fn`; returns the faults aimed at it. */
  nextAsyncEvent(fn: string): readonly AsyncEventFault[] {
    return this.next(this.eventFaults, 'event', fn);
  }

  /** Counts one more message handed to a receive by `queue`; returns the faults aimed at it. */
  nextDelivery(queue: string): readonly QueueFault[] {
    return this.next(this.deliveryFaults, 'delivery', queue);
  }

  /** Counts one more message sent to `queue`; returns the faults aimed at it. */
  nextMessage(queue: string): readonly QueueFault[] {
    return this.next(this.messageFaults, 'message', queue);
  }

  /** Counts one more record put to `stream`; returns the faults aimed at it. */
  nextStreamRecord(stream: string): readonly StreamFault[] {
    return this.next(this.recordFaults, 'record', stream);
  }

  /** Counts one more batch handed to an invocation by a mapping of `stream`; returns the faults aimed at it. */
  nextStreamBatch(stream: string): readonly StreamFault[] {
    return this.next(this.batchFaults, 'batch', stream);
  }

  private next<F extends Fault>(faults: Map<string, F[]>, point: string, target: string): readonly F[] {
    if (faults.size === 0) return NONE;
    const counter = `${point}:${target}`;
    const n = (this.counts.get(counter) ?? 0) + 1;
    this.counts.set(counter, n);
    return faults.get(`${target}#${n}`) ?? NONE;
  }

  /** Records that `fault` took effect now. */
  injected(fault: Fault): void {
    this.fired.add(fault);
    const { target, point, at } = faultPoint(fault);
    this.kernel.record({
      kind: 'fault.injected',
      fault: fault.kind,
      target,
      point,
      at,
    });
  }

  /**
   * The faults of the plan that never took effect so far, in plan order, each with how far the
   * run got toward its point and why (see {@link UnreachedFault}).
   */
  unreached(): readonly UnreachedFault[] {
    if (this.plan.length === 0) return NONE;
    const out: UnreachedFault[] = [];
    this.plan.forEach((fault, index) => {
      if (this.fired.has(fault)) return;
      const { target, point } = faultPoint(fault);
      const reached = this.counts.get(`${point}:${target}`) ?? 0;
      out.push(Object.freeze({ index, fault, reached, reason: unreachedReason(fault, reached) }));
    });
    return Object.freeze(out);
  }

  /**
   * Checks that every fault names a function, service or queue of the simulation, and that
   * duplicates and reordering aim at a standard queue (called when the run starts, once
   * everything is defined).
   */
  checkTargets(defined: DefinedTargets): void {
    this.plan.forEach((fault, i) => {
      const s = shapeOf(fault);
      const name = faultPoint(fault).target;
      const field = `faults[${i}].${s.target}`;
      if (s.target === 'fn') {
        if (!defined.functions.has(name))
          throw new ConfigError(
            'sim.run',
            field,
            `must name a function of this simulation (${list(defined.functions)})`,
            name,
          );
      } else if (s.target === 'service') {
        if (!defined.services.has(name))
          throw new ConfigError(
            'sim.run',
            field,
            `must name a service of this simulation (${list(defined.services)})`,
            name,
          );
      } else if (s.target === 'stream') {
        if (defined.tableStreams.has(name) && fault.kind === 'poisonRecord')
          throw new ConfigError(
            'sim.run',
            field,
            "must name a Kinesis stream: a DynamoDB stream's records are the table's item changes, not a producer's data (write the bad item to the table instead)",
            name,
          );
        if (!defined.streams.has(name) && !defined.tableStreams.has(name))
          throw new ConfigError(
            'sim.run',
            field,
            `must name a stream of this simulation (${list(new Set([...defined.streams, ...defined.tableStreams]))})`,
            name,
          );
      } else {
        const queue = defined.queues.get(name);
        if (queue === undefined)
          throw new ConfigError(
            'sim.run',
            field,
            `must name an SQS queue of this simulation (${list(new Set(defined.queues.keys()))})`,
            name,
          );
        // A poison record and a producer's retry (which FIFO deduplication absorbs) can aim at FIFO.
        if (queue.fifo && fault.kind !== 'poisonRecord' && fault.kind !== 'producerDuplicate')
          throw new ConfigError(
            'sim.run',
            field,
            `must name a standard queue: a FIFO queue delivers each message once and in order, so a ${fault.kind} fault cannot happen there`,
            name,
          );
      }
    });
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function list(names: ReadonlySet<string>): string {
  return names.size === 0 ? 'none defined' : `defined: ${[...names].join(', ')}`;
}

/**
 * Validates a fault plan (e.g. one read from a saved scenario file) and returns it frozen.
 * Errors name the entry, the field and the rule: `createSimulation: faults[1].invocation must be
 * an integer >= 1, got 0`.
 */
export function resolveFaultPlan(plan: unknown, api = 'createSimulation'): FaultPlan {
  if (plan === undefined) return NONE;
  if (!Array.isArray(plan)) throw new ConfigError(api, 'faults', 'must be an array of faults', plan);
  return Object.freeze(
    plan.map((raw: unknown, i) => {
      const at = `faults[${i}]`;
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
        throw new ConfigError(api, at, 'must be a fault object with a kind', raw);
      const fault = raw as Record<string, unknown>;
      const kind = fault.kind;
      if (typeof kind !== 'string' || !(ALL_FAULT_KINDS as readonly string[]).includes(kind))
        throw new ConfigError(api, `${at}.kind`, `must be one of ${ALL_FAULT_KINDS.join(', ')}`, kind);
      const shapes = shapesOf(kind as Fault['kind']);
      const shape = shapes.find((sh) => sh.target in fault) ?? shapes[0]!;
      const fields = shape.fields;
      if (shapes.length > 1 && !shapes.some((sh) => sh.target in fault))
        throw new ConfigError(
          api,
          at,
          `must name its target: a ${kind} fault has ${shapes.map((sh) => `{ ${Object.keys(sh.fields).join(', ')} }`).join(' or ')}`,
          raw,
        );
      for (const key of Object.keys(fault)) {
        if (key !== 'kind' && !(key in fields))
          throw new ConfigError(
            api,
            `${at}.${key}`,
            `is not a field of a ${kind} fault (fields: ${Object.keys(fields).join(', ')})`,
            fault[key],
          );
      }
      for (const [key, type] of Object.entries(fields)) {
        const value = fault[key];
        const field = `${at}.${key}`;
        if (type === 'string?') {
          if (value !== undefined && typeof value !== 'string')
            throw new ConfigError(api, field, 'must be a string when given', value);
        } else if (type === 'name') {
          if (typeof value !== 'string' || value === '')
            throw new ConfigError(api, field, 'must be a non-empty string', value);
        } else if (type === 'boolean') {
          if (typeof value !== 'boolean') throw new ConfigError(api, field, 'must be a boolean', value);
        } else {
          const min = type === 'count' ? 0 : 1;
          if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
            throw new ConfigError(api, field, `must be an integer >= ${min}`, value);
        }
      }
      return Object.freeze({ ...fault }) as Fault;
    }),
  );
}

export { isCallFault };
