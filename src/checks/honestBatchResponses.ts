import type { Effect } from '../services/ExternalApi.js';
import type { SimulationResult } from '../Simulation.js';
import { type EffectKeyOf, type EffectLabelOptions, groupEffects } from './effectKeys.js';
import type { InputKeyOf } from './exactlyOnce.js';
import { withMessage } from './formatViolation.js';
import { inputModel } from './inputModels/registry.js';
import { attemptsOf, bodyOf, effectsByKey, keysByCall, requireInputKey } from './ledgerAttempts.js';
import type { HonestBatchResponsesViolation } from './Violation.js';

/** What {@link honestBatchResponses} reads from a run: the ledger and the SQS messages (their groups). */
export type BatchResponsesResult = Pick<SimulationResult, 'inputs' | 'messages'>;

/** Options of {@link honestBatchResponses}. */
export interface HonestBatchResponsesOptions extends EffectLabelOptions {
  /**
   * The key a message's effect carries, from its body (parsed from JSON when it is JSON):
   * it ties each record of a batch to its own effect. `undefined`: the message expects no
   * effect, and only the FIFO group rule applies to it.
   */
  readonly inputKey: InputKeyOf;
}

/**
 * Honest partial-batch responses (SQS with `reportBatchItemFailures`): a record is reported as a
 * batch item failure only if its own processing failed, or, on a FIFO queue, an earlier record of
 * its message group in the same batch was reported. On FIFO, Lambda deletes exactly the records
 * not reported, even when that breaks group order (spec R-SQS-10); so the function must stop at
 * a group's first failure and report it and the rest of the group (AWS Lambda developer guide,
 * "Handling errors for an SQS event source in Lambda",
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html, and FIFO
 * delivery logic, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html;
 * Powertools' SqsFifoPartialProcessor does this). Whether a record's processing succeeded is read from its effect: the record
 * succeeded when its key's effect landed (made by this invocation, or earlier), failed when not.
 * For each invocation that returned (every batch whose messages were deleted, in whole or in part):
 * - `failedAfterEffect`: reported as a failure although this invocation made its effect; SQS
 *   redelivers it and the effect repeats (a handler that reports every record when one fails,
 *   or the id of another record);
 * - `deletedWithoutEffect`: not reported (so deleted) although its effect never landed: lost (a
 *   handler that swallows a record's error and reports nothing, or the wrong id);
 * - `groupNotStopped` (FIFO): not reported although an earlier record of its group in the
 *   batch was: deleted out of order, or lost.
 *
 * What it cannot see: a record whose processing fails after its effect (a later step failing, a
 * client-side timeout after the call landed) is honest to report, but its redelivery repeats the
 * effect; it counts as `failedAfterEffect` unless every effect of it carried an idempotency key
 * the API honours (the repeat is a replay) or a `callTimeout` fault on that service hit the
 * invocation (lambdasim cannot tell which record it hit). Pick as `keyOf` the effect that
 * completes a record. A batch that failed as a whole (a throw, a malformed response) deletes
 * nothing and is not checked here: use `exactlyOnce` and `noLostEvents` for what follows.
 *
 * @example
 * ```ts
 * checks.honestBatchResponses(result, result.effects('payments'), (e) => (e.args as Order).orderId, {
 *   inputKey: (body) => (body as Order).orderId,
 * });
 * ```
 */
export function honestBatchResponses(
  result: BatchResponsesResult,
  effects: readonly Effect[],
  keyOf: EffectKeyOf,
  options: HonestBatchResponsesOptions,
): HonestBatchResponsesViolation[] {
  requireInputKey('honestBatchResponses', options?.inputKey, true);
  const { inputKey } = options;
  const { service, op } = groupEffects(effects, keyOf, options);
  const keys = keysByCall(effects, keyOf);
  const services = new Set(effects.map((e) => e.service));
  const firstLanded = new Map<string, number>();
  for (const effect of effects) {
    const key = keys.get(effect.callId);
    if (key !== undefined && effect.atMs < (firstLanded.get(key) ?? Number.POSITIVE_INFINITY))
      firstLanded.set(key, effect.atMs);
  }
  const fifoGroup = new Map<string, string>();
  for (const m of result.messages)
    if (m.queue.endsWith('.fifo') && m.messageGroupId !== undefined)
      fifoGroup.set(m.messageId, m.messageGroupId);

  const out: HonestBatchResponsesViolation[] = [];
  for (const { attempt, inputs } of attemptsOf(
    result.inputs.filter((i) => inputModel(i.model).batchItemFailures === true),
  )) {
    const batch = attempt.batch;
    if (batch === undefined || attempt.outcome !== 'succeeded') continue;
    if (batch.outcome !== 'succeeded' && batch.outcome !== 'partiallyFailed') continue;
    const failed = new Set(batch.failedIds);
    const made = effectsByKey(attempt, keys);
    const timedOut = attempt.faults.some((f) => f.fault === 'callTimeout' && services.has(f.target));
    const failedGroups = new Map<string, string>();
    // Inputs of this batch not reported, per key: with the same key twice in a batch (a
    // producer's retry), the effect a kept one made is not the reported one's.
    const keptWithKey = new Map<string, number>();
    for (const input of inputs) {
      const key = inputKey(bodyOf(input), input);
      if (key !== undefined && !failed.has(input.id)) keptWithKey.set(key, (keptWithKey.get(key) ?? 0) + 1);
    }
    for (const input of inputs) {
      const key = inputKey(bodyOf(input), input);
      const here = key === undefined ? [] : (made.get(key) ?? []);
      const group = fifoGroup.get(input.id);
      const base = {
        check: 'honestBatchResponses',
        service,
        op,
        key,
        input,
        attempt,
        effects: here,
      } as const;
      const none = { group: undefined, earlierFailed: undefined } as const;
      if (failed.has(input.id)) {
        if (group !== undefined && !failedGroups.has(group)) failedGroups.set(group, input.id);
        const ownEffects = here.length - (key === undefined ? 0 : (keptWithKey.get(key) ?? 0));
        if (ownEffects > 0 && !timedOut && !here.every((e) => e.idempotencyKey !== undefined))
          out.push(withMessage({ ...base, ...none, kind: 'failedAfterEffect' }));
        continue;
      }
      const earlierFailed = group === undefined ? undefined : failedGroups.get(group);
      if (earlierFailed !== undefined) {
        out.push(withMessage({ ...base, kind: 'groupNotStopped', group, earlierFailed }));
        continue;
      }
      if (key === undefined || here.length > 0) continue;
      const landed = firstLanded.get(key);
      if (landed === undefined || attempt.endedAtMs < landed)
        out.push(withMessage({ ...base, ...none, kind: 'deletedWithoutEffect' }));
    }
  }
  return out;
}
