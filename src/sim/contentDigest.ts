import * as crypto from 'node:crypto';

/** Texts up to this many UTF-16 units are digested in JavaScript; longer ones by node:crypto. */
const SHORT_TEXT = 256;

/** `crypto.hash` (Node ≥ 20.12): a one-shot digest without a Hash object. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/**
 * A 64-bit digest of a content's canonical text (a payload's JSON, a response, call arguments),
 * as 16 hex digits: what a trace entry records where content enters the simulation, so that the
 * trace hash tells apart two runs that differ only in contents. Not cryptographic; the same text
 * gives the same digest in any process.
 *
 * Cost: short texts (the common case: an order, `{"ok":true}`) go through FNV-1a in two 32-bit
 * lanes (offset bases and primes of FNV-1a-32 and MurmurHash2), a few ns per character and no
 * allocation but the result; longer ones through SHA-1 in node:crypto, which wins past a few
 * hundred characters. The text must be one the model has already built (never serialise just
 * to digest).
 */
export function contentDigest(text: string): string {
  const n = text.length;
  if (n > SHORT_TEXT) {
    const hex =
      oneShot !== undefined
        ? oneShot('sha1', text, 'hex')
        : crypto.createHash('sha1').update(text).digest('hex');
    return hex.slice(0, 16);
  }
  let a = 0x811c9dc5 | 0;
  let b = 0x5bd1e995 | 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return hex16(a, b);
}

/** The char code of the hex digit of a nibble (0–15). */
const hexCode = (nibble: number): number => nibble + (nibble < 10 ? 48 : 87);

/**
 * The 16 hex digits of two 32-bit words, made in one step: concatenating two 8-digit halves
 * keeps both halves and a node joining them (about 90 bytes against 40, for as long as the trace
 * holds the digest), and takes several times longer.
 */
function hex16(a: number, b: number): string {
  return String.fromCharCode(
    hexCode(a >>> 28),
    hexCode((a >>> 24) & 15),
    hexCode((a >>> 20) & 15),
    hexCode((a >>> 16) & 15),
    hexCode((a >>> 12) & 15),
    hexCode((a >>> 8) & 15),
    hexCode((a >>> 4) & 15),
    hexCode(a & 15),
    hexCode(b >>> 28),
    hexCode((b >>> 24) & 15),
    hexCode((b >>> 20) & 15),
    hexCode((b >>> 16) & 15),
    hexCode((b >>> 12) & 15),
    hexCode((b >>> 8) & 15),
    hexCode((b >>> 4) & 15),
    hexCode(b & 15),
  );
}

/**
 * The text of a thrown value for a digest: `name: message` for an Error (never its stack, which
 * holds file paths), else its type and JSON (or string) form.
 */
export function thrownText(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    try {
      text = String(value);
    } catch {
      text = '';
    }
  }
  return `${typeof value} ${text}`;
}
