/**
 * The JSON text of a value a model stores as data (an SQS message body, a Kinesis record's data),
 * or undefined when it has none (`undefined`, a function, a symbol, a cycle, a BigInt): the
 * caller answers that with its service's own error.
 * @example
 * ```ts
 * jsonTextOf({ n: 1 }); // '{"n":1}'
 * jsonTextOf(() => 1); // undefined
 * ```
 */
export function jsonTextOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
