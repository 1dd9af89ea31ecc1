import type { InputModelDescriptor } from './InputModelDescriptor.js';

/** Synchronous requests: answered, whatever the answer, or unfinished. */
export const syncInputs: InputModelDescriptor = {
  models: ['sync'],
  named: (id, where) => `synchronous request ${id} to ${where}`,
  acknowledged: () => 'was answered 200',
  problems: (result, requireFinished) =>
    !requireFinished
      ? []
      : result.inputs.flatMap((input) =>
          !syncInputs.models.includes(input.model) || input.state !== 'pending'
            ? []
            : {
                check: 'noLostEvents',
                condition: undefined,
                failureDelivery: undefined,
                deliveryErrors: [],
                kind: 'unfinished',
                model: input.model,
                input: input.id,
                where: input.where,
                state: input.status,
              },
        ),
  lost: (v) =>
    `synchronous request ${v.input} to ${v.where} had no response when the run ended (${v.kind}; every request must be answered). Let the run reach quiescence, or find the work that never completes.`,
  retry: {
    tooManyAttempts: (input, v) =>
      `${input} was invoked ${v.attempts} times (Lambda never retries a synchronous invoke: at most once per request id; a client retry is a new request).`,
  },
};
