/**
 * The checks' input-model descriptors: every model of the input ledger has one, and the words a
 * violation uses for an input are its model's own (one case per model, so a descriptor that
 * borrows another's words fails here).
 */
import { describe, expect, it } from 'vitest';
import { formatViolation } from '../../../src/checks/formatViolation.js';
import { INPUT_MODEL_DESCRIPTORS, inputModel } from '../../../src/checks/inputModels/registry.js';
import type { InputModel, ViolationData } from '../../../src/checks/Violation.js';
import type { InputRecord } from '../../../src/results/InputRecord.js';

const MODELS: readonly InputModel[] = ['sync', 'async', 'sqs', 'kinesis', 'dynamodb-streams'];

/** An acknowledged input with no effect, as exactlyOnce reports it. */
function withoutEffect(model: InputModel): ViolationData {
  const input = { model, id: 'id-1', where: 'W', eventIndex: 0, attempts: [], state: 'completed' };
  return {
    check: 'exactlyOnce',
    kind: 'acknowledgedWithoutEffect',
    service: 'payments',
    key: 'o-1',
    count: 0,
    effects: [],
    input: input as unknown as InputRecord,
  };
}

describe('input models', () => {
  it('every ledger model has exactly one descriptor', () => {
    for (const model of MODELS)
      expect(
        INPUT_MODEL_DESCRIPTORS.filter((d) => d.models.includes(model)),
        model,
      ).toHaveLength(1);
  });

  it.each([
    ['sync', 'synchronous request id-1 to W (scenario event 0) was answered 200'],
    ['async', 'async event id-1 to W (scenario event 0) succeeded'],
    ['sqs', 'SQS message id-1 on W (scenario event 0) was deleted after its processing succeeded'],
    ['kinesis', 'stream record id-1 of W (scenario event 0) was checkpointed after its processing succeeded'],
    [
      'dynamodb-streams',
      'stream record id-1 of W (scenario event 0) was checkpointed after its processing succeeded',
    ],
  ] as const)('a %s input is named and acknowledged in its own words', (model, words) => {
    expect(formatViolation(withoutEffect(model)).startsWith(`${words} (0 attempts)`)).toBe(true);
  });

  it('only SQS batches have item failures that honestBatchResponses compares', () => {
    expect(MODELS.filter((m) => inputModel(m).batchItemFailures === true)).toEqual(['sqs']);
  });
});
