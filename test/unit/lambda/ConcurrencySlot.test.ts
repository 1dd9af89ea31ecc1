import { describe, expect, it } from 'vitest';
import { createSimulation, type LambdaFunction } from '../../../src/index.js';
import type { ConcurrencySlot } from '../../../src/lambda/ConcurrencySlot.js';
import { InvariantError } from '../../../src/sim/invariant.js';

function slotOf(fn: LambdaFunction): ConcurrencySlot {
  const acquired = fn.acquire();
  if (acquired.kind !== 'acquired') throw new Error(`unexpected throttle: ${acquired.reason}`);
  return acquired.slot;
}

const REQ = { requestId: 'f0000000-0000-4000-8000-000000000001', payloadJson: '{}', attempt: 1 };

describe('ConcurrencySlot', () => {
  it('released unused: the function holds no slot and the environment is idle for the next invocation', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Slots', () => async () => 'ok', { reservedConcurrency: 1 });
    const outcomes: string[] = [];
    sim.at(0, () => {
      const slot = slotOf(fn);
      expect(fn.inFlight).toBe(1);
      expect(fn.acquire()).toEqual({
        kind: 'throttled',
        reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      });
      slot.release();
      expect(fn.inFlight).toBe(0);
      expect(slot.env.state).toBe('idle');
      const again = slotOf(fn); // reserved concurrency 1: only possible because the slot came back
      expect(again.env).toBe(slot.env);
      again.execute(REQ, (outcome) => outcomes.push(outcome.kind));
    });
    const result = await sim.run();
    expect(result.end.kind).toBe('quiescent');
    expect(outcomes).toEqual(['succeeded']);
    expect(fn.inFlight).toBe(0);
  });

  it('is used once: a second execute or release is a lambdasim bug', () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Slots', () => async () => 'ok');
    const errors: unknown[] = [];
    const released = slotOf(fn);
    released.release();
    for (const misuse of [() => released.release(), () => released.execute(REQ, () => {})])
      try {
        misuse();
      } catch (error) {
        errors.push(error);
      }
    const running = slotOf(fn);
    running.execute(REQ, () => {});
    try {
      running.release();
    } catch (error) {
      errors.push(error);
    }
    expect(errors).toHaveLength(3);
    for (const error of errors) expect(error).toBeInstanceOf(InvariantError);
    expect(String((errors[0] as Error).message)).toBe(
      'lambdasim bug (please report): ConcurrencySlot.release: the slot of Slots#1 (Slots) must be held, it is released',
    );
    expect((errors[2] as Error).message).toMatch(/ConcurrencySlot\.release: .* must be held, it is running$/);
  });

  it('an invariant that fails where the throw is caught still stops the run (the kernel reports it)', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Slots', () => async () => 'ok');
    let caught: unknown;
    sim.at(10, () => {
      const slot = slotOf(fn);
      slot.release();
      try {
        slot.release(); // caught here, as a handler or a promise chain could catch it
      } catch (error) {
        caught = error;
      }
    });
    sim.at(20, () => expect.unreachable('the run goes on after a failed invariant'));
    const failure = await sim.run().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(caught).toBeInstanceOf(InvariantError);
    expect(failure).toBe(caught);
  });

  it('a slot neither executed nor released fails the run-end invariant of every run', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Leaky', () => async () => 'ok', { reservedConcurrency: 2 });
    sim.at(0, () => void slotOf(fn)); // the shape of the old SQS bug: acquired, then dropped
    await expect(sim.run()).rejects.toThrow(
      new InvariantError(
        'run end: the run is quiescent but function Leaky: 1 slot(s) acquired, 0 released, 1 in use (reserved concurrency 2) (a slot leaked)',
      ),
    );
  });

  it('a run stopped by its time limit may end with slots in use, as long as they add up', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Slow', () => async () => new Promise((resolve) => setTimeout(resolve, 5_000)), {
      timeoutS: 10,
    });
    sim.at(0, () => slotOf(fn).execute(REQ, () => {}));
    const result = await sim.run({ untilMs: 1_000 });
    expect(result.end.kind).toBe('timeLimit');
    expect(fn.inFlight).toBe(1);
  });
});
