import { describe, expect, it } from 'vitest';
import { createSimulation, formatTime, formatTimeline } from '../../../src/index.js';

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
