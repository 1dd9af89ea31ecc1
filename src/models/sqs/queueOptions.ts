import { ConfigError, checkBoolean, checkOptions, intInRange } from '../../errors.js';

/*
 * A queue's options checked as `CreateQueue` and `SetQueueAttributes` check them, with every
 * default filled in. The option types are `SqsQueue`'s (`SqsQueueOptions`, declared beside it):
 * this file cannot name `SqsQueue` without an import circle, so the resolver is generic in the
 * dead-letter queue and its result is checked against `ResolvedSqsQueueOptions` where the queue
 * takes it.
 */

/** What the resolver reads of a dead-letter queue. */
export interface DeadLetterCandidate {
  readonly name: string;
  readonly fifo: boolean;
}

const KNOWN = new Set([
  'visibilityTimeoutS',
  'messageRetentionS',
  'delayS',
  'contentBasedDeduplication',
  'redrive',
  'latencyMs',
  'duplicateRate',
  'reorderWindow',
]);
const NAME = /^[a-zA-Z0-9_-]{1,80}$/;
const FIFO_NAME = /^[a-zA-Z0-9_-]{1,75}\.fifo$/;

/**
 * Validates a queue's name and options (as `CreateQueue` does) and fills in every default.
 * `isQueue` tells a queue made with `sim.sqs()` (the dead-letter queue must be one).
 */
// The result's type is inferred: a declared one would repeat ResolvedSqsQueueOptions field by field.
export function resolveSqsQueueOptions<Q extends DeadLetterCandidate>(
  name: unknown,
  options: unknown,
  isQueue: (value: unknown) => value is Q,
) {
  if (typeof name !== 'string' || !(NAME.test(name) || FIFO_NAME.test(name)))
    throw new ConfigError(
      'sim.sqs',
      'name',
      'must be 1-80 letters, digits, hyphens and underscores; a FIFO queue name ends in ".fifo"',
      name,
    );
  const fifo = name.endsWith('.fifo');
  const api = `sqs(${JSON.stringify(name)})`;
  const o = checkOptions(api, options, KNOWN);
  const visibilityTimeoutS = intInRange(api, 'visibilityTimeoutS', o.visibilityTimeoutS ?? 30, 0, 43_200);
  const messageRetentionS = intInRange(
    api,
    'messageRetentionS',
    o.messageRetentionS ?? 345_600,
    60,
    1_209_600,
  );
  const delayS = intInRange(api, 'delayS', o.delayS ?? 0, 0, 900);
  const contentBasedDeduplication = checkBoolean(
    api,
    'contentBasedDeduplication',
    o.contentBasedDeduplication ?? false,
  );
  if (contentBasedDeduplication && !fifo)
    throw new ConfigError(api, 'contentBasedDeduplication', 'is a FIFO queue attribute only', true);
  const latencyMs = intInRange(api, 'latencyMs', o.latencyMs ?? 20, 0, 3_600_000);
  const duplicateRate = o.duplicateRate ?? 0;
  if (typeof duplicateRate !== 'number' || !(duplicateRate >= 0 && duplicateRate <= 1))
    throw new ConfigError(api, 'duplicateRate', 'must be a number between 0 and 1', duplicateRate);
  const reorderWindow = intInRange(api, 'reorderWindow', o.reorderWindow ?? 0, 0, 1000);
  if (fifo && (duplicateRate > 0 || reorderWindow > 1))
    throw new ConfigError(
      api,
      duplicateRate > 0 ? 'duplicateRate' : 'reorderWindow',
      'applies to standard queues only: FIFO queues deliver exactly once and in order per group',
      duplicateRate > 0 ? duplicateRate : reorderWindow,
    );
  let redrive: { readonly deadLetter: Q; readonly maxReceiveCount: number } | undefined;
  if (o.redrive !== undefined) {
    const r = checkOptions(
      `${api} redrive`,
      o.redrive,
      new Set(['deadLetter', 'maxReceiveCount']),
      'must be { deadLetter, maxReceiveCount }',
    );
    if (!isQueue(r.deadLetter))
      throw new ConfigError(api, 'redrive.deadLetter', 'must be a queue made with sim.sqs()', r.deadLetter);
    if (r.deadLetter.fifo !== fifo)
      throw new ConfigError(
        api,
        'redrive.deadLetter',
        `must be a ${fifo ? 'FIFO' : 'standard'} queue like its source (AWS: the dead-letter queue of a FIFO queue must also be a FIFO queue)`,
        r.deadLetter.name,
      );
    if (r.deadLetter.name === name)
      throw new ConfigError(api, 'redrive.deadLetter', 'must be another queue', name);
    redrive = {
      deadLetter: r.deadLetter,
      maxReceiveCount: intInRange(api, 'redrive.maxReceiveCount', r.maxReceiveCount, 1, 1000),
    };
  }
  return {
    fifo,
    visibilityTimeoutS,
    messageRetentionS,
    delayS,
    contentBasedDeduplication,
    redrive,
    latencyMs,
    duplicateRate,
    reorderWindow,
  };
}

const SETTABLE = new Set(['visibilityTimeoutS']);

/** `options` with `SetQueueAttributes`' changes, checked (only the visibility timeout is settable). */
export function withAttributes<O extends { readonly visibilityTimeoutS: number }>(
  queueName: string,
  options: O,
  attributes: unknown,
): O {
  const api = `sqs(${JSON.stringify(queueName)}).setAttributes`;
  const o = checkOptions(api, attributes, SETTABLE);
  return {
    ...options,
    visibilityTimeoutS: intInRange(api, 'visibilityTimeoutS', o.visibilityTimeoutS, 0, 43_200),
  };
}
