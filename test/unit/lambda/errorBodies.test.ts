import { describe, expect, it } from 'vitest';
import { serializeThrown } from '../../../src/lambda/errorBodies.js';

/** An Error whose stack counts its reads (V8 formats a stack only when it is read). */
function countingError(): { error: Error; reads: () => number } {
  const error = new TypeError('bad amount');
  const stack = 'TypeError: bad amount\n    at handler (index.mjs:3:11)';
  let reads = 0;
  Object.defineProperty(error, 'stack', {
    get: () => {
      reads++;
      return stack;
    },
  });
  return { error, reads: () => reads };
}

describe('serializeThrown (R-NODE-1)', () => {
  it('R-NODE-1: an Error gives { errorType, errorMessage, trace: stack lines }, in that order', () => {
    const { error } = countingError();
    const body = serializeThrown(error);
    expect(body).toEqual({
      errorType: 'TypeError',
      errorMessage: 'bad amount',
      trace: ['TypeError: bad amount', '    at handler (index.mjs:3:11)'],
    });
    expect(JSON.stringify(body)).toBe(
      '{"errorType":"TypeError","errorMessage":"bad amount","trace":["TypeError: bad amount","    at handler (index.mjs:3:11)"]}',
    );
    expect(Object.keys(body)).toEqual(['errorType', 'errorMessage', 'trace']);
  });

  it("reads the stack only when the body's trace is read, and once", () => {
    const { error, reads } = countingError();
    const body = serializeThrown(error);
    expect(body.errorType).toBe('TypeError');
    expect(reads()).toBe(0);
    const first = body.trace;
    expect(body.trace).toBe(first);
    expect(JSON.parse(JSON.stringify(body))).toEqual({ ...body });
    expect(reads()).toBe(1);
  });

  it('an Error whose stack getter throws gives an empty trace', () => {
    const error = new Error('x');
    Object.defineProperty(error, 'stack', {
      get: () => {
        throw new Error('no stack');
      },
    });
    expect(serializeThrown(error).trace).toEqual(['']);
  });
});
