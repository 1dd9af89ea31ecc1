import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation } from '../../../src/index.js';

const handler = () => async () => 'ok';

describe('sim.invoke options', () => {
  it.each([
    [
      { invocationType: 'Evnt' },
      `sim.invoke: invocationType must be 'RequestResponse' or 'DryRun' (for an Event invoke use sim.invokeAsync), got "Evnt"`,
    ],
    [
      { invocationType: 'Event' },
      `sim.invoke: invocationType must be 'RequestResponse' or 'DryRun' (for an Event invoke use sim.invokeAsync), got "Event"`,
    ],
    [
      { timeoutMs: 5 },
      'sim.invoke: timeoutMs is not a known option (known: invocationType, clientContext, identity, clientTimeoutMs), got 5',
    ],
    [{ clientTimeoutMs: 0 }, 'sim.invoke: clientTimeoutMs must be an integer between 1 and 86400000, got 0'],
    [
      { clientTimeoutMs: Number.NaN },
      'sim.invoke: clientTimeoutMs must be an integer between 1 and 86400000, got NaN',
    ],
    [{ clientContext: 'ctx' }, 'sim.invoke: clientContext must be an object, got "ctx"'],
    [{ identity: 7 }, 'sim.invoke: identity must be an object, got 7'],
    [null, 'sim.invoke: options must be an object, got null'],
  ])('refuses %j', (options, message) => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('F', handler);
    expect(() => sim.invoke(fn, {}, options as never)).toThrow(ConfigError);
    expect(() => sim.invoke(fn, {}, options as never)).toThrow(message);
  });

  it('accepts every documented option', async () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('F', handler);
    const dry = sim.invoke(fn, {}, { invocationType: 'DryRun' });
    const ok = sim.invoke(fn, {}, { invocationType: 'RequestResponse', clientTimeoutMs: 1000 });
    await sim.run();
    expect((await dry).kind).toBe('dryRun');
    expect((await ok).kind).toBe('ok');
  });

  it('sim.invokeAsync refuses unknown options and a non-object clientContext', () => {
    const sim = createSimulation({ seed: 1 });
    const fn = sim.fn('F', handler);
    expect(() => sim.invokeAsync(fn, {}, { invocationType: 'Event' } as never)).toThrow(
      'sim.invokeAsync: invocationType is not a known option (known: clientContext), got "Event"',
    );
    expect(() => sim.invokeAsync(fn, {}, { clientContext: 1 } as never)).toThrow(
      'sim.invokeAsync: clientContext must be an object, got 1',
    );
  });
});
