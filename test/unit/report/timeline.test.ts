import { formatTime } from '../../../src/report/timeline.js';
import { describe, expect, it } from 'vitest';
import { createSimulation, formatTimeline } from '../../../src/index.js';
import type { TraceEvent } from '../../../src/index.js';

describe('formatTime', () => {
  it('formats seconds, minutes and hours', () => {
    expect(formatTime(0)).toBe('+0.000s');
    expect(formatTime(1250)).toBe('+1.250s');
    expect(formatTime(123_500)).toBe('+2m03.500s');
    expect(formatTime(3_723_000)).toBe('+1h02m03.000s');
  });
});

describe('formatTimeline', () => {
  it('renders one line per event with time, actor and kind, and caps long traces', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Hello', () => async () => {
      await new Promise((r) => setTimeout(r, 4000));
    });
    void sim.invoke(fn, {});
    const result = await sim.run();
    const text = formatTimeline(result.trace);
    const lines = text.split('\n');
    expect(lines).toHaveLength(result.trace.length);
    expect(text).toMatch(/\+0\.100s\s+Hello#1\s+invoke\.started\s+req [0-9a-f]{8} \(cold, attempt 1\)/);
    expect(text).toMatch(
      /\+3\.100s\s+Hello#1\s+invoke\.failed\s+req [0-9a-f]{8}: Sandbox\.Timedout \(timeout\)/,
    );
    const capped = formatTimeline(result.trace, { maxLines: 2 });
    expect(capped.split('\n')).toHaveLength(3);
    expect(capped).toContain(`… ${result.trace.length - 2} more events`);
  });

  it('shows a call suspended at the freeze, the fault that reclaimed its environment, and the call lost with it', async () => {
    const sim = createSimulation({
      seed: 1,
      faults: [{ kind: 'reclaimAfterReturn', fn: 'Audit', invocation: 1, landed: false }],
    });
    const audit = sim.api('audit', { latencyMs: 20 });
    const fn = sim.fn(
      'Audit',
      () => async () => {
        void audit.call('record', {}); // not awaited
      },
      { initDurationMs: 0 },
    );
    void sim.invoke(fn, {});
    const text = formatTimeline((await sim.run()).trace);
    expect(text).toMatch(/\+0\.000s\s+Audit\s+fault\.injected\s+FAULT reclaimAfterReturn \(invocation #1\)/);
    expect(text).toMatch(
      /\+0\.000s\s+Audit#1\s+call\.suspended\s+#1 audit\.record not sent before the freeze: suspended until the next invoke/,
    );
    expect(text).toMatch(
      /\+0\.000s\s+audit\s+call\.lost\s+#1 record never arrived \(suspended in a frozen environment that was reclaimed\)/,
    );
  });
});

describe('formatTimeline layout and noise (issue 15, item 6)', () => {
  const at = (atMs: number) => ({ atMs });
  const trace: TraceEvent[] = [
    {
      ...at(0),
      kind: 'sqs.sent',
      queue: 'HandlerQueue',
      messageId: 'm-1',
      by: 'AIDAIENQZJOLO23YVJ4VO',
      bytes: 33,
    },
    {
      ...at(1000),
      kind: 'batch.invoked',
      fn: 'Handler',
      mapping: 'HandlerQueue→Handler',
      requestId: 'r-1',
      messageIds: ['m-1'],
    },
    {
      ...at(1100),
      kind: 'invoke.started',
      fn: 'Handler',
      requestId: 'r-1',
      env: 'Handler#1',
      cold: true,
      attempt: 1,
    },
    {
      ...at(1130),
      kind: 'mapping.scaled',
      mapping: 'HandlerQueue→Handler',
      from: 5,
      to: 10,
      why: 'scaledUp',
    },
    { ...at(1130), kind: 'mapping.scaled', mapping: 'HandlerQueue→Handler', from: 10, to: 5, why: 'idle' },
    {
      ...at(2000),
      kind: 'mapping.scaled',
      mapping: 'HandlerQueue→Handler',
      from: 5,
      to: 2,
      why: 'functionError',
    },
    { ...at(2000), kind: 'mapping.scaled', mapping: 'HandlerQueue→Handler', from: 2, to: 1, why: 'throttle' },
  ];

  it('aligns the kind and detail columns whatever the actor names', () => {
    const lines = formatTimeline(trace).split('\n');
    const kindAt = lines.map((l) => l.search(/(sqs|batch|invoke|mapping)\./));
    expect(new Set(kindAt).size, lines.join('\n')).toBe(1);
    const detailAt = lines.map((l) => l.search(/(msg|req|concurrency) /));
    expect(new Set(detailAt).size, lines.join('\n')).toBe(1);
  });

  it('coalesces the scaling of one mapping at one instant: no flip-flop, the net change with its reasons', () => {
    const text = formatTimeline(trace);
    expect(text).not.toContain('+1.130s');
    expect(text).toMatch(
      /\+2\.000s\s+HandlerQueue→Handler\s+mapping\.scaled\s+concurrency 5 → 1 \(functionError, throttle\)$/m,
    );
    expect(text.match(/mapping\.scaled/g)).toHaveLength(1);
  });

  it('shows the sender id of sqs.sent only on demand', () => {
    expect(formatTimeline(trace)).toMatch(/sqs\.sent\s+msg m-1, 33 B$/m);
    expect(formatTimeline(trace, { senderIds: true })).toContain('msg m-1 from AIDAIENQZJOLO23YVJ4VO, 33 B');
  });

  it('shows the causes of a wrapped error', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Batch', () => async () => {
      const inner = new TypeError('amount must be positive');
      throw new Error('All records failed processing', {
        cause: new Error('record 1 failed', { cause: inner }),
      });
    });
    void sim.invoke(fn, {});
    const text = formatTimeline((await sim.run()).trace);
    expect(text).toMatch(
      /invoke\.failed\s+req [0-9a-f]{8}: Error: All records failed processing caused by Error: record 1 failed caused by TypeError: amount must be positive \(error\)/,
    );
  });
});

describe('formatTimeline: errors that gather others', () => {
  it("shows the first of an AggregateError's errors, or of a batch processor's recordErrors, and how many more", async () => {
    class FullBatchFailureError extends Error {
      readonly recordErrors: Error[];
      constructor(errors: Error[]) {
        super(`All records failed processing. ${errors.length} individual errors logged separately below.`);
        this.name = 'FullBatchFailureError';
        this.recordErrors = errors;
      }
    }
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('Batch', () => async (event: { kind: string }) => {
      const errors = [new TypeError('bad amount in r-1'), new TypeError('bad amount in r-2')];
      throw event.kind === 'aggregate'
        ? new AggregateError(errors, 'two failed')
        : new FullBatchFailureError(errors);
    });
    void sim.invoke(fn, { kind: 'aggregate' });
    void sim.invoke(fn, { kind: 'batch' });
    const text = formatTimeline((await sim.run()).trace);
    expect(text).toContain(
      'AggregateError: two failed caused by TypeError: bad amount in r-1 (and 1 more) (error)',
    );
    expect(text).toContain(
      'FullBatchFailureError: All records failed processing. 2 individual errors logged separately below. caused by TypeError: bad amount in r-1 (and 1 more) (error)',
    );
  });
});
