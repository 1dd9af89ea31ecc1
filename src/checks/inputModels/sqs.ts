import type { MessageRecord } from '../../models/sqs/SqsQueue.js';
import { unreachable } from '../../sim/invariant.js';
import type { InputModelDescriptor } from './InputModelDescriptor.js';

/**
 * An SQS message is deleted (after success), filtered, or dead-lettered (its copy on the DLQ is
 * terminal too); expired is lost. Only messages the ledger holds as waiting (queues something
 * consumed, DLQ copies left out) can be unfinished: a queue used as a destination is storage.
 */
function messageProblem(
  m: MessageRecord,
  waiting: ReadonlySet<string>,
  requireFinished: boolean,
): 'lost' | 'unfinished' | undefined {
  switch (m.status) {
    case 'deleted':
    case 'filtered':
    case 'deadLettered':
      return undefined;
    case 'expired':
      return 'lost';
    case 'visible':
    case 'inFlight':
    case 'delayed':
      // A DLQ's copy and a message on a queue nobody consumes are stored, not waiting for work.
      return requireFinished && waiting.has(m.messageId) ? 'unfinished' : undefined;
    default:
      return unreachable(m.status, 'SQS message status');
  }
}

/** SQS messages: which wait for work comes from the input ledger, how each ended from every queue. */
export const sqsInputs: InputModelDescriptor = {
  models: ['sqs'],
  named: (id, where) => `SQS message ${id} on ${where}`,
  acknowledged: () => 'was deleted after its processing succeeded',
  problems(result, requireFinished) {
    const waiting = new Set<string>();
    for (const input of result.inputs)
      if (sqsInputs.models.includes(input.model) && input.state === 'pending') waiting.add(input.id);
    return result.messages.flatMap((m) => {
      const kind = messageProblem(m, waiting, requireFinished);
      return kind === undefined
        ? []
        : [
            {
              check: 'noLostEvents',
              condition: undefined,
              failureDelivery: undefined,
              deliveryErrors: [],
              kind,
              model: 'sqs',
              input: m.messageId,
              where: m.queue,
              state: m.status,
            } as const,
          ];
    });
  },
  lost: (v) =>
    v.kind === 'lost'
      ? `SQS message ${v.input} on ${v.where} ended ${v.state} without being processed (lost). It stayed past the queue's retention period: give the queue a redrive policy (DLQ, maxReceiveCount) so failing messages leave it, and make sure the consumer keeps up.`
      : `SQS message ${v.input} on ${v.where} was still ${v.state} when the run ended (unfinished; every message must be deleted, filtered or dead-lettered). Let the run reach quiescence, or give the queue a redrive policy so a message that keeps failing ends in a DLQ.`,
  retry: {
    tooManyAttempts: (input, v, at) =>
      `${input} was invoked ${v.attempts} times at ${at} but delivered only ${v.limit ?? '?'} times (each invocation needs a receive).`,
    retriedAfterSuccess: (input, _v, at) =>
      `${input} was invoked again at ${at} after it had been deleted, without being delivered again (a deleted message is never redelivered).`,
  },
  bodyOf(input) {
    if (typeof input.body !== 'string') return input.body;
    try {
      return JSON.parse(input.body) as unknown;
    } catch {
      return input.body;
    }
  },
  batchItemFailures: true,
};
