import { describe, expect, it } from 'vitest';
import { base36x7 } from '../../../../src/models/sqs/receiptHandle.js';

describe('receipt handle digits', () => {
  it('base36x7 writes exactly what toString(36).padStart(7, "0") writes, for every uint32 tried', () => {
    const edges = [
      0,
      1,
      35,
      36,
      1295,
      1296,
      46_655,
      46_656,
      1_679_615,
      1_679_616,
      2 ** 31,
      2 ** 32 - 2,
      2 ** 32 - 1,
    ];
    const values = [...edges];
    let x = 12_345;
    for (let i = 0; i < 20_000; i++) {
      x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
      values.push(x, x >>> (i % 32));
    }
    const mismatches = values.filter((v) => base36x7(v) !== v.toString(36).padStart(7, '0'));
    expect(mismatches).toEqual([]);
    expect(base36x7(2 ** 32 - 1)).toBe('1z141z3');
    expect(base36x7(0)).toBe('0000000');
  });
});
