/**
 * The payment provider's client the Powertools and Middy examples share: a `fetch` to
 * `https://payments.example/charges`, as a production handler would make it. Stateless, so it may
 * be shared by every execution environment (`handlerModule` loads only the handler module afresh
 * per environment; the modules it imports, like this one, are loaded once).
 */

/** An order to charge. `amountCents <= 0` is an order the batch examples refuse. */
export interface Order {
  readonly orderId: string;
  readonly amountCents: number;
}

/** What a charge returns. */
export interface Receipt {
  readonly orderId: string;
  readonly chargeId: string;
}

/** Options of {@link charge}. */
export interface ChargeOptions {
  /** Sent as the `Idempotency-Key` header: the provider answers a repeated key with the first charge. */
  readonly idempotencyKey?: string;
  /** Sent in the body: which record (an SQS message id) made the charge. */
  readonly reference?: string;
  /** Aborts the request (Middy passes one to the handler). */
  readonly signal?: AbortSignal;
}

/** Charges `order`; throws on a non-2xx answer. */
export async function charge(order: Order, options: ChargeOptions = {}): Promise<Receipt> {
  const response = await fetch('https://payments.example/charges', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey }),
    },
    body: JSON.stringify({
      orderId: order.orderId,
      amountCents: order.amountCents,
      reference: options.reference,
    }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (!response.ok) throw new Error(`charge ${order.orderId} failed: HTTP ${response.status}`);
  const { id } = (await response.json()) as { id: string };
  return { orderId: order.orderId, chargeId: id };
}
