import { matchesPattern } from '../../../../src/models/mapping/filterPattern.js';
import { interpretBatchResponse } from '../../../../src/models/mapping/batchResponse.js';
import { describe, expect, it } from 'vitest';

const ids = new Set(['a', 'b']);

describe('interpretBatchResponse', () => {
  it('reads Lambda responses as the spec says', () => {
    expect(interpretBatchResponse('{"batchItemFailures":[{"itemIdentifier":"a"}]}', ids, false)).toEqual({
      kind: 'success',
    });
    expect(interpretBatchResponse('null', ids, true)).toEqual({ kind: 'success' });
    expect(interpretBatchResponse('{"batchItemFailures":[]}', ids, true)).toEqual({ kind: 'success' });
    expect(
      interpretBatchResponse(
        '{"batchItemFailures":[{"itemIdentifier":"a"},{"itemIdentifier":"a"}]}',
        ids,
        true,
      ),
    ).toEqual({ kind: 'partial', failedIds: ['a'] });
    expect(interpretBatchResponse('{"batchItemFailures":{}}', ids, true).kind).toBe('invalid');
    expect(interpretBatchResponse('{"batchItemFailures":[null]}', ids, true).kind).toBe('invalid');
    expect(interpretBatchResponse('not json', ids, true).kind).toBe('invalid');
  });
});

describe('matchesPattern', () => {
  it('supports values, prefix, suffix, numeric, exists, anything-but and arrays in data', () => {
    const rec = { body: { status: 'paid', amount: 12, tags: ['x', 'vip'], name: 'order-1.png' } };
    expect(matchesPattern({ body: { status: ['paid'] } }, rec)).toBe(true);
    expect(matchesPattern({ body: { status: ['new'] } }, rec)).toBe(false);
    expect(matchesPattern({ body: { name: [{ prefix: 'order-' }] } }, rec)).toBe(true);
    expect(matchesPattern({ body: { name: [{ suffix: '.jpg' }] } }, rec)).toBe(false);
    expect(matchesPattern({ body: { amount: [{ numeric: ['>', 10, '<=', 12] }] } }, rec)).toBe(true);
    expect(matchesPattern({ body: { amount: [{ numeric: ['<', 10] }] } }, rec)).toBe(false);
    expect(matchesPattern({ body: { missing: [{ exists: false }] } }, rec)).toBe(true);
    expect(matchesPattern({ body: { amount: [{ exists: true }] } }, rec)).toBe(true);
    expect(matchesPattern({ body: { tags: ['vip'] } }, rec)).toBe(true);
    expect(matchesPattern({ body: { status: [{ 'anything-but': ['paid'] }] } }, rec)).toBe(false);
  });
});
