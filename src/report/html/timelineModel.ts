import type { SimulationResult } from '../../Simulation.js';
import type { TraceEvent } from '../../TraceEvent.js';
import { describeEvent, formatTime } from '../timeline.js';

/**
 * What a swimlane stands for: a function (its requests and async events), one of its execution
 * environments (Init, attempts, the calls it sent), a queue, stream, topic or SQS mapping, an
 * external service (the calls that landed on it), a simulated caller, an event source (schedule,
 * front door), or anything else.
 */
export type LaneGroup = 'function' | 'environment' | 'queue' | 'service' | 'caller' | 'source' | 'other';

/** How an event is marked: the fault plan, an effect, a replayed call, a failure, an attempt, the rest. */
export type MarkTone = 'fault' | 'effect' | 'replay' | 'error' | 'attempt' | 'info';

export interface TimelineLane {
  readonly name: string;
  readonly group: LaneGroup;
}

/** A content the trace only holds a digest of, shown when its event is clicked. */
export interface TimelinePayload {
  readonly label: string;
  readonly value: unknown;
}

/** One trace event as the page draws it. */
export interface TimelineEvent {
  /** Its index in the trace. */
  readonly n: number;
  readonly atMs: number;
  /** `+1.250s`. */
  readonly time: string;
  readonly kind: string;
  /** Index into {@link TimelineModel.lanes}. */
  readonly lane: number;
  readonly tone: MarkTone;
  /** The actor and the words of the text timeline. */
  readonly who: string;
  readonly what: string;
  /** The event itself. */
  readonly fields: TraceEvent;
  readonly payloads: readonly TimelinePayload[];
}

/** One invocation on an environment lane, from `invoke.started` to how it ended. */
export interface TimelineAttempt {
  readonly lane: number;
  /** Indexes into {@link TimelineModel.events}: its start, and its end (undefined: still running). */
  readonly start: number;
  readonly end: number | undefined;
  readonly outcome: 'succeeded' | 'failed' | 'unfinished';
  /** `attempt 2 (cold) · Sandbox.Timedout`. */
  readonly label: string;
}

export interface TimelineModel {
  readonly lanes: readonly TimelineLane[];
  readonly events: readonly TimelineEvent[];
  readonly attempts: readonly TimelineAttempt[];
  /** Events in the trace (more than `events.length` when capped). */
  readonly totalEvents: number;
}

const GROUP_ORDER: readonly LaneGroup[] = ['function', 'queue', 'source', 'service', 'caller', 'other'];

const ENVIRONMENT_KINDS: ReadonlySet<string> = new Set([
  'env.created',
  'env.initStarted',
  'env.initFinished',
  'env.initAborted',
  'env.initFailed',
  'env.frozen',
  'env.thawed',
  'env.reset',
  'env.reclaimed',
  'invoke.started',
  'invoke.succeeded',
  'invoke.failed',
  'call.suspended',
]);

/** Kinds drawn as a failure, whatever their fields. */
const ERROR_KINDS: ReadonlySet<string> = new Set([
  'request.rejected',
  'request.clientTimedOut',
  'invoke.throttled',
  'env.initAborted',
  'env.initFailed',
  'invoke.failed',
  'env.reset',
  'call.lost',
  'call.dropped',
  'determinism.violated',
  'async.rejected',
  'async.throttled',
  'async.discarded',
  'async.dropped',
  'destination.failed',
  'sqs.deadLettered',
  'sqs.expired',
  'batch.partiallyFailed',
  'batch.failed',
  'batch.throttled',
]);

/**
 * @internal The page's data: lanes in group order (each function followed by its environments),
 * the first `maxEvents` events with their lane, tone, words and payloads, and the attempts.
 * Lanes are read from the fields events carry (`env`, `service`, `queue`, `fn`, …), so a kind
 * added later lands on a sensible lane without a change here.
 */
export function buildTimelineModel(result: SimulationResult, maxEvents: number): TimelineModel {
  const trace = result.trace.length > maxEvents ? result.trace.slice(0, maxEvents) : result.trace;
  const names = collectNames(trace);
  const payloads = payloadSources(result, names.services);
  const laneIndex = new Map<string, number>();
  const laneList: TimelineLane[] = [];
  const laneOfKey = (group: LaneGroup, name: string): number => {
    const key = `${group}\u0000${name}`;
    let index = laneIndex.get(key);
    if (index === undefined) {
      index = laneList.length;
      laneIndex.set(key, index);
      laneList.push({ name, group });
    }
    return index;
  };

  const replayed = new Set<number>();
  const events: TimelineEvent[] = [];
  const attempts: {
    lane: number;
    start: number;
    end: number | undefined;
    outcome: TimelineAttempt['outcome'];
    label: string;
  }[] = [];
  const running = new Map<string, number>();
  trace.forEach((ev, n) => {
    if (ev.kind === 'call.replayed') replayed.add(ev.callId);
    const [group, name] = laneOf(ev, names);
    const lane = laneOfKey(group, name);
    // SenderIds as the text timeline shows them by default (hidden); the event's fields show on click.
    const [who, what] = describeEvent(ev, replayed, false);
    const index = events.length;
    events.push({
      n,
      atMs: ev.atMs,
      time: formatTime(ev.atMs),
      kind: ev.kind,
      lane,
      tone: toneOf(ev, replayed),
      who,
      what,
      fields: ev,
      payloads: payloads(ev),
    });
    if (ev.kind === 'invoke.started') {
      running.set(ev.env, attempts.length);
      attempts.push({
        lane,
        start: index,
        end: undefined,
        outcome: 'unfinished',
        label: `attempt ${ev.attempt}${ev.cold ? ' (cold)' : ''}`,
      });
    } else if (ev.kind === 'invoke.succeeded' || ev.kind === 'invoke.failed') {
      const open = running.get(ev.env);
      const attempt = open === undefined ? undefined : attempts[open];
      if (attempt !== undefined) {
        running.delete(ev.env);
        attempt.end = index;
        attempt.outcome = ev.kind === 'invoke.succeeded' ? 'succeeded' : 'failed';
        if (ev.kind === 'invoke.failed') attempt.label += ` · ${ev.errorType}`;
      }
    }
  });

  // Lanes in group order; an environment right after its function.
  const order: number[] = [];
  const envsOf = new Map<string, number[]>();
  laneList.forEach((lane, i) => {
    if (lane.group !== 'environment') return;
    const fn = names.fnOfEnv.get(lane.name) ?? lane.name.replace(/#\d+$/, '');
    const fnLane = laneOfKey('function', fn);
    envsOf.set(laneList[fnLane]!.name, [...(envsOf.get(laneList[fnLane]!.name) ?? []), i]);
  });
  for (const group of GROUP_ORDER)
    laneList.forEach((lane, i) => {
      if (lane.group !== group) return;
      order.push(i);
      if (group === 'function') order.push(...(envsOf.get(lane.name) ?? []));
    });
  const position = new Map(order.map((old, i) => [old, i]));
  const at = (old: number): number => position.get(old)!;
  return {
    lanes: order.map((old) => laneList[old]!),
    events: events.map((e) => ({ ...e, lane: at(e.lane) })),
    attempts: attempts.map((a) => ({ ...a, lane: at(a.lane) })),
    totalEvents: result.trace.length,
  };
}

/** The names each kind of lane is known by, read off the trace. */
interface KnownNames {
  readonly functions: ReadonlySet<string>;
  readonly environments: ReadonlySet<string>;
  readonly services: ReadonlySet<string>;
  readonly queues: ReadonlySet<string>;
  readonly fnOfEnv: ReadonlyMap<string, string>;
}

function collectNames(trace: readonly TraceEvent[]): KnownNames {
  const functions = new Set<string>();
  const environments = new Set<string>();
  const services = new Set<string>();
  const queues = new Set<string>();
  const fnOfEnv = new Map<string, string>();
  for (const ev of trace) {
    const f = ev as Readonly<Record<string, unknown>>;
    if (typeof f.fn === 'string') functions.add(f.fn);
    if (typeof f.env === 'string') environments.add(f.env);
    if (typeof f.service === 'string') services.add(f.service);
    for (const field of ['queue', 'mapping', 'stream', 'topic'])
      if (typeof f[field] === 'string') queues.add(f[field]);
    if (ev.kind === 'env.created' || ev.kind === 'invoke.started') fnOfEnv.set(ev.env, ev.fn);
  }
  return { functions, environments, services, queues, fnOfEnv };
}

function laneOf(ev: TraceEvent, names: KnownNames): [LaneGroup, string] {
  const f = ev as Readonly<Record<string, unknown>>;
  const text = (field: string): string | undefined =>
    typeof f[field] === 'string' ? (f[field] as string) : undefined;
  if (ev.kind === 'fault.injected') {
    if (names.functions.has(ev.target)) return ['function', ev.target];
    if (names.services.has(ev.target)) return ['service', ev.target];
    if (names.queues.has(ev.target)) return ['queue', ev.target];
    return ['other', ev.target];
  }
  const env = text('env');
  if (ENVIRONMENT_KINDS.has(ev.kind) && env !== undefined) return ['environment', env];
  const by = text('by');
  if (ev.kind === 'call.sent' || ev.kind === 'call.dropped' || ev.kind === 'determinism.violated')
    return names.environments.has(by ?? '') ? ['environment', by!] : ['caller', by ?? '?'];
  const service = text('service');
  if (service !== undefined) return ['service', service];
  for (const field of ['mapping', 'queue', 'stream', 'topic']) {
    const name = text(field);
    if (name !== undefined) return ['queue', name];
  }
  for (const field of ['schedule', 'door']) {
    const name = text(field);
    if (name !== undefined) return ['source', name];
  }
  const caller = text('caller');
  if (caller !== undefined) return ['caller', caller];
  const fn = text('fn');
  if (fn !== undefined) return ['function', fn];
  if (env !== undefined) return ['environment', env];
  return ['other', ev.kind];
}

function toneOf(ev: TraceEvent, replayed: ReadonlySet<number>): MarkTone {
  switch (ev.kind) {
    case 'fault.injected':
      return 'fault';
    case 'call.landed':
      if (replayed.has(ev.callId)) return 'replay';
      return ev.ok ? 'effect' : 'error';
    case 'call.replayed':
      return 'replay';
    case 'invoke.started':
      return 'attempt';
    case 'request.completed':
      return ev.functionError !== undefined || ev.statusCode >= 400 ? 'error' : 'info';
    case 'frontDoor.responded':
      return ev.statusCode >= 400 ? 'error' : 'info';
    case 'caller.finished':
      return ev.ok ? 'info' : 'error';
    default:
      return ERROR_KINDS.has(ev.kind) ? 'error' : 'info';
  }
}

/**
 * The contents an event's digest stands for, from the result: an input's payload (sync and async
 * requests), a message's body, a batch's records, a call's arguments (APIs keep them; tables do
 * not).
 */
function payloadSources(
  result: SimulationResult,
  services: ReadonlySet<string>,
): (ev: TraceEvent) => TimelinePayload[] {
  const inputs = new Map(result.inputs.map((input) => [input.id, input]));
  const bodies = new Map(result.messages.map((m) => [m.messageId, m.body]));
  const batches = new Map<string, readonly string[]>();
  for (const ev of result.trace) if (ev.kind === 'batch.invoked') batches.set(ev.requestId, ev.messageIds);
  const calls = new Map<number, { service: string; op: string; args: unknown }>();
  for (const service of services) {
    let effects: readonly { callId: number; service: string; op: string; args: unknown }[];
    try {
      effects = [...result.effects(service), ...result.replays(service)];
    } catch {
      continue; // a table, or another service that keeps no arguments
    }
    for (const e of effects) calls.set(e.callId, e);
  }
  const payloadOf = (id: string): TimelinePayload[] => {
    const body = inputs.get(id)?.body;
    return body === undefined ? [] : [{ label: 'payload', value: body }];
  };
  const records = (requestId: string): TimelinePayload[] => {
    const ids = batches.get(requestId);
    if (ids === undefined) return [];
    return [
      { label: 'records', value: ids.map((messageId) => ({ messageId, body: bodies.get(messageId) })) },
    ];
  };
  return (ev) => {
    switch (ev.kind) {
      case 'request.received':
      case 'async.accepted':
        return payloadOf(ev.requestId);
      case 'invoke.started': {
        const batch = records(ev.requestId);
        return batch.length > 0 ? batch : payloadOf(ev.requestId);
      }
      case 'batch.invoked':
        return records(ev.requestId);
      case 'sqs.sent': {
        const body = bodies.get(ev.messageId);
        return body === undefined ? [] : [{ label: 'body', value: body }];
      }
      case 'call.sent':
      case 'call.landed':
      case 'call.returned':
      case 'call.lost':
      case 'call.suspended':
      case 'call.replayed': {
        const call = calls.get(ev.callId);
        return call === undefined
          ? []
          : [{ label: `${call.service}.${call.op} arguments`, value: call.args }];
      }
      default:
        return [];
    }
  };
}
