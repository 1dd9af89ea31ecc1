/**
 * An error the simulated SQS API answers with, as the AWS SDK surfaces it: `code` is the
 * error code (`InvalidParameterValue`, `AWS.SimpleQueueService.TooManyEntriesInBatchRequest`, …)
 * and `message` AWS's text. A handler's `queue.send` promise rejects with it; it is data about
 * the call, not a simulator failure.
 *
 * @example
 * ```ts
 * await queue.send('x'.repeat(2_000_000)).catch((e: SqsError) => e.code); // 'InvalidParameterValue'
 * ```
 */
export class SqsError extends Error {
  override readonly name = 'SqsError';
  constructor(
    /** The SQS error code. */
    readonly code: string,
    message: string,
    /** True for a client error (HTTP 400), as in `SenderFault` of a batch result entry. */
    readonly senderFault = true,
  ) {
    super(message);
  }
}
