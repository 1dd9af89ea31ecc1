import type { InvokeResponse } from '../../../src/index.js';

/** The handler's result from a sync invoke that must have succeeded (else the whole response, to read). */
export function payloadOf(response: InvokeResponse): unknown {
  if (response.kind !== 'ok') throw new Error(`invoke failed: ${JSON.stringify(response)}`);
  return JSON.parse(response.payload) as unknown;
}
