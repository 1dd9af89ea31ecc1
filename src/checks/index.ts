import { atLeastOnce } from './atLeastOnce.js';
import { exactlyOnce } from './exactlyOnce.js';
import { honestBatchResponses } from './honestBatchResponses.js';
import { noLostEvents } from './noLostEvents.js';
import { noRepeatAfterSuccess } from './noRepeatAfterSuccess.js';
import { orderedPerKey } from './orderedPerKey.js';
import { retryPolicyHonored } from './retryPolicyHonored.js';
import { sameAsFaultFree } from './sameAsFaultFree.js';

/**
 * The registry of checks. Each returns its violations as data (`Violation[]`, empty when the
 * invariant holds; `sameAsFaultFree` a promise of them); turn them into a failure with
 * {@link assertNoViolations} or words with {@link formatViolations}.
 *
 * Safety checks (`exactlyOnce`, `noRepeatAfterSuccess`, `honestBatchResponses`, `orderedPerKey`, `retryPolicyHonored`, `sameAsFaultFree`) hold on
 * the faulty run; liveness checks (`atLeastOnce`, `noLostEvents`) need a run that ended quiescent
 * after its faults (nothing left to retry).
 *
 * @example
 * ```ts
 * const result = await sim.run();
 * assertNoViolations([
 *   ...checks.exactlyOnce(result.effects('payments'), (e) => (e.args as { orderId: string }).orderId),
 *   ...checks.noLostEvents(result),
 *   ...checks.retryPolicyHonored(result),
 * ]);
 * ```
 */
export const checks = {
  exactlyOnce,
  noRepeatAfterSuccess,
  honestBatchResponses,
  atLeastOnce,
  noLostEvents,
  orderedPerKey,
  retryPolicyHonored,
  sameAsFaultFree,
} as const;

export type { AtLeastOnceOptions } from './atLeastOnce.js';
export { assertNoViolations, CheckFailedError } from './assertNoViolations.js';
export type { CheckedResult } from './CheckedResult.js';
export type { EffectKeyOf, EffectLabelOptions } from './effectKeys.js';
export type { ExactlyOnceOptions, InputKeyOf } from './exactlyOnce.js';
export type { BatchResponsesResult, HonestBatchResponsesOptions } from './honestBatchResponses.js';
export type { AttemptRef } from './ledgerAttempts.js';
export type { NoRepeatAfterSuccessOptions } from './noRepeatAfterSuccess.js';
export { formatViolation, formatViolations } from './formatViolation.js';
export { customViolation } from './Violation.js';
export type { NoLostEventsOptions } from './noLostEvents.js';
export type { RetryPolicyOptions } from './retryPolicyHonored.js';
export type { RerunnableResult, SameAsFaultFreeOptions } from './sameAsFaultFree.js';
export type {
  AtLeastOnceViolation,
  CustomViolation,
  CheckName,
  ExactlyOnceViolation,
  HonestBatchResponsesViolation,
  InputModel,
  InputNotCompletedViolation,
  NoLostEventsViolation,
  NoRepeatAfterSuccessViolation,
  OrderedPerKeyViolation,
  RetryPolicyViolation,
  SameAsFaultFreeStateViolation,
  SameAsFaultFreeViolation,
  Violation,
  ViolationData,
} from './Violation.js';
export {
  atLeastOnce,
  exactlyOnce,
  honestBatchResponses,
  noLostEvents,
  noRepeatAfterSuccess,
  orderedPerKey,
  retryPolicyHonored,
  sameAsFaultFree,
};
