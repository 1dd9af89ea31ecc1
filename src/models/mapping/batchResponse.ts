/**
 * How Lambda reads a batch's response, for SQS (R-SQS-3, R-SQS-5, R-SQS-6) and streams
 * (R-STREAM-9), keyed by `kind`:
 * - `success`: every item of the batch is done (SQS deletes them; a stream checkpoints past them);
 * - `partial`: every item except `failedIds` is done (a stream retries from the lowest of them);
 * - `invalid`: the whole batch failed, with the reason.
 */
export type BatchVerdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly failedIds: readonly string[] }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * Interprets the JSON text a handler returned for a batch whose item ids are `ids` (SQS message
 * ids, or stream sequence numbers; `idName` says which, for the reason text).
 * With `reportBatchItemFailures` off, any response is success (a returned list is ignored). On:
 * `null`, `""`, `{}`, a missing, `null` or empty `batchItemFailures` mean success; any other JSON
 * value that is not an object with `batchItemFailures` is success too (UNCONFIRMED beyond `{}`,
 * spec §10 item 15); a `batchItemFailures` that is not an array, or one entry whose
 * `itemIdentifier` is missing, not a non-empty string or not in the batch fails the whole batch.
 * Streams agree case for case: `""`, `[]`, `null`, `{}`, `{"batchItemFailures":[]}` and
 * `{"batchItemFailures":null}` succeed, an identifier `123` or one not in the batch fails it
 * (AWS-recorded, spec R-STREAM-9).
 */
export function interpretBatchResponse(
  payloadJson: string,
  ids: ReadonlySet<string>,
  reportBatchItemFailures: boolean,
  idName = 'messageId',
): BatchVerdict {
  if (!reportBatchItemFailures) return { kind: 'success' };
  let value: unknown;
  try {
    value = JSON.parse(payloadJson);
  } catch {
    return { kind: 'invalid', reason: 'the response is not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { kind: 'success' };
  const list = (value as Record<string, unknown>).batchItemFailures;
  if (list === undefined || list === null) return { kind: 'success' };
  if (!Array.isArray(list)) return { kind: 'invalid', reason: 'batchItemFailures is not an array' };
  if (list.length === 0) return { kind: 'success' };
  const failed = new Set<string>();
  for (const entry of list as unknown[]) {
    const id =
      entry !== null && typeof entry === 'object' && !Array.isArray(entry)
        ? (entry as Record<string, unknown>).itemIdentifier
        : undefined;
    if (typeof id !== 'string' || id === '')
      return {
        kind: 'invalid',
        reason: `batchItemFailures entry ${JSON.stringify(entry) ?? 'undefined'} has no itemIdentifier`,
      };
    if (!ids.has(id))
      return {
        kind: 'invalid',
        reason: `itemIdentifier ${JSON.stringify(id)} is not a ${idName} of the batch`,
      };
    failed.add(id);
  }
  return { kind: 'partial', failedIds: [...failed] };
}
