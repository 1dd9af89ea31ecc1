import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, type Simulation } from '../../../src/index.js';
import { RESOURCE_FIELDS, type ResourceField } from '../../../src/lambda/ownership.js';

const handler = () => async () => 'ok';

/**
 * One thunk per resource-taking API field: it hands `sim` a resource made by `other`. Typed as a
 * Record over RESOURCE_FIELDS, so a field added to the list without a case here does not compile.
 */
const FOREIGN: Record<ResourceField, (sim: Simulation, other: Simulation) => unknown> = {
  'sim.invoke: fn': (sim, other) => sim.invoke(other.fn('F', handler), {}),
  'sim.invokeAsync: fn': (sim, other) => sim.invokeAsync(other.fn('F', handler), {}),
  'sim.schedule: fn': (sim, other) => sim.schedule('tick', 'rate(1 minute)', other.fn('F', handler)),
  'sim.apiGateway: fn': (sim, other) => sim.apiGateway(other.fn('F', handler)),
  'sim.alb: fn': (sim, other) => sim.alb(other.fn('F', handler)),
  'sim.client: fn': (sim, other) => sim.client(other.fn('F', handler)),
  'sim.mapping: fn': (sim, other) => sim.mapping(sim.sqs('q'), other.fn('F', handler)),
  'sim.mapping: queue': (sim, other) => sim.mapping(other.sqs('q'), sim.fn('F', handler)),
  'sim.mapping: stream': (sim, other) =>
    sim.mapping(other.kinesis('s'), sim.fn('F', handler), { startingPosition: 'TRIM_HORIZON' }),
  'sim.mapping: onFailure': (sim, other) =>
    sim.mapping(sim.kinesis('s'), sim.fn('F', handler), {
      startingPosition: 'TRIM_HORIZON',
      onFailure: other.sqs('failures'),
    }),
  'sim.sqs: redrive.deadLetter': (sim, other) =>
    sim.sqs('q', { redrive: { deadLetter: other.sqs('dlq'), maxReceiveCount: 1 } }),
  'sim.fn: async.onSuccess': (sim, other) =>
    sim.fn('W', handler, { async: { onSuccess: other.snsTopic('done') } }),
  'sim.fn: async.onFailure': (sim, other) =>
    sim.fn('W', handler, { async: { onFailure: other.fn('OnFailure', handler) } }),
  'sim.fn: async.deadLetter': (sim, other) =>
    sim.fn('W', handler, { async: { deadLetter: other.sink('dlq', { kind: 'sqs' }) } }),
  'snsTopic.subscribe: subscriber': (sim, other) => sim.snsTopic('t').subscribe(other.sqs('q')),
  'sim.bucket: notify': (sim, other) => sim.bucket('uploads', { notify: other.fn('F', handler) }),
  'result.effects: service': async (sim, other) => (await sim.run()).effects(other.api('payments')),
  'result.replays: service': async (sim, other) => (await sim.run()).replays(other.api('payments')),
};

async function thrown(thunk: () => unknown): Promise<unknown> {
  try {
    await thunk();
  } catch (error) {
    return error;
  }
  return undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('resources of another simulation', () => {
  it.each(Object.entries(FOREIGN) as [ResourceField, (typeof FOREIGN)[ResourceField]][])(
    '%s refuses a resource made by another createSimulation()',
    async (use, thunk) => {
      const sim = createSimulation({ seed: 1 });
      const other = createSimulation({ seed: 2 });
      const error = await thrown(() => thunk(sim, other));
      expect(error).toBeInstanceOf(ConfigError);
      const e = error as ConfigError;
      expect(e.field).toBe(use.slice(use.indexOf(': ') + 2));
      expect(e.rule).toMatch(
        /^belongs to another simulation \(created by a different createSimulation\(\)\); create it with this simulation: sim\./,
      );
    },
  );

  it('the table covers every listed field, and every listed field is checked somewhere in src', () => {
    expect(Object.keys(FOREIGN).sort()).toEqual([...RESOURCE_FIELDS].sort());
    const src = sourceFiles(join(import.meta.dirname, '../../../src'))
      .filter((f) => !f.endsWith(join('lambda', 'ownership.ts')))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    expect(RESOURCE_FIELDS.filter((use) => !src.includes(`'${use}'`))).toEqual([]);
  });

  it('names the API, the field and the fix (the redrive of the issue)', () => {
    const s1 = createSimulation({ seed: 1 });
    const s2 = createSimulation({ seed: 2 });
    expect(() => s1.sqs('q', { redrive: { deadLetter: s2.sqs('dlq'), maxReceiveCount: 1 } })).toThrow(
      'sqs("q"): redrive.deadLetter belongs to another simulation (created by a different createSimulation()); create it with this simulation: sim.sqs("dlq"), got "dlq"',
    );
    // Nothing was defined: the name is still free.
    expect(() => s1.sqs('q')).not.toThrow();
  });

  it('refuses every kind of foreign resource where any resource is taken', () => {
    const sim = createSimulation({ seed: 1 });
    const other = createSimulation({ seed: 2 });
    const foreign = {
      queue: other.sqs('oq'),
      topic: other.snsTopic('ot'),
      sink: other.sink('os', { kind: 'sqs' }),
      fn: other.fn('OF', handler),
    };
    const topic = sim.snsTopic('t');
    for (const [kind, resource] of Object.entries(foreign)) {
      expect(() => topic.subscribe(resource), kind).toThrow(
        /^snsTopic\("t"\)\.subscribe: subscriber belongs to another simulation/,
      );
      expect(() => sim.fn('W', handler, { async: { onFailure: resource } }), kind).toThrow(
        /^fn\("W"\): async\.onFailure belongs to another simulation/,
      );
    }
    expect(() => sim.fn('W', handler, { async: { deadLetter: foreign.queue } })).toThrow(
      /create it with this simulation: sim\.sqs\("oq"\)/,
    );
    expect(() => sim.fn('W', handler, { async: { deadLetter: foreign.topic } })).toThrow(
      /create it with this simulation: sim\.snsTopic\("ot"\)/,
    );
    expect(() => sim.invoke(foreign.fn, {})).toThrow(
      'sim.invoke: fn belongs to another simulation (created by a different createSimulation()); create it with this simulation: sim.fn("OF", …), got "OF"',
    );
    // Still fine: this simulation's own resources.
    expect(() => topic.subscribe(sim.sqs('q'))).not.toThrow();
    expect(() =>
      sim.fn('Own', handler, { async: { onFailure: sim.sink('s', { kind: 'sqs' }) } }),
    ).not.toThrow();
  });
});
