import { asyncInputs } from './async.js';
import type { InputModelDescriptor } from './InputModelDescriptor.js';
import { sqsInputs } from './sqs.js';
import { streamInputs } from './streams.js';
import { syncInputs } from './sync.js';
import type { InputModel } from '../Violation.js';

/**
 * The input models the checks know, in the order noLostEvents reports them. A new invocation
 * model whose inputs the ledger records under a new `InputModel` adds a descriptor file here and
 * one line in this list.
 */
export const INPUT_MODEL_DESCRIPTORS: readonly InputModelDescriptor[] = [
  syncInputs,
  asyncInputs,
  sqsInputs,
  streamInputs,
];

/** The descriptor of an input model. */
export function inputModel(model: InputModel): InputModelDescriptor {
  const found = INPUT_MODEL_DESCRIPTORS.find((d) => d.models.includes(model));
  if (found === undefined) throw new Error(`lambdasim checks: no input model descriptor for ${model}`);
  return found;
}
