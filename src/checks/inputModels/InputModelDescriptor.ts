import type { InputRecord } from '../../results/InputRecord.js';
import type { CheckedResult } from '../CheckedResult.js';
import type { InputModel, ViolationData } from '../Violation.js';

/** A noLostEvents finding before its message. */
export type LostData = Extract<ViolationData, { check: 'noLostEvents' }>;
/** A retryPolicyHonored finding before its message. */
export type RetryData = Extract<ViolationData, { check: 'retryPolicyHonored' }>;

/**
 * What the checks need to know about the inputs of one invocation model (the `model` of the
 * input ledger's records): how to name one, what acknowledging it means, where noLostEvents finds
 * the ones lost or unfinished and how it words them. One per model (Kinesis and DynamoDB Streams
 * records share one), listed in `registry.ts`; checks and their formatter look it up there and
 * never switch on the model's name.
 */
export interface InputModelDescriptor {
  /** The ledger models this descriptor speaks for. */
  readonly models: readonly InputModel[];
  /** `SQS message <id> on <where>`: an input as messages name it. */
  named(id: string, where: string): string;
  /** What made it acknowledged, after its name: `was deleted after its processing succeeded`. */
  acknowledged(input: InputRecord): string;
  /**
   * noLostEvents: this model's inputs that ended lost, or unfinished when `requireFinished`, in
   * the order the model records them.
   */
  problems(result: CheckedResult, requireFinished: boolean): LostData[];
  /** noLostEvents' words for one of them: what happened, the rule, the fix. */
  lost(v: LostData): string;
  /**
   * retryPolicyHonored's words for `tooManyAttempts` and `retriedAfterSuccess` (without the
   * closing note that this is Lambda's rule): `input` is the input's name, `at` the attempt's start.
   */
  retry?: {
    tooManyAttempts(input: string, v: RetryData, at: string): string;
    retriedAfterSuccess?(input: string, v: RetryData, at: string): string;
  };
  /** The body as handler code reads it (SQS: parsed from its JSON text when it is JSON). @defaultValue the ledger's body */
  bodyOf?(input: InputRecord): unknown;
  /** Its batches report item failures that honestBatchResponses compares with the effects. @defaultValue false */
  readonly batchItemFailures?: boolean;
}
