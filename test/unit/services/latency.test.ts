import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, type LatencyMs, type TraceEvent } from '../../../src/index.js';

/** Each call's latency (call.sent to call.returned) in the order the calls were sent. */
function latencies(trace: readonly TraceEvent[], service: string): number[] {
  const sent = new Map<number, number>();
  const out: number[] = [];
  for (const ev of trace) {
    if (ev.kind === 'call.sent' && ev.service === service) sent.set(ev.callId, ev.atMs);
    if (ev.kind === 'call.returned' && ev.service === service) out.push(ev.atMs - sent.get(ev.callId)!);
  }
  return out;
}

/** The q-quantile of `values` (nearest rank). */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** `n` sequential calls to an API and a table by one caller; the run's trace. */
async function callMany(
  seed: number,
  n: number,
  apiLatency: LatencyMs,
  tableLatency: LatencyMs | undefined,
): Promise<readonly TraceEvent[]> {
  const sim = createSimulation({ seed });
  const pricing = sim.api('pricing', { latencyMs: apiLatency });
  const orders =
    tableLatency === undefined ? undefined : sim.table('orders', { key: 'id', latencyMs: tableLatency });
  sim.spawn('caller', async () => {
    for (let i = 0; i < n; i++) {
      await pricing.call('quote', { i });
      if (orders !== undefined) await orders.put({ id: `o-${i}` });
    }
  });
  return (await sim.run()).trace;
}

describe('latency shapes: latencyMs { p50, p99 }', () => {
  it('draws API and table latencies whose empirical p50 and p99 match the shape (within 10 % / 15 %)', async () => {
    const n = 10_000;
    const trace = await callMany(7, n, { p50: 40, p99: 900 }, { p50: 8, p99: 60 });
    for (const [service, p50, p99] of [
      ['pricing', 40, 900],
      ['orders', 8, 60],
    ] as const) {
      const drawn = latencies(trace, service);
      expect(drawn).toHaveLength(n);
      expect(Math.abs(quantile(drawn, 0.5) - p50) / p50, `${service} p50`).toBeLessThanOrEqual(0.1);
      expect(Math.abs(quantile(drawn, 0.99) - p99) / p99, `${service} p99`).toBeLessThanOrEqual(0.15);
      // A shape, not a constant: the draws spread (a constant would give one value).
      expect(new Set(drawn).size).toBeGreaterThan(50);
    }
  });

  it('is deterministic per seed, and one service drawing does not shift another service’s draws', async () => {
    const alone = latencies(await callMany(3, 200, { p50: 40, p99: 900 }, undefined), 'pricing');
    const again = latencies(await callMany(3, 200, { p50: 40, p99: 900 }, undefined), 'pricing');
    const withTable = latencies(
      await callMany(3, 200, { p50: 40, p99: 900 }, { p50: 5, p99: 50 }),
      'pricing',
    );
    const otherSeed = latencies(await callMany(4, 200, { p50: 40, p99: 900 }, undefined), 'pricing');
    expect(again).toEqual(alone);
    expect(withTable).toEqual(alone);
    expect(otherSeed).not.toEqual(alone);
  });

  it('keeps a constant latency constant, and p99 === p50 gives that constant', async () => {
    const trace = await callMany(1, 20, 25, { p50: 12, p99: 12 });
    expect(new Set(latencies(trace, 'pricing'))).toEqual(new Set([25]));
    expect(new Set(latencies(trace, 'orders'))).toEqual(new Set([12]));
  });

  it('rejects bad shapes with a ConfigError naming the field, the value and the rule', () => {
    const sim = createSimulation({ seed: 1 });
    const api = (latencyMs: unknown) => () => sim.api('pricing', { latencyMs: latencyMs as LatencyMs });
    expect(api({ p50: 0, p99: 10 })).toThrow(
      'api("pricing"): latencyMs.p50 must be a finite number of ms above 0 and at most 3600000, got 0',
    );
    expect(api({ p50: 40, p99: Number.POSITIVE_INFINITY })).toThrow(
      /latencyMs\.p99 must be a finite number.*got Infinity/,
    );
    expect(api({ p50: Number.NaN, p99: 10 })).toThrow(/latencyMs\.p50 .*got NaN/);
    expect(api({ p50: 40, p99: 30 })).toThrow(
      'api("pricing"): latencyMs.p99 must be at least latencyMs.p50 (40), got 30',
    );
    expect(api({ p50: 40 })).toThrow(/latencyMs\.p99 must be a finite number.*got undefined/);
    expect(api({ p50: 40, p99: 90, p95: 60 })).toThrow(/latencyMs\.p95 is not a field of a latency shape/);
    expect(api('fast')).toThrow(/latencyMs must be a non-negative integer \(ms\) or a shape \{ p50, p99 \}/);
    expect(api({ p50: 40, p99: 30 })).toThrow(ConfigError);
    expect(() => sim.table('orders', { key: 'id', latencyMs: { p50: -1, p99: 5 } })).toThrow(
      /table\("orders"\): latencyMs\.p50 must be a finite number/,
    );
  });
});
