/**
 * A representative synchronous scenario for the determinism contract (DESIGN.md section 2),
 * parameterised only by its seed. It exercises what can make a run diverge:
 *
 * - three functions: cold starts (sync and async factories), warm reuse with the seeded choice
 *   among several idle environments, idle reclaim, Init failures, timeouts (with an environment
 *   reset), handler errors, uncaught exceptions from timers, background timers frozen after a
 *   return and resumed on the next invoke, reserved-concurrency throttles, a callback handler;
 * - handlers that read `Math.random`, `crypto.randomUUID` (global and `node:crypto`), `Date`,
 *   `performance.now` and wait on `setTimeout`/`setInterval`/`setImmediate` (global and
 *   `node:timers/promises`), and let those values steer their timing and results;
 * - simulated callers: bursts of concurrent invokes, an SDK-like client with client timeouts and
 *   jittered retries, a hand-written retry loop using the caller's own `Math.random`/`setTimeout`,
 *   and workload events at fixed instants.
 *
 * Used by determinism.test.ts (in-process and in a child process via printTraceHashes.ts) and
 * golden.test.ts. Changing it changes every hash: regenerate the golden file when you do.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as immediate, setTimeout as sleep } from 'node:timers/promises';
import type { Callback, Context } from 'aws-lambda';
import { createSimulation, type InvokeResponse, type SimulationResult } from '../../src/index.js';

/** What the callers saw, one line per answer, in the order they got them. */
export interface ScenarioRun {
  readonly result: SimulationResult;
  readonly answers: readonly string[];
}

function describeAnswer(who: string, response: InvokeResponse): string {
  switch (response.kind) {
    case 'ok':
      return `${who}: ok ${response.payload}`;
    case 'functionError':
      return `${who}: functionError ${response.body.errorType}`;
    case 'rejected':
      return `${who}: rejected ${response.statusCode} ${response.error.code}`;
    case 'clientTimeout':
      return `${who}: clientTimeout after ${response.afterMs}`;
    case 'dryRun':
      return `${who}: dryRun`;
  }
}

export async function runScenario(seed: number): Promise<ScenarioRun> {
  const sim = createSimulation({ seed });
  const answers: string[] = [];

  // Api: state per environment; its delay and failures come from the seeded Math.random. A delay
  // over 1 s times out (environment reset); gaps over 2 s let idle environments be reclaimed.
  const api = sim.fn(
    'Api',
    () => {
      let served = 0;
      return async (event: { i: number }) => {
        served++;
        const startedMs = performance.now();
        const delayMs = Math.floor(Math.random() * 1300);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (Math.random() < 0.15) throw new Error(`api failed on ${event.i}`);
        return {
          i: event.i,
          served,
          id: crypto.randomUUID(),
          at: new Date().toISOString(),
          tookMs: performance.now() - startedMs,
        };
      };
    },
    { timeoutS: 1, idleTimeoutS: 2, initDurationMs: 120 },
  );

  // Worker: delay from a node:crypto UUID, a heartbeat interval, background work that outlives
  // the invocation (frozen, resumed on thaw), and now and then an uncaught throw from a timer.
  const worker = sim.fn(
    'Worker',
    () => {
      let background = 0;
      return async (event: { job: number }) => {
        const id = randomUUID();
        const delayMs = 40 + (Number.parseInt(id.slice(0, 3), 16) % 600);
        let beats = 0;
        const heartbeat = setInterval(() => beats++, 90);
        await sleep(delayMs);
        clearInterval(heartbeat);
        await immediate();
        if (Number.parseInt(id.slice(3, 4), 16) === 0) {
          setTimeout(() => {
            throw new Error(`worker crashed on job ${event.job}`);
          }, 5);
          await sleep(50);
        }
        setTimeout(() => {
          background++;
        }, 250);
        return { job: event.job, beats, background, stamp: Date.now() % 100_000 };
      };
    },
    { timeoutS: 2, reservedConcurrency: 2, initDurationMs: 80 },
  );

  // Flaky: an async factory whose Init takes a random time and sometimes fails; a callback-style
  // handler (Node.js 20) that answers from a timer.
  const flaky = sim.fn(
    'Flaky',
    async () => {
      await sleep(Math.floor(Math.random() * 300));
      if (Math.random() < 0.2) throw new Error('could not load configuration');
      const bootedAt = Date.now();
      return (event: { n: number }, _context: Context, callback: Callback) => {
        const waitMs = Math.floor(Math.random() * 400);
        setTimeout(() => {
          if (waitMs > 330) callback(new Error(`flaky slow on ${event.n}`));
          else callback(null, { n: event.n, uptimeMs: Date.now() - bootedAt });
        }, waitMs);
      };
    },
    { timeoutS: 3, runtime: 'nodejs20.x' },
  );

  // Bursts of concurrent invokes: several cold environments, then warm reuse (seeded choice
  // among the idle ones) or, after a long gap, reclaim and new cold starts.
  sim.spawn('burst', async () => {
    for (let wave = 0; wave < 3; wave++) {
      const width = 2 + Math.floor(Math.random() * 4);
      const responses = await Promise.all(
        Array.from({ length: width }, (_, k) => sim.invoke(api, { i: wave * 10 + k })),
      );
      for (const r of responses) answers.push(describeAnswer(`burst${wave}`, r));
      await new Promise((resolve) => setTimeout(resolve, Math.random() < 0.5 ? 400 : 2_500));
    }
  });

  // An SDK-like client with a client timeout and jittered retries, racing another caller for
  // Worker's two reserved slots (throttles are retried, function errors are not).
  const workerClient = sim.client(worker, { clientTimeoutMs: 450, maxAttempts: 3, baseDelayMs: 60 });
  for (const [name, first, startMs] of [
    ['sdkA', 0, 0],
    ['sdkB', 100, 30],
  ] as const) {
    sim.spawn(
      name,
      async () => {
        for (let job = first; job < first + 4; job++) {
          const { response, attempts } = await workerClient.invoke({ job });
          answers.push(describeAnswer(`${name} job ${job} (${attempts.length} attempts)`, response));
          await sim.sleep(Math.floor(Math.random() * 200));
        }
      },
      { atMs: startMs },
    );
  }

  // A hand-written retry loop: exponential backoff with jitter from the caller's Math.random,
  // and a deadline read from the caller's (virtual) Date.
  sim.spawn(
    'retrier',
    async () => {
      for (let n = 0; n < 3; n++) {
        const deadlineMs = Date.now() + 800;
        for (let attempt = 1; attempt <= 4; attempt++) {
          const response = await sim.invoke(flaky, { n }, { clientTimeoutMs: 2_000 });
          answers.push(describeAnswer(`retrier n=${n} try ${attempt}`, response));
          if (response.kind === 'ok') break;
          const backoffMs = Math.floor(100 * 2 ** attempt * Math.random());
          if (new Date(Date.now() + backoffMs) > new Date(deadlineMs)) {
            answers.push(`retrier n=${n}: gave up at ${new Date().toISOString()}`);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, backoffMs));
        }
      }
    },
    { atMs: 50 },
  );

  // Workload events at fixed instants.
  for (const atMs of [1_500, 6_000]) {
    sim.at(atMs, () => {
      void sim.invoke(api, { i: atMs }).then((r) => answers.push(describeAnswer(`at ${atMs}`, r)));
    });
  }

  const result = await sim.run({ untilMs: 120_000 });
  return { result, answers };
}
