import type { SimHttpResponse } from './protocol.js';

/**
 * A request user code made inside a simulation that nothing simulated answers: an AWS service or
 * command lambdasim does not simulate, a table or queue the simulation lacks, a host with no
 * `sim.api`. The request fails at once (nothing reaches the network) and the run records a
 * determinism error naming the line that made it.
 *
 * @example
 * ```ts
 * // in a handler: await sqs.send(new SendMessageCommand({ QueueUrl: '…/orders', MessageBody: 'x' }))
 * // UnroutedRequestError: SQS SendMessage on queue "orders": no queue "orders" in this simulation (queues: payments)
 * ```
 */
export class UnroutedRequestError extends Error {
  override readonly name = 'UnroutedRequestError';

  constructor(
    message: string,
    /**
     * The answer in the service's own shape, when the service has one for a missing resource
     * (S3's `NoSuchBucket`): the client gets it instead of a transport failure, and the run still
     * records the determinism error.
     */
    readonly response?: SimHttpResponse,
  ) {
    super(message);
  }
}
