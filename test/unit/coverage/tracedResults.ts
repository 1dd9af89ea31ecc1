import type { TracedResult } from '../../../src/index.js';

/** Minimal results for the coverage tests: one built-in case each, or none. */
export const timedOut: TracedResult = {
  trace: [{ atMs: 5, kind: 'request.clientTimedOut', requestId: 'r-1', fn: 'Fn', afterMs: 5 }],
};
export const deadLettered: TracedResult = {
  trace: [
    {
      atMs: 9,
      kind: 'sqs.deadLettered',
      queue: 'q',
      messageId: 'm-1',
      deadLetterQueue: 'dlq',
      receiveCount: 3,
    },
  ],
};
export const nothing: TracedResult = { trace: [] };
