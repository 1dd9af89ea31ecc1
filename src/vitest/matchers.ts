import { expect, type RunnerTask, type RunnerTestCase } from 'vitest';
import { determinismFailure } from '../checks/determinismGate.js';
import type { Violation } from '../checks/Violation.js';
import { ConfigError } from '../errors.js';
import type { EffectKeyOf } from '../checks/effectKeys.js';
import { type ExactlyOnceOptions, exactlyOnce } from '../checks/exactlyOnce.js';
import { type HonestBatchResponsesOptions, honestBatchResponses } from '../checks/honestBatchResponses.js';
import { type NoLostEventsOptions, noLostEvents } from '../checks/noLostEvents.js';
import { type NoRepeatAfterSuccessOptions, noRepeatAfterSuccess } from '../checks/noRepeatAfterSuccess.js';
import type { ExternalApi } from '../services/ExternalApi.js';
import type { SimulationResult } from '../Simulation.js';
import { formatFailureReport } from './failureReport.js';
import { installReplayPlugin } from './replayRecipe.js';
import { noteFailingRun } from './timelineAttachment.js';

/** The matchers `lambdasim/vitest` adds to `expect`. */
export interface LambdasimMatchers<R = unknown> {
  /**
   * Passes when the `Violation[]` a check returned is empty. Give the run's result to add the
   * scenario, the timeline, the trace hash and the replay command to the failure message.
   * @example
   * ```ts
   * expect(checks.noLostEvents(result)).toHaveNoViolations(result);
   * ```
   */
  toHaveNoViolations(result?: SimulationResult): R;
  /**
   * Passes when every key has exactly one landed effect on `service` and no input was
   * acknowledged without its effect (`checks.exactlyOnce` over `result.inputs`, both directions):
   * a double charge and a lost charge both fail it. `keyOf` returning `undefined` leaves an effect
   * out; `options.inputKey` matches inputs to effects by key (SQS batches, deliberate duplicate
   * keys); `options.direction: 'duplicatesOnly'` reports duplicates only; `options.expectedKeys`
   * also reports keys with no effect.
   * @example
   * ```ts
   * expect(result).toHaveEffectsExactlyOnce('payments', (e) => (e.args as Order).orderId);
   * expect(result).toHaveEffectsExactlyOnce('payments', (e) => (e.args as Order).orderId, {
   *   inputKey: (body) => (body as Order).orderId,
   * });
   * ```
   */
  toHaveEffectsExactlyOnce(
    service: string | ExternalApi,
    keyOf: EffectKeyOf,
    options?: ExactlyOnceOptions,
  ): R;
  /**
   * Passes when no key's effect on `service` was made again after an attempt that made it
   * succeeded, and no two overlapping attempts both made it and both succeeded
   * (`checks.noRepeatAfterSuccess` over `result.inputs`): the contract of idempotency libraries,
   * weaker than `toHaveEffectsExactlyOnce` (a retry after a failed attempt may repeat the effect).
   * `options.inputKey` tells which record of a partially failed SQS batch made which effect.
   * @example
   * ```ts
   * expect(result).toHaveNoRepeatAfterSuccess('payments', (e) => (e.args as Order).orderId);
   * ```
   */
  toHaveNoRepeatAfterSuccess(
    service: string | ExternalApi,
    keyOf: EffectKeyOf,
    options?: NoRepeatAfterSuccessOptions,
  ): R;
  /**
   * Passes when every SQS partial-batch response was honest (`checks.honestBatchResponses`): no
   * record reported failed after its effect on `service` landed, none deleted without it, and on
   * FIFO none of a group deleted after an earlier record of its group was reported.
   * `options.inputKey` (required) ties each record to its effect.
   * @example
   * ```ts
   * expect(result).toHaveHonestBatchResponses('payments', (e) => (e.args as Order).orderId, {
   *   inputKey: (body) => (body as Order).orderId,
   * });
   * ```
   */
  toHaveHonestBatchResponses(
    service: string | ExternalApi,
    keyOf: EffectKeyOf,
    options: HonestBatchResponsesOptions,
  ): R;
  /**
   * Passes when every input (request, async event, SQS message) ended in exactly one terminal
   * state (`checks.noLostEvents`). Inputs still waiting or running count only when the run ended
   * quiescent or `options.requireFinished` is set.
   * @example
   * ```ts
   * expect(result).toHaveNoLostEvents();
   * ```
   */
  toHaveNoLostEvents(options?: NoLostEventsOptions): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends LambdasimMatchers<T> {}
}

type MatcherOutcome = { pass: boolean; message: () => string };

function isSimulationResult(value: unknown): value is SimulationResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { trace?: unknown }).trace) &&
    hasTraceHash(value) &&
    typeof (value as { effects?: unknown }).effects === 'function'
  );
}

/**
 * A string `traceHash`, or the getter a run result computes it with, told apart without reading
 * it: the getter hashes the whole trace (seconds for millions of events), which a passing matcher
 * never shows.
 */
function hasTraceHash(value: object): boolean {
  for (let o: object | null = value; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    const d = Object.getOwnPropertyDescriptor(o, 'traceHash');
    if (d !== undefined) return d.get !== undefined || typeof d.value === 'string';
  }
  return false;
}

function requireResult(matcher: string, received: unknown): SimulationResult {
  if (!isSimulationResult(received)) {
    throw new ConfigError(
      matcher,
      'received value',
      'must be a ScenarioResult or SimulationResult (what runScenario / sim.run() resolve to)',
      received,
    );
  }
  return received;
}

/** The run's result, and a `keyOf` that is a function, for the matchers that key effects. */
function requireKeyed(matcher: string, received: unknown, keyOf: unknown): SimulationResult {
  const result = requireResult(matcher, received);
  if (typeof keyOf !== 'function')
    throw new ConfigError(matcher, 'keyOf', 'must be a function (effect) => key', keyOf);
  return result;
}

/** The service a matcher names in its messages. */
function labelOf(service: string | ExternalApi): { service?: string } {
  const name = typeof service === 'string' ? service : service?.name;
  return name === undefined ? {} : { service: name };
}

/**
 * The matcher's verdict. `state`: what `expect` calls a matcher with (absent when the matcher is
 * called directly): a failure through `expect` with a run's result gets an HTML timeline, written
 * beside the report and attached to the test (see {@link noteFailingRun}).
 */
function outcome(
  matcher: string,
  violations: readonly Violation[],
  result: SimulationResult | undefined,
  state: unknown,
): MatcherOutcome {
  // A run with determinism errors fails every matcher given its result (DESIGN §2): its outcome
  // may come from outside the simulation.
  const escaped =
    result === undefined
      ? undefined
      : determinismFailure(
          result,
          "createSimulation({ …, allowDeterminismErrors: 'why' }) or runScenario(…, { allowDeterminismErrors: 'why' })",
        );
  const pass = violations.length === 0 && escaped === undefined;
  const html =
    !pass && result !== undefined && isExpectState(state) && state.isNot !== true
      ? noteFailingRun(result, violations, state.task?.type === 'test' ? state.task : undefined)
      : undefined;
  const failure = () =>
    escaped !== undefined && violations.length === 0
      ? `${matcher}: ${escaped}`
      : `${matcher}: ${formatFailureReport(violations, result)}${escaped === undefined ? '' : `\n${escaped}`}`;
  return {
    pass,
    message: () =>
      pass
        ? `expected ${matcher} to find violations, found none`
        : `${failure()}${html === undefined ? '' : `\n\nHTML timeline: ${'path' in html ? html.path : html.notWritten}`}`,
  };
}

function isExpectState(
  state: unknown,
): state is { readonly isNot?: boolean; readonly task?: RunnerTestCase | RunnerTask } {
  return typeof state === 'object' && state !== null && state !== lambdasimMatchers && 'isNot' in state;
}

/** The matcher implementations, for `expect.extend` (done on import of `lambdasim/vitest`). */
export const lambdasimMatchers = {
  toHaveNoViolations(this: unknown, received: unknown, result?: SimulationResult): MatcherOutcome {
    if (!Array.isArray(received)) {
      throw new ConfigError(
        'toHaveNoViolations',
        'received value',
        'must be a Violation[] (what checks.* return)',
        received,
      );
    }
    if (result !== undefined) requireResult('toHaveNoViolations', result);
    return outcome('toHaveNoViolations', received as Violation[], result, this);
  },
  toHaveEffectsExactlyOnce(
    this: unknown,
    received: unknown,
    service: string | ExternalApi,
    keyOf: EffectKeyOf,
    options?: ExactlyOnceOptions,
  ): MatcherOutcome {
    const result = requireKeyed('toHaveEffectsExactlyOnce', received, keyOf);
    const checked = exactlyOnce(result.effects(service), keyOf, {
      ...labelOf(service),
      inputs: result.inputs,
      ...options,
    });
    return outcome('toHaveEffectsExactlyOnce', checked, result, this);
  },
  toHaveNoRepeatAfterSuccess(
    this: unknown,
    received: unknown,
    service: string | ExternalApi,
    keyOf: EffectKeyOf,
    options?: NoRepeatAfterSuccessOptions,
  ): MatcherOutcome {
    const result = requireKeyed('toHaveNoRepeatAfterSuccess', received, keyOf);
    const checked = noRepeatAfterSuccess(result.inputs, result.effects(service), keyOf, {
      ...labelOf(service),
      ...options,
    });
    return outcome('toHaveNoRepeatAfterSuccess', checked, result, this);
  },
  toHaveHonestBatchResponses(
    this: unknown,
    received: unknown,
    service: string | ExternalApi,
    keyOf: EffectKeyOf,
    options: HonestBatchResponsesOptions,
  ): MatcherOutcome {
    const result = requireKeyed('toHaveHonestBatchResponses', received, keyOf);
    const checked = honestBatchResponses(result, result.effects(service), keyOf, {
      ...labelOf(service),
      ...options,
    });
    return outcome('toHaveHonestBatchResponses', checked, result, this);
  },
  toHaveNoLostEvents(this: unknown, received: unknown, options?: NoLostEventsOptions): MatcherOutcome {
    const result = requireResult('toHaveNoLostEvents', received);
    return outcome('toHaveNoLostEvents', noLostEvents(result, options), result, this);
  },
};

/**
 * Registers {@link lambdasimMatchers} on vitest's `expect` and the fast-check plugin that writes
 * the seed and path into their failure messages. Importing `lambdasim/vitest` calls it; calling
 * it again does nothing more.
 */
export function installMatchers(): void {
  expect.extend(lambdasimMatchers);
  installReplayPlugin();
}
