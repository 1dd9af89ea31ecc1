import { contentDigest } from '../sim/contentDigest.js';

/*
 * A payload as every invocation model takes it in: the JSON text Lambda receives, its size for
 * the payload limits, and its digest for the trace. Shared by the sync and async models (and
 * any model that invokes with a caller's payload).
 */

/** A payload as JSON text and its size, or why it is not JSON. */
export type EncodedPayload =
  | { readonly ok: true; readonly json: string; readonly bytes: number }
  | { readonly ok: false; readonly reason: string };

/**
 * The trace digest of an invocation's input: its payload JSON, plus the client context and
 * identity when given (rare, so they are serialised only then).
 */
export function payloadDigest(json: string, clientContext?: unknown, identity?: unknown): string {
  if (clientContext === undefined && identity === undefined) return contentDigest(json);
  return contentDigest(
    `${json}\n${JSON.stringify(clientContext ?? null)}\n${JSON.stringify(identity ?? null)}`,
  );
}

/** The payload as Lambda receives it: JSON text. `undefined` sends `{}` (no Payload). */
export function encodePayload(payload: unknown): EncodedPayload {
  if (payload === undefined) return { ok: true, json: '{}', bytes: 2 };
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (json === undefined) return { ok: false, reason: `a ${typeof payload} is not JSON` };
  return { ok: true, json, bytes: Buffer.byteLength(json, 'utf8') };
}
