/**
 * Faults as plain data: printable as a literal, savable as JSON, shrinkable by fast-check. Each
 * fault names a deterministic point of a run:
 *
 * - `invocation: n` is the n-th time Lambda tries to run function `fn` in this run (1-based; a
 *   throttled try counts, a retry is a new try), whatever the model that asked (sync, async, SQS);
 * - `call: n` is the n-th call made to service `service` (a table, an external API, a queue
 *   send), counted across all callers;
 * - `event: n` is the n-th event Lambda accepted (202) for asynchronous invocation of `fn`;
 * - `delivery: n` is the n-th time standard queue `queue` handed a message to a receive (every
 *   message of every receive counts, redeliveries included);
 * - `message: n` is the n-th message sent to `queue` (workload sends, handler sends and
 *   destinations alike; messages redriven in from another queue do not count);
 * - `record: n` is the n-th record put to stream `stream` (any shard, workload and handler puts);
 * - `batch: n` is the n-th batch a mapping of stream `stream` handed to an invocation (retries
 *   and bisected halves count, throttled tries do not).
 *
 * Every kind but `poisonRecord` and `producerDuplicate` is one AWS itself can produce
 * ({@link FAULT_KINDS}, the default of the fault arbitraries); those two are workload faults,
 * what producers do, given on request ({@link ALL_FAULT_KINDS}; the scenario arbitraries add
 * `producerDuplicate` with `delivery: 'aws'`).
 */
export type Fault =
  /** The invocation fails as if the handler threw at once: a function error, environment kept. */
  | {
      readonly kind: 'handlerError';
      readonly fn: string;
      readonly invocation: number;
      readonly message?: string;
    }
  /** The handler hangs until the function timeout: `Sandbox.Timedout`, environment reset. */
  | { readonly kind: 'handlerTimeout'; readonly fn: string; readonly invocation: number }
  /**
   * The runtime process is killed right after the invocation's `calls`-th service call lands
   * (its effect done, its response never read): `Runtime.ExitError`, environment reset.
   * `calls: 0` kills it before the handler starts.
   */
  | {
      readonly kind: 'crashAfterCalls';
      readonly fn: string;
      readonly invocation: number;
      readonly calls: number;
    }
  /** The environments of `fn` are reclaimed before this invocation: it starts cold. */
  | { readonly kind: 'coldStart'; readonly fn: string; readonly invocation: number }
  /** This invocation is throttled (429 / re-queued / batch retried, as its model does). */
  | { readonly kind: 'throttle'; readonly fn: string; readonly invocation: number }
  /**
   * The environment that ran this invocation is reclaimed as soon as the invocation ends (Lambda
   * may recycle an environment at any time, R-ENV-6), instead of staying frozen for the next one:
   * its frozen timers and responses are dropped, and a call it made that had not landed yet lands
   * (`landed: true`: its request had left before the freeze) or never does (`landed: false`: it was
   * suspended with the environment, R-ENV-4). The next invocation starts cold.
   */
  | {
      readonly kind: 'reclaimAfterReturn';
      readonly fn: string;
      readonly invocation: number;
      readonly landed: boolean;
    }
  /** The call fails at the service without any effect; the caller gets an error named `errorName`. */
  | {
      readonly kind: 'callError';
      readonly service: string;
      readonly call: number;
      readonly errorName?: string;
      readonly message?: string;
    }
  /** The call never answers; its effect landed (`landed: true`) or not. */
  | {
      readonly kind: 'callTimeout';
      readonly service: string;
      readonly call: number;
      readonly landed: boolean;
    }
  /** The call takes `addMs` longer, split over its request and response. */
  | { readonly kind: 'callLatency'; readonly service: string; readonly call: number; readonly addMs: number }
  /**
   * Asynchronous invocation: the event is delivered twice, the second delivery a separate run with
   * the same request id and its own retries (R-ASYNC-10).
   */
  | { readonly kind: 'duplicateDelivery'; readonly fn: string; readonly event: number }
  /**
   * Standard SQS queue: the delivered message also stays receivable, so another receive gets a
   * copy while the first is in flight (R-SQS-9, at-least-once delivery).
   */
  | { readonly kind: 'duplicateDelivery'; readonly queue: string; readonly delivery: number }
  /**
   * Standard SQS queue: the message is received after the next message sent to the queue (it
   * stays hidden until that one is sent, at most {@link REORDER_MAX_HOLD_MS}) (R-SQS-9,
   * best-effort ordering).
   */
  | { readonly kind: 'reorder'; readonly queue: string; readonly message: number }
  /**
   * Not an AWS fault (given on request): the message's body is replaced by {@link POISON_BODY},
   * text no handler can parse, so every receive of it fails until it is dead-lettered or expires.
   */
  | { readonly kind: 'poisonRecord'; readonly queue: string; readonly message: number }
  /**
   * Stream (Kinesis): the batch succeeds, and the mapping delivers the same records once more before
   * it checkpoints past them (Lambda reads streams at least once: "Lambda event source mappings
   * process each event at least once, and duplicate processing of records can occur",
   * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html).
   */
  | { readonly kind: 'duplicateDelivery'; readonly stream: string; readonly batch: number }
  /**
   * Not an AWS fault (given on request): the stream record's data is replaced by
   * {@link POISON_BODY}, so every batch holding it fails until it is given up or expires.
   */
  | { readonly kind: 'poisonRecord'; readonly stream: string; readonly record: number }
  /**
   * Not an AWS fault (a producer's retry, given on request): the n-th event Lambda accepted for
   * asynchronous invocation of `fn` is sent again by its producer, as an SDK retries an `Invoke`
   * whose answer it never got: the same payload accepted a second time with a new request id, its
   * own retries and destination. A handler that dedupes by request id runs it twice; dedupe by a
   * business key in the payload. The duplicate is traced as `async.accepted` with `retryOf`.
   */
  | { readonly kind: 'producerDuplicate'; readonly fn: string; readonly event: number }
  /**
   * Not an AWS fault (a producer's retry, given on request): the n-th message sent to `queue` is
   * sent again right after, same body, attributes and group, as an SDK retries a `SendMessage`
   * whose answer it never got. A standard queue stores it as a new message with a new message id
   * (traced as `sqs.sent` with `retryOf`); a FIFO queue accepts it but does not deliver it, since
   * the retry carries the same MessageDeduplicationId (or, under content-based deduplication, the
   * same body's hash) within the 5-minute deduplication interval (SendMessage API reference,
   * MessageDeduplicationId:
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
   */
  | { readonly kind: 'producerDuplicate'; readonly queue: string; readonly message: number };

export type FaultKind = Fault['kind'];

/** A run's faults. Order does not matter; two faults may aim at the same point. */
export type FaultPlan = readonly Fault[];

/** Faults aimed at a function invocation. */
export type InvocationFault = Extract<
  Fault,
  { readonly kind: (typeof INVOCATION_FAULT_KINDS)[number]; readonly invocation: number }
>;
/** Faults aimed at a service call. */
export type CallFault = Extract<Fault, { readonly service: string }>;
/** Faults aimed at how events and messages are delivered (async event queue, SQS queue). */
export type DeliveryFault = Extract<Fault, { readonly kind: (typeof DELIVERY_FAULT_KINDS)[number] }>;
/** Delivery faults aimed at an SQS queue. */
export type QueueFault = Extract<Fault, { readonly queue: string }>;
/** Delivery faults aimed at a stream (a Kinesis stream; DynamoDB Streams later). */
export type StreamFault = Extract<Fault, { readonly stream: string }>;
/** Delivery faults aimed at a function's asynchronous event queue. */
export type AsyncEventFault = Extract<Fault, { readonly event: number }>;

export const INVOCATION_FAULT_KINDS = [
  'handlerError',
  'handlerTimeout',
  'crashAfterCalls',
  'coldStart',
  'throttle',
  'reclaimAfterReturn',
] as const;

export const CALL_FAULT_KINDS = ['callError', 'callTimeout', 'callLatency'] as const;

/** Delivery fault kinds, the workload's (`poisonRecord`, `producerDuplicate`) included. */
export const DELIVERY_FAULT_KINDS = [
  'duplicateDelivery',
  'reorder',
  'poisonRecord',
  'producerDuplicate',
] as const;

/** Kinds that are not faults AWS produces: generated only when asked for in `kinds`. */
export const ON_REQUEST_FAULT_KINDS = ['poisonRecord', 'producerDuplicate'] as const;

/** Every kind AWS itself can produce: the default of the fault arbitraries. */
export const FAULT_KINDS: readonly FaultKind[] = [
  ...INVOCATION_FAULT_KINDS,
  ...CALL_FAULT_KINDS,
  'duplicateDelivery',
  'reorder',
];

/** Every kind, the on-request ones included. */
export const ALL_FAULT_KINDS: readonly FaultKind[] = [...FAULT_KINDS, ...ON_REQUEST_FAULT_KINDS];

/** Longest a `reorder` fault hides its message when no other message is sent. */
export const REORDER_MAX_HOLD_MS = 5_000;

/** The body of a message hit by a `poisonRecord` fault: not JSON, not what any producer sent. */
export const POISON_BODY = '<<lambdasim poison record: this body is not what the producer sent>>';

/** What a fault's field holds: its target name, its point (an index from 1), or a parameter. */
export type FaultFieldType = 'name' | 'index' | 'count' | 'ms' | 'boolean' | 'string?';

/** The layout of a fault: which field names its target, which its point, and every field's type. */
export interface FaultShape {
  readonly kind: FaultKind;
  /** The field naming the target: a function, a service, a queue or a stream. */
  readonly target: 'fn' | 'service' | 'queue' | 'stream';
  /** The field holding the point (1-based): which invocation, call, event, delivery, message, record or batch. */
  readonly point: 'invocation' | 'call' | 'event' | 'delivery' | 'message' | 'record' | 'batch';
  /** Every field but `kind`, with its type. */
  readonly fields: Readonly<Record<string, FaultFieldType>>;
}

function shape(
  kind: FaultKind,
  target: FaultShape['target'],
  point: FaultShape['point'],
  more: Readonly<Record<string, FaultFieldType>> = {},
): FaultShape {
  return Object.freeze({
    kind,
    target,
    point,
    fields: Object.freeze({ [target]: 'name', [point]: 'index', ...more }),
  });
}

/**
 * Every fault's layout, one entry per kind and target (`duplicateDelivery` has three: an async
 * event of a function, a delivery of a queue, a batch of a stream; `poisonRecord` and
 * `producerDuplicate` two each). Validation, printing, folding and shrinking all
 * read it, so a new kind is added here once.
 */
export const FAULT_SHAPES: readonly FaultShape[] = Object.freeze([
  shape('handlerError', 'fn', 'invocation', { message: 'string?' }),
  shape('handlerTimeout', 'fn', 'invocation'),
  shape('crashAfterCalls', 'fn', 'invocation', { calls: 'count' }),
  shape('coldStart', 'fn', 'invocation'),
  shape('throttle', 'fn', 'invocation'),
  shape('reclaimAfterReturn', 'fn', 'invocation', { landed: 'boolean' }),
  shape('callError', 'service', 'call', { errorName: 'string?', message: 'string?' }),
  shape('callTimeout', 'service', 'call', { landed: 'boolean' }),
  shape('callLatency', 'service', 'call', { addMs: 'ms' }),
  shape('duplicateDelivery', 'fn', 'event'),
  shape('duplicateDelivery', 'queue', 'delivery'),
  shape('reorder', 'queue', 'message'),
  shape('poisonRecord', 'queue', 'message'),
  shape('duplicateDelivery', 'stream', 'batch'),
  shape('poisonRecord', 'stream', 'record'),
  shape('producerDuplicate', 'fn', 'event'),
  shape('producerDuplicate', 'queue', 'message'),
]);

const SHAPES_BY_KIND: ReadonlyMap<string, readonly FaultShape[]> = (() => {
  const byKind = new Map<string, FaultShape[]>();
  for (const s of FAULT_SHAPES) {
    const list = byKind.get(s.kind);
    if (list === undefined) byKind.set(s.kind, [s]);
    else list.push(s);
  }
  return byKind;
})();

const NO_SHAPES: readonly FaultShape[] = Object.freeze([]);

/** The shapes of `kind` (one or more: `duplicateDelivery` has three; none for an unknown kind). */
export function shapesOf(kind: FaultKind): readonly FaultShape[] {
  return SHAPES_BY_KIND.get(kind) ?? NO_SHAPES;
}

/** The shape `fault` has: the one of its kind whose target field it holds. */
export function shapeOf(fault: Fault): FaultShape {
  const shapes = shapesOf(fault.kind);
  if (shapes.length === 1) return shapes[0]!;
  return shapes.find((s) => s.target in fault) ?? shapes[0]!;
}

/** The target a fault names (a function, service or queue) and the point it aims at. */
export function faultPoint(fault: Fault): {
  readonly target: string;
  readonly point: FaultShape['point'];
  readonly at: number;
} {
  const s = shapeOf(fault);
  const f = fault as unknown as Record<string, string | number>;
  return { target: f[s.target] as string, point: s.point, at: f[s.point] as number };
}

const INVOCATION_KINDS: ReadonlySet<string> = new Set(INVOCATION_FAULT_KINDS);
const CALL_KINDS: ReadonlySet<string> = new Set(CALL_FAULT_KINDS);

/** True for faults aimed at a function invocation. */
export function isInvocationFault(fault: Fault): fault is InvocationFault {
  return INVOCATION_KINDS.has(fault.kind);
}

/** True for faults aimed at a service call. */
export function isCallFault(fault: Fault): fault is CallFault {
  return CALL_KINDS.has(fault.kind);
}
