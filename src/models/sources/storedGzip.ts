/**
 * gzip with "stored" (uncompressed) deflate blocks, header mtime 0 and OS byte 255: the same
 * bytes for the same input in every Node.js and zlib version (zlib's compressed output is not
 * guaranteed to be stable across versions). Any gunzip reads it.
 */
export function storedGzip(data: Uint8Array): Buffer {
  const blocks = Math.max(1, Math.ceil(data.length / 0xffff));
  const out = Buffer.alloc(10 + data.length + blocks * 5 + 8);
  // header: magic, CM=8 (deflate), FLG=0, MTIME=0, XFL=0, OS=255 (unknown)
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255], 0);
  let o = 10;
  for (let b = 0; b < blocks; b++) {
    const start = b * 0xffff;
    const len = Math.min(0xffff, data.length - start);
    out[o++] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE=00 (stored)
    out.writeUInt16LE(len, o);
    out.writeUInt16LE(~len & 0xffff, o + 2);
    o += 4;
    out.set(data.subarray(start, start + len), o);
    o += len;
  }
  out.writeUInt32LE(crc32(data), o);
  out.writeUInt32LE(data.length >>> 0, o + 4);
  return out;
}

let table: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3), as gzip's trailer holds it. */
export function crc32(data: Uint8Array): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
