import type { AsyncEventRecord, DeliveryRecord } from '../../models/async/AsyncModel.js';
import { unreachable } from '../../sim/invariant.js';
import type { InputModelDescriptor, LostData } from './InputModelDescriptor.js';

/**
 * An async event succeeds, or is discarded with its record delivered to an on-failure destination
 * or dead-letter queue; discarded with neither configured, or with every delivery refused, is
 * lost; dropped by AWS before any attempt is lost; `rejected` at invoke (the caller got the
 * error) is terminal.
 */
function asyncProblem(e: AsyncEventRecord, requireFinished: boolean): LostData | undefined {
  const base = {
    check: 'noLostEvents',
    model: 'async',
    input: e.requestId,
    where: e.fn,
    state: e.state,
    condition: undefined,
    failureDelivery: undefined,
    deliveryErrors: [],
  } as const;
  switch (e.state) {
    case 'succeeded':
    case 'rejected':
      return undefined;
    case 'queued':
    case 'inFlight':
      return requireFinished ? { ...base, kind: 'unfinished' } : undefined;
    case 'dropped':
      return { ...base, kind: 'lost' };
    case 'discarded': {
      const deliveries = [e.destination, e.deadLetter].filter(
        (d): d is DeliveryRecord => d !== undefined && d.role !== 'onSuccess',
      );
      if (deliveries.some((d) => d.result.ok)) return undefined;
      return {
        ...base,
        kind: 'lost',
        condition: e.condition,
        failureDelivery: deliveries.length === 0 ? 'notConfigured' : 'failed',
        deliveryErrors: deliveries.map((d) => `${d.target}: ${d.result.ok ? 'ok' : d.result.reason}`),
      };
    }
    default:
      return unreachable(e.state, 'async event state');
  }
}

/** Async events, accounted from their delivery records (what each destination said). */
export const asyncInputs: InputModelDescriptor = {
  models: ['async'],
  named: (id, where) => `async event ${id} to ${where}`,
  acknowledged: (input) =>
    `succeeded${input.state === 'sentToDestination' ? ' (its record went to the on-success destination)' : ''}`,
  problems: (result, requireFinished) =>
    result.asyncEvents.flatMap((e) => asyncProblem(e, requireFinished) ?? []),
  lost(v) {
    if (v.kind === 'unfinished')
      return `async event ${v.input} to ${v.where} was still ${v.state} when the run ended (unfinished; every event must succeed or be discarded to a destination). Let the run reach quiescence (retries come 1 and 2 minutes after a failure), or look for throttling that never clears.`;
    if (v.state === 'dropped')
      return `async event ${v.input} to ${v.where} was dropped before any attempt (lost). AWS may drop asynchronous events: for inputs you cannot lose, send them through SQS or invoke synchronously, or reconcile from the source.`;
    if (v.failureDelivery === 'failed')
      return `async event ${v.input} to ${v.where} was discarded (${v.condition ?? 'unknown condition'}) and its record could not be delivered: ${v.deliveryErrors.join('; ')} (lost). Fix the on-failure destination / DLQ (e.g. a standard queue, not FIFO) so discarded events can be replayed.`;
    return `async event ${v.input} to ${v.where} was discarded (${v.condition ?? 'unknown condition'}) with no on-failure destination or dead-letter queue (lost). Configure one so discarded events are kept and can be replayed.`;
  },
  retry: {
    tooManyAttempts: (input, v, at) =>
      `${input} ran ${v.attempts} attempts, the last at ${at} (at most ${v.limit ?? '?'}: maximumRetryAttempts + 1 per delivery).`,
  },
};
