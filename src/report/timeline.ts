import type { LogLine } from '../world/LogLine.js';
import type { TraceEvent } from '../TraceEvent.js';

/** Options of {@link formatTimeline}. */
export interface TimelineOptions {
  /** Show only events from this virtual instant on. @defaultValue 0 */
  readonly fromMs?: number;
  /** Cap the number of lines (the rest is summarised). @defaultValue 400 */
  readonly maxLines?: number;
  /** Hide call.sent / call.returned noise, keep landed/lost effects. @defaultValue false */
  readonly compactCalls?: boolean;
  /**
   * What handlers wrote (`result.logs`), shown in place among the events, each line marked `log`
   * with its level and request id. @defaultValue [] (no log lines)
   */
  readonly logs?: readonly LogLine[];
  /**
   * Show the SenderId of each message code sent (`sqs.sent … from AIDAIENQZJOLO23YVJ4VO`); a
   * record Lambda or SNS delivered always shows its source. @defaultValue false
   */
  readonly senderIds?: boolean;
}

type ScaledEvent = Extract<TraceEvent, { kind: 'mapping.scaled' }>;

/** A line before its columns are padded. */
interface Row {
  readonly atMs: number;
  readonly who: string;
  readonly kind: string;
  readonly what: string;
}

/**
 * Renders a trace as a readable timeline, one line per fact, its columns aligned to the longest
 * actor and kind shown:
 * ```
 *   +0.100s  Hello#1  invoke.started  req 669e4048 (cold, attempt 1)
 * ```
 * A mapping's scaling at one instant is one line with the net change and its reasons (a scale-up
 * undone at the same millisecond is no line at all), and a wrapped error shows its causes.
 *
 * @example
 * ```ts
 * console.log(formatTimeline(result.trace, { compactCalls: true, maxLines: 40 }));
 * ```
 */
export function formatTimeline(trace: readonly TraceEvent[], options: TimelineOptions = {}): string {
  const fromMs = options.fromMs ?? 0;
  const maxLines = options.maxLines ?? 400;
  const rows: Row[] = [];
  let skipped = 0;
  /** Calls answered from a stored idempotency key: their landing made no effect. */
  const replayed = new Set<number>();
  const logs = options.logs ?? [];
  let nextLog = 0;
  /** Adds the log lines written before trace entry `index` (all of them for `Infinity`). */
  const logsBefore = (index: number) => {
    for (; nextLog < logs.length && logs[nextLog]!.traceIndex <= index; nextLog++) {
      const line = logs[nextLog]!;
      if (line.atMs < fromMs) continue;
      if (rows.length >= maxLines) {
        skipped++;
        continue;
      }
      rows.push({
        atMs: line.atMs,
        who: line.env,
        kind: `log.${line.level}`,
        what: `req ${short(line.requestId)}: ${line.message.replaceAll('\n', ' ⏎ ')}`,
      });
    }
  };
  const scaled = scalingPerInstant(trace);
  for (let index = 0; index < trace.length; index++) {
    const ev = trace[index]!;
    logsBefore(index);
    if (ev.kind === 'call.replayed') replayed.add(ev.callId);
    if (ev.atMs < fromMs) continue;
    if (options.compactCalls && (ev.kind === 'call.sent' || ev.kind === 'call.returned')) continue;
    let described: [string, string] | undefined;
    if (ev.kind === 'mapping.scaled') {
      const group = scaled.get(ev);
      if (group === undefined) continue; // coalesced into the first of its instant, or undone
      described = [ev.mapping, group];
    }
    if (rows.length >= maxLines) {
      skipped++;
      continue;
    }
    const [who, what] = described ?? describeEvent(ev, replayed, options.senderIds === true);
    rows.push({ atMs: ev.atMs, who, kind: ev.kind, what });
  }
  logsBefore(Number.POSITIVE_INFINITY);
  const whoWidth = Math.max(0, ...rows.map((r) => r.who.length));
  const kindWidth = Math.max(0, ...rows.map((r) => r.kind.length));
  const lines = rows.map((r) =>
    `${formatTime(r.atMs).padStart(10)}  ${r.who.padEnd(whoWidth)}  ${r.kind.padEnd(kindWidth)}  ${r.what}`.trimEnd(),
  );
  if (skipped > 0) lines.push(`  … ${skipped} more events`);
  return lines.join('\n');
}

/**
 * The `mapping.scaled` facts worth a line: the first of each mapping and instant, with the net
 * change over that instant (`5 → 1 (functionError, throttle)`); the others, and an instant whose
 * changes cancel out (`5 → 10 → 5`), are absent.
 */
function scalingPerInstant(trace: readonly TraceEvent[]): Map<ScaledEvent, string> {
  const groups = new Map<string, ScaledEvent[]>();
  for (const ev of trace) {
    if (ev.kind !== 'mapping.scaled') continue;
    const key = `${ev.atMs} ${ev.mapping}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [ev]);
    else group.push(ev);
  }
  const shown = new Map<ScaledEvent, string>();
  for (const group of groups.values()) {
    const first = group[0]!;
    const last = group[group.length - 1]!;
    if (first.from === last.to) continue;
    const whys = [...new Set(group.map((e) => e.why))].join(', ');
    shown.set(first, `concurrency ${first.from} → ${last.to} (${whys})`);
  }
  return shown;
}

/** `+1.250s`, or `+2m03.500s` past a minute, `+1h02m03.000s` past an hour. */
export function formatTime(atMs: number): string {
  const ms = atMs % 1000;
  const totalS = Math.floor(atMs / 1000);
  const s = totalS % 60;
  const m = Math.floor(totalS / 60) % 60;
  const h = Math.floor(totalS / 3600);
  const frac = `${String(s).padStart(h > 0 || m > 0 ? 2 : 1, '0')}.${String(ms).padStart(3, '0')}s`;
  if (h > 0) return `+${h}h${String(m).padStart(2, '0')}m${frac}`;
  if (m > 0) return `+${m}m${frac}`;
  return `+${frac}`;
}

function short(id: string | undefined): string {
  return id === undefined ? '-' : id.slice(0, 8);
}

/** `shardId-000000000001` or, with several lanes, `shardId-000000000001/2`. */
function lane(ev: { readonly shardId: string; readonly lane: number }): string {
  return ev.lane === 0 ? ev.shardId : `${ev.shardId}/${ev.lane}`;
}

/** `Type`, or for a wrapped error `Type: message caused by Type: message …`. */
function errorText(ev: Extract<TraceEvent, { kind: 'invoke.failed' }>): string {
  if (ev.causes === undefined || ev.causes.length === 0) return ev.errorType;
  const head =
    ev.message === undefined || ev.message === '' ? ev.errorType : `${ev.errorType}: ${ev.message}`;
  return [head, ...ev.causes].join(' caused by ');
}

/** Why a call never arrived, in words. */
const LOST_REASONS: Readonly<Record<Extract<TraceEvent, { kind: 'call.lost' }>['reason'], string>> = {
  callerDied: 'caller died',
  injectedTimeout: 'injected timeout',
  suspendedCallerGone: 'suspended in a frozen environment that was reclaimed',
};

/**
 * @internal [who, details] of one event, as the text timeline prints them (the HTML timeline
 * shows the same words). `replayed`: the calls answered from a stored idempotency key;
 * `senderIds`: whether to show the SenderId of each message sent to SQS.
 */
export function describeEvent(
  ev: TraceEvent,
  replayed: ReadonlySet<number>,
  senderIds: boolean,
): [string, string] {
  switch (ev.kind) {
    case 'request.received':
      return [ev.fn, `req ${short(ev.requestId)} via ${ev.via}, ${ev.bytes} B`];
    case 'request.rejected':
      return [ev.fn, `req ${short(ev.requestId)} → ${ev.statusCode} ${ev.errorType}`];
    case 'request.completed':
      return [
        ev.fn,
        `req ${short(ev.requestId)} → ${ev.statusCode}${ev.functionError ? ` (${ev.functionError})` : ''}`,
      ];
    case 'request.clientTimedOut':
      return [
        ev.fn,
        `req ${short(ev.requestId)}: caller gave up after ${ev.afterMs} ms (function keeps running)`,
      ];
    case 'invoke.throttled':
      return [ev.fn, `req ${short(ev.requestId)}: 429 ${ev.reason}`];
    case 'env.created':
      return [ev.env, ev.provisioned ? 'provisioned environment' : 'new environment'];
    case 'env.initStarted':
      return [ev.env, ev.budgetMs > 0 ? `Init (limit ${ev.budgetMs} ms)` : 'Init'];
    case 'env.initFinished':
      return [ev.env, ''];
    case 'env.initAborted':
      return [ev.env, 'Init exceeded 10 s: re-run inside the invoke'];
    case 'env.initFailed':
      return [ev.env, ev.errorType];
    case 'invoke.started':
      return [ev.env, `req ${short(ev.requestId)} (${ev.cold ? 'cold' : 'warm'}, attempt ${ev.attempt})`];
    case 'invoke.succeeded':
      return [ev.env, `req ${short(ev.requestId)}, ${ev.bytes} B`];
    case 'invoke.failed':
      return [ev.env, `req ${short(ev.requestId)}: ${errorText(ev)} (${ev.cause})`];
    case 'env.frozen':
      return [ev.env, `${ev.pendingWork} pending item(s) frozen until next invoke`];
    case 'env.thawed':
      return [ev.env, `${ev.resumed} pending item(s) resume`];
    case 'env.reset':
      return [ev.env, `reset after ${ev.reason}: module state and pending work discarded`];
    case 'env.reclaimed':
      return [ev.env, `idle since ${formatTime(ev.idleSinceMs)}`];
    case 'call.sent':
      return [
        ev.by,
        `#${ev.callId} ${ev.service}.${ev.op}${ev.requestId ? ` for req ${short(ev.requestId)}` : ''}`,
      ];
    case 'call.landed':
      if (replayed.has(ev.callId))
        return [ev.service, `#${ev.callId} ${ev.op} answered from its key, no effect`];
      return [ev.service, `#${ev.callId} ${ev.op} ${ev.ok ? 'applied' : 'failed'}`];
    case 'call.lost':
      return [ev.service, `#${ev.callId} ${ev.op} never arrived (${LOST_REASONS[ev.reason]})`];
    case 'call.suspended':
      return [
        ev.env,
        `#${ev.callId} ${ev.service}.${ev.op} not sent before the freeze: suspended until the next invoke`,
      ];
    case 'call.dropped':
      return [ev.by, `${ev.service}.${ev.op} from a dead environment: never sent`];
    case 'call.returned':
      return [ev.service, `#${ev.callId} ${ev.op} → ${ev.ok ? 'ok' : 'error'}`];
    case 'call.replayed':
      return [
        ev.service,
        `#${ev.callId} ${ev.op} key ${JSON.stringify(ev.key.length > 40 ? `${ev.key.slice(0, 37)}...` : ev.key)} seen before: #${ev.replayOf}'s ${ev.ok ? 'response' : 'error'} again, no new effect`,
      ];
    case 'caller.started':
      return [ev.caller, ''];
    case 'caller.finished':
      return [ev.caller, ev.ok ? 'done' : 'threw'];
    case 'frontDoor.responded':
      return [
        ev.door,
        `${ev.requestId ? `req ${short(ev.requestId)} ` : ''}→ ${ev.statusCode} (${ev.cause})`,
      ];
    case 'fault.injected':
      return [ev.target, `FAULT ${ev.fault} (${ev.point} #${ev.at})`];
    case 'determinism.violated':
      return [
        ev.by,
        ev.resource.startsWith('global ')
          ? `replaced ${ev.resource} (put back)`
          : `real ${ev.resource} escaped virtual time`,
      ];
    case 'async.accepted':
      return [
        ev.fn,
        `req ${short(ev.requestId)} queued (202) from ${ev.source}${ev.duplicate ? ', duplicate delivery' : ''}${ev.retryOf === undefined ? '' : `, producer retry of req ${short(ev.retryOf)}`}`,
      ];
    case 'async.rejected':
      return [ev.fn, `req ${short(ev.requestId)} → ${ev.statusCode} ${ev.errorType}`];
    case 'async.throttled':
      return [
        ev.fn,
        `req ${short(ev.requestId)}: 429 ${ev.reason}, back to the queue until ${formatTime(ev.retryAtMs)}`,
      ];
    case 'async.retryScheduled':
      return [ev.fn, `req ${short(ev.requestId)}: attempt ${ev.attempt} at ${formatTime(ev.retryAtMs)}`];
    case 'async.succeeded':
      return [ev.fn, `req ${short(ev.requestId)} after ${ev.attempts} attempt(s)`];
    case 'async.discarded':
      return [ev.fn, `req ${short(ev.requestId)}: ${ev.condition} after ${ev.attempts} attempt(s)`];
    case 'async.dropped':
      return [ev.fn, `req ${short(ev.requestId)} deleted from the queue without being sent`];
    case 'destination.delivered':
      return [ev.fn, `req ${short(ev.requestId)} ${ev.role} → ${ev.target} (msg ${short(ev.messageId)})`];
    case 'destination.failed':
      return [ev.fn, `req ${short(ev.requestId)} ${ev.role} → ${ev.target} FAILED: ${ev.reason}`];
    case 'sns.published':
      return [ev.topic, `msg ${short(ev.messageId)} to ${ev.subscribers} subscription(s)`];
    case 'schedule.fired':
      return [ev.schedule, `→ ${ev.fn} req ${short(ev.requestId)}`];
    case 'sqs.sent':
      return [
        ev.queue,
        `msg ${short(ev.messageId)}${ev.bytes === undefined || senderIds ? ` from ${ev.by}` : ''}${ev.bytes === undefined ? '' : `, ${ev.bytes} B`}${ev.delayS ? `, delay ${ev.delayS} s` : ''}${ev.messageGroupId === undefined ? '' : `, group ${ev.messageGroupId}`}${ev.retryOf === undefined ? '' : `, producer retry of msg ${short(ev.retryOf)}`}`,
      ];
    case 'sqs.deduplicated':
      return [
        ev.queue,
        `duplicate of msg ${short(ev.messageId)} (dedup id ${ev.deduplicationId.slice(0, 16)}) dropped`,
      ];
    case 'sqs.received':
      return [ev.queue, `msg ${short(ev.messageId)} (receive ${ev.receiveCount})`];
    case 'sqs.reappeared':
      return [ev.queue, `msg ${short(ev.messageId)} visible again after ${ev.receiveCount} receive(s)`];
    case 'sqs.deleted':
      return [ev.queue, `msg ${short(ev.messageId)}`];
    case 'sqs.filtered':
      return [ev.queue, `msg ${short(ev.messageId)} did not match the filters: deleted`];
    case 'sqs.deadLettered':
      return [
        ev.queue,
        `msg ${short(ev.messageId)} → ${ev.deadLetterQueue} after ${ev.receiveCount} receives`,
      ];
    case 'sqs.expired':
      return [ev.queue, `msg ${short(ev.messageId)} past retention: deleted by SQS`];
    case 'batch.invoked':
      return [ev.mapping, `req ${short(ev.requestId)} with ${ev.messageIds.length} message(s)`];
    case 'batch.succeeded':
      return [ev.mapping, `req ${short(ev.requestId)}: ${ev.deleted} deleted`];
    case 'batch.partiallyFailed':
      return [
        ev.mapping,
        `req ${short(ev.requestId)}: ${ev.deleted} deleted, ${ev.failedIds.length} reported failed (${ev.failedIds.map(short).join(' ')})`,
      ];
    case 'batch.failed':
      return [ev.mapping, `req ${short(ev.requestId)}: whole batch failed (${ev.reason}: ${ev.detail})`];
    case 'batch.throttled':
      return [
        ev.mapping,
        `429 ${ev.reason}: ${ev.retryAtMs === undefined ? 'gave up, messages reappear after their visibility timeout' : `retry at ${formatTime(ev.retryAtMs)}`}`,
      ];
    case 'batch.emptied':
      return [
        ev.mapping,
        `batch of ${ev.messageIds.length} message(s) not invoked: each was deleted or received again since (${ev.messageIds.map(short).join(' ')})`,
      ];
    case 'mapping.scaled':
      return [ev.mapping, `concurrency ${ev.from} → ${ev.to} (${ev.why})`]; // shown via scalingPerInstant
    case 'kinesis.put':
      return [
        ev.stream,
        `${ev.shardId} seq …${ev.sequenceNumber.slice(-6)} key ${JSON.stringify(ev.partitionKey)} from ${ev.by}, ${ev.bytes} B`,
      ];
    case 'dynamodb.streamRecord':
      return [
        ev.table,
        `stream ${ev.eventName} ${ev.keys} …${ev.sequenceNumber.slice(-6)}${ev.by === 'ttl' ? ' (TTL deletion by the service)' : ''}`,
      ];
    case 'stream.batchInvoked':
      if (ev.windowInvoke !== undefined)
        return [
          ev.mapping,
          `${lane(ev)} req ${short(ev.requestId)} ${ev.windowInvoke === 'final' ? 'FINAL invoke for window' : 'TERMINATED-EARLY invoke for window (state over 1 MB)'}, no records (attempt ${ev.attempt})`,
        ];
      return [
        ev.mapping,
        `${lane(ev)} req ${short(ev.requestId)} with ${ev.sequenceNumbers.length} record(s) …${ev.sequenceNumbers[0]?.slice(-6) ?? ''}–…${ev.sequenceNumbers.at(-1)?.slice(-6) ?? ''} (attempt ${ev.attempt})`,
      ];
    case 'stream.batchSucceeded':
      return [ev.mapping, `${ev.shardId} req ${short(ev.requestId)} succeeded`];
    case 'stream.batchFailed':
      return [
        ev.mapping,
        `${ev.shardId} req ${short(ev.requestId)}: whole batch failed (${ev.reason}: ${ev.detail})`,
      ];
    case 'stream.batchPartiallyFailed':
      return [
        ev.mapping,
        `${ev.shardId} req ${short(ev.requestId)}: ${ev.done} done, ${ev.retried} retried from …${ev.failedFrom.slice(-6)}`,
      ];
    case 'stream.batchThrottled':
      return [
        ev.mapping,
        `${ev.shardId} 429 ${ev.reason}: retry at ${formatTime(ev.retryAtMs)} (not counted)`,
      ];
    case 'stream.retryScheduled':
      return [ev.mapping, `${lane(ev)} retry ${ev.retry} at ${formatTime(ev.retryAtMs)}`];
    case 'stream.batchBisected':
      return [ev.mapping, `${lane(ev)} batch split into ${ev.first} + ${ev.second} record(s)`];
    case 'stream.checkpointed':
      return [ev.mapping, `${lane(ev)} checkpoint …${ev.sequenceNumber.slice(-6)}`];
    case 'stream.shardBlocked':
      return [ev.mapping, `${lane(ev)} BLOCKED (${ev.why}): no later record until this batch ends`];
    case 'stream.shardUnblocked':
      return [
        ev.mapping,
        `${lane(ev)} unblocked (${ev.how}) after ${formatTime(ev.atMs - ev.blockedSinceMs).slice(1)}`,
      ];
    case 'stream.recordsDiscarded':
      return [
        ev.mapping,
        `${ev.shardId} ${ev.count} record(s) given up: ${ev.condition} after ${ev.approximateInvokeCount} invoke(s) → ${ev.target === undefined ? 'no on-failure destination' : `${ev.target}${ev.delivered ? '' : ' (REFUSED)'}`}`,
      ];
    case 'stream.windowOpened':
      return [ev.mapping, `${lane(ev)} window ${ev.start}–${ev.end} opened, state {}`];
    case 'stream.windowClosed':
      return [
        ev.mapping,
        `${lane(ev)} window ${ev.start}–${ev.end} closed (${ev.how}), state of ${ev.stateBytes} B dropped`,
      ];
    case 'stream.recordsSkipped':
      return [
        ev.mapping,
        `${ev.shardId} ${ev.count} record(s) ${ev.why === 'filtered' ? 'did not match the filters' : 'past retention, gone'}: skipped`,
      ];
    default: {
      const never: never = ev;
      return ['?', JSON.stringify(never)];
    }
  }
}
