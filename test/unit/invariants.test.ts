/**
 * lambdasim's own paired identities fire when its bookkeeping goes wrong. Each test corrupts one
 * piece of internal state through a test-only path (a cast to the internal shape) in the middle
 * of an ordinary run, the way a bug in one transition would, and checks that the run stops with an
 * InvariantError naming the rule and the state, instead of finishing with wrong accounting.
 */
import { simulationInternals } from '../../src/Simulation.js';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createSimulation, type LambdaFunction, type Simulation } from '../../src/index.js';
import type { SqsQueue } from '../../src/models/sqs/SqsQueue.js';
import type { StoredMessage } from '../../src/models/sqs/StoredMessage.js';
import { InvariantError } from '../../src/sim/invariant.js';

/** Internal fields a bug could corrupt (reached here by a cast, never by the public API). */
interface QueueInternals {
  readonly all: StoredMessage[];
  sentCount: number;
}
interface FunctionInternals {
  slotsAcquired: number;
  busy: number;
}
interface AsyncRecordInternals {
  state: string;
}
const internals = <T>(o: object): T => o as unknown as T;

/** A queue mapped to a function that succeeds after 100 ms; `corrupt` runs at 50 ms (batch in flight). */
async function sqsRun(corrupt: (queue: SqsQueue, sim: Simulation) => void): Promise<unknown> {
  const sim = createSimulation({ seed: 1 });
  const queue = sim.sqs('orders');
  const fn = sim.fn('Process', () => async (_event: SQSEvent) => {
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
  sim.mapping(queue, fn, { batchSize: 1 });
  void queue.send({ orderId: 'o-1' });
  sim.at(50, () => corrupt(queue, sim));
  return sim.run().then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("lambdasim's own invariants fire on corrupted bookkeeping", () => {
  it('SQS: an illegal status transition (a message put back to delayed while in flight, then deleted)', async () => {
    const error = await sqsRun((queue) => {
      internals<QueueInternals>(queue).all[0]!.status = 'delayed';
    });
    expect(error).toBeInstanceOf(InvariantError);
    expect((error as Error).message).toMatch(
      /^lambdasim bug \(please report\): queue orders: message [0-9a-f-]{36} cannot go from delayed to deleted \(counters \{"delayed":0,"visible":0,"inFlight":1,/,
    );
  });

  it('SQS: sent + redrivenIn = stored = the status counters summed, checked when a message is stored', async () => {
    let sendFailure: Promise<unknown> | undefined;
    const error = await sqsRun((queue) => {
      internals<QueueInternals>(queue).sentCount++; // a send counted twice
      // The workload's send rejects with the error; the kernel stops the run with it all the same.
      sendFailure = queue.send({ orderId: 'o-2' }).catch((e: unknown) => e);
    });
    expect(await sendFailure).toBe(error);
    expect(error).toBeInstanceOf(InvariantError);
    expect((error as Error).message).toBe(
      'lambdasim bug (please report): queue orders (enqueue): sent 3 + redrivenIn 0 must equal the 2 message(s) stored and the status counters summed (2: {"delayed":0,"visible":1,"inFlight":1,"deleted":0,"filtered":0,"deadLettered":0,"expired":0})',
    );
  });

  it('SQS: at run end the status counters agree with the messages (a status set behind the counters)', async () => {
    const error = await sqsRun((queue) => {
      const m = internals<QueueInternals>(queue).all[0]!;
      // Let the batch finish first, then mark the deleted message expired without counting it.
      setTimeout(() => (m.status = 'expired'), 1_000);
    });
    expect(error).toBeInstanceOf(InvariantError);
    expect((error as Error).message).toMatch(
      /^lambdasim bug \(please report\): queue orders: status counters \{.*"deleted":1,.*"expired":0\} disagree with the messages \{.*"deleted":0,.*"expired":1\}$/,
    );
  });

  it('SQS: a quiescent run holds no message in flight (a message lost from its lease mid-batch)', async () => {
    const error = await sqsRun((queue) => {
      internals<QueueInternals>(queue).all[0]!.status = 'expired'; // the batch's delete then skips it
    });
    expect(error).toEqual(
      new InvariantError(
        'run end: the run is quiescent but queue orders has 1 message(s) in flight and 0 delayed',
      ),
    );
  });

  it('concurrency: slots acquired = released + in use, checked when a slot comes back', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn: LambdaFunction = sim.fn('F', () => async () => 'ok');
    void sim.invoke(fn, {});
    sim.at(0, () => internals<FunctionInternals>(fn).slotsAcquired++);
    await expect(sim.run()).rejects.toThrow(
      new InvariantError(
        'LambdaFunction.slotReturned: function F: 2 slot(s) acquired, 1 released, 0 in use (reserved concurrency none), F#1 is idle',
      ),
    );
  });

  it('async: an illegal state transition (an event marked succeeded while its attempt still runs)', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('F', () => async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    void sim.invokeAsync(fn, {});
    sim.at(50, () => {
      internals<AsyncRecordInternals>(simulationInternals(sim).async.events[0]!).state = 'succeeded';
    });
    const error = await sim.run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvariantError);
    expect((error as Error).message).toMatch(
      /^lambdasim bug \(please report\): async event [0-9a-f-]{36} of F cannot go from succeeded to succeeded \(counters \{"queued":0,"inFlight":1,/,
    );
  });

  it('async: at run end the state counters agree with the records and nothing is left queued when quiescent', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('F', () => async () => 'ok');
    void sim.invokeAsync(fn, {});
    sim.at(5_000, () => {
      internals<AsyncRecordInternals>(simulationInternals(sim).async.events[0]!).state = 'dropped';
    });
    await expect(sim.run()).rejects.toThrow(
      /^lambdasim bug \(please report\): async events: state counters \{.*"succeeded":1,.*\} disagree with the records \(off by \{.*"succeeded":1,"discarded":0,"dropped":-1,/,
    );
  });
});
