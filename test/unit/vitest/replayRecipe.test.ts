import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, type Scenario } from '../../../src/index.js';
import { annotatePropertyError, fillReplayPlaceholder } from '../../../src/vitest/replayRecipe.js';

const SCENARIO: Scenario = {
  model: 'sync',
  seed: 3,
  events: [{ atMs: 0, body: { orderId: 'o-1' } }],
  config: {},
  delivery: {},
  faults: [],
};

/** An error whose stack names these files (absolute, under the working directory). */
function thrownAt(error: Error, ...files: string[]): Error {
  error.stack = [
    `${error.name}: ${error.message}`,
    ...files.map(
      (f, i) => `    at fn${i} (${f.startsWith('node:') ? f : join(process.cwd(), f)}:${i + 10}:5)`,
    ),
  ].join('\n');
  return error;
}

function annotated(error: Error, counterexample: unknown[] = [SCENARIO]): string {
  annotatePropertyError(error, counterexample, 7, '0:1');
  return error.message;
}

describe('annotatePropertyError', () => {
  it("says an error thrown by the user's code is theirs, with the scenario and the replay command", () => {
    const message = annotated(thrownAt(new TypeError('x is undefined'), 'test/orders.test.ts'));
    expect(message).toMatch(
      /^x is undefined\n\nlambdasim: This TypeError was thrown by the property's own code \(at test\/orders\.test\.ts:10:5\), not by a lambdasim check or matcher/,
    );
    expect(message).toContain("Scenario (the shrunk counterexample):\n  {\n    model: 'sync',\n    seed: 3,");
    expect(message).toMatch(
      /Replay:\n {2}FC_SEED=7 FC_PATH=0:1 npx vitest run test\/unit\/vitest\/replayRecipe\.test\.ts -t '/,
    );
  });

  it('says an error thrown inside lambdasim is not a check, and asks for a report', () => {
    const message = annotated(thrownAt(new TypeError('boom'), 'src/sim/Kernel.ts', 'test/orders.test.ts'));
    expect(message).toContain(
      'lambdasim: This TypeError was thrown inside lambdasim (at src/sim/Kernel.ts:10:5, called from test/orders.test.ts:11:5), not by a check: if the message does not point at a misuse, please report it with the scenario below.',
    );
  });

  it('says what a ConfigError, an assertion, violations and a false property are', () => {
    expect(annotated(new ConfigError('runScenario', 'seed', 'must be a safe integer', 0.5))).toContain(
      'lambdasim: the scenario or its setup was rejected (the ConfigError above names the field and the rule)',
    );
    const assertion = Object.assign(new Error('expected 1 to be 2'), { name: 'AssertionError' });
    expect(annotated(assertion)).toContain('lambdasim: An assertion in the property failed');
    expect(annotated(new Error('2 violations:\n1. [noLostEvents] …'))).toContain(
      'lambdasim: The property threw the violations of lambdasim checks (above)',
    );
    expect(annotated(new Error('Property failed by returning false'))).toContain(
      'lambdasim: The property returned false for this scenario.',
    );
  });

  it('keeps the stack in step with the message, and annotates once', () => {
    const error = thrownAt(new TypeError('x'), 'test/orders.test.ts');
    annotated(error);
    annotated(error);
    expect(error.message.match(/lambdasim: /g)).toHaveLength(1);
    expect(error.stack).toBe(
      `TypeError: ${error.message}\n    at fn0 (${join(process.cwd(), 'test/orders.test.ts')}:10:5)`,
    );
  });

  it('leaves errors of properties over other values, non-errors and matcher failures alone', () => {
    expect(annotated(new Error('n > 5'), [6])).toBe('n > 5');
    expect(annotated(new Error('n > 5'), [{ model: 'mq', seed: 1, events: [], faults: [] }])).toBe('n > 5');
    const matcher = new Error('toHaveNoLostEvents: … FC_SEED=<seed> FC_PATH=<path> npx vitest run');
    expect(fillReplayPlaceholder(matcher, 7, '0:1')).toBe(true);
    expect(matcher.message).toBe('toHaveNoLostEvents: … FC_SEED=7 FC_PATH=0:1 npx vitest run');
    expect(fillReplayPlaceholder(new Error('other'), 7, '0:1')).toBe(false);
    const thrown: unknown = 'a string';
    annotatePropertyError(thrown, [SCENARIO], 7, '0:1');
  });

  it('leaves a very long scenario literal out', () => {
    const big = { ...SCENARIO, events: [{ atMs: 0, body: 'x'.repeat(5000) }] };
    expect(annotated(new TypeError('x'), [big])).toMatch(
      /Scenario \(the shrunk counterexample\):\n {2}\(\d+ characters as a literal, left out here; fast-check's "Counterexample" line has it\)/,
    );
  });
});
