import type { LambdaFunction } from '../../lambda/LambdaFunction.js';
import type { DeliveredMessage, DeliveryResult, DeliveryTarget } from '../DeliveryTarget.js';
import type { AsyncModel } from './AsyncModel.js';

/**
 * A function as a delivery target: the message body (an invocation record, an SNS
 * notification) becomes the payload of an asynchronous invoke of the function. Refused like an
 * `Event` invoke is (payload over the limit).
 */
export class FunctionTarget implements DeliveryTarget {
  readonly targetKind = 'lambda' as const;
  readonly arn: string;

  /** @internal */
  constructor(
    private readonly model: AsyncModel,
    readonly fn: LambdaFunction,
  ) {
    this.arn = fn.config.arn;
  }

  accept(message: DeliveredMessage): DeliveryResult {
    const response = this.model.invokeJson(
      this.fn,
      message.body,
      Buffer.byteLength(message.body, 'utf8'),
      `destination:${message.source}`,
    );
    if (response.kind === 'accepted') return { ok: true, messageId: response.requestId };
    return { ok: false, reason: `${response.statusCode} ${response.error.code}: ${response.error.message}` };
  }
}
