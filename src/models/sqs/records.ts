import { createHash } from 'node:crypto';
import type { DeliveredAttribute } from '../DeliveryTarget.js';

/** The MD5 of a message body, as `md5OfBody` shows it (hex). */
export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/**
 * `md5OfMessageAttributes` as SQS computes it: attributes sorted by name, each encoded as
 * length-prefixed name, length-prefixed data type, a transport byte (1 string, 2 binary) and
 * the length-prefixed value (binary values decoded from base64).
 */
export function md5OfAttributes(attributes: Readonly<Record<string, DeliveredAttribute>>): string {
  const hash = createHash('md5');
  const names = Object.keys(attributes).sort();
  for (const name of names) {
    const a = attributes[name]!;
    putString(hash, name);
    putString(hash, a.dataType);
    if (a.dataType === 'Binary') {
      hash.update(Uint8Array.of(2));
      putBytes(hash, Buffer.from(a.stringValue, 'base64'));
    } else {
      hash.update(Uint8Array.of(1));
      putString(hash, a.stringValue);
    }
  }
  return hash.digest('hex');
}

function putString(hash: ReturnType<typeof createHash>, s: string): void {
  putBytes(hash, Buffer.from(s, 'utf8'));
}

function putBytes(hash: ReturnType<typeof createHash>, bytes: Buffer): void {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length, 0);
  hash.update(len);
  hash.update(bytes);
}

/** The `messageAttributes` object of an SQS event record, as JSON text. */
export function messageAttributesJson(attributes: Readonly<Record<string, DeliveredAttribute>>): string {
  const out: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(attributes)) {
    out[name] =
      a.dataType === 'Binary'
        ? { binaryValue: a.stringValue, stringListValues: [], binaryListValues: [], dataType: a.dataType }
        : { stringValue: a.stringValue, stringListValues: [], binaryListValues: [], dataType: a.dataType };
  }
  return JSON.stringify(out);
}

/** Bytes SQS counts for message attributes: names, data types and values. */
export function attributesBytes(attributes: Readonly<Record<string, DeliveredAttribute>>): number {
  let bytes = 0;
  for (const [name, a] of Object.entries(attributes))
    bytes +=
      Buffer.byteLength(name, 'utf8') +
      Buffer.byteLength(a.dataType, 'utf8') +
      (a.dataType === 'Binary'
        ? Buffer.from(a.stringValue, 'base64').length
        : Buffer.byteLength(a.stringValue, 'utf8'));
  return bytes;
}
