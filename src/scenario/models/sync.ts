import fc from 'fast-check';
import { MAX_SYNC_REQUEST_BYTES } from '../../models/sync.js';
import type { ScenarioConfig } from '../Scenario.js';
import { COMMON_CONFIG_KEYS, commonConfig, compact, fixedOr, maybe, record } from './configArbs.js';
import type { ScenarioModelDescriptor } from './ScenarioModelDescriptor.js';

/** Drawn ranges of the sync model's own fields. */
const RANGES = {
  clientTimeoutMs: { min: 100, max: 10_000 },
  clientMaxAttempts: { min: 1, max: 3 },
} as const;

/**
 * `sync`: synchronous invokes, one SDK-like caller per event (`event-1`, `event-2`, …) started at
 * its `atMs`, invoking through `sim.client(fn, { clientTimeoutMs, maxAttempts: clientMaxAttempts })`,
 * so client timeouts and SDK retries are part of the workload.
 */
export const syncModel: ScenarioModelDescriptor<'sync'> = {
  model: 'sync',
  configKeys: [...COMMON_CONFIG_KEYS, 'clientTimeoutMs', 'clientMaxAttempts'],
  deliveryKeys: [],
  deliveryFaultKinds: [],
  faultTargets: {},
  configArb: (c) =>
    record({
      ...commonConfig(c),
      clientTimeoutMs:
        c.clientTimeoutMs === undefined
          ? maybe(fc.integer(RANGES.clientTimeoutMs))
          : fc.constant(c.clientTimeoutMs),
      clientMaxAttempts: fixedOr(c.clientMaxAttempts, fc.integer(RANGES.clientMaxAttempts)),
    }).map((drawn) => compact<ScenarioConfig>(drawn)),
  bodyLimit: {
    bytes: MAX_SYNC_REQUEST_BYTES,
    what: 'RequestResponse invoke payload limit',
    refusal: 'Lambda would answer 413 RequestEntityTooLargeException and never run the handler',
  },
  errorFields: { maxAttempts: 'config.clientMaxAttempts' },
  wire({ sim, scenario, guard, defineFunction, noteEvent }) {
    const c = scenario.config;
    const fn = defineFunction();
    const client = guard(() =>
      sim.client(fn, compact({ clientTimeoutMs: c.clientTimeoutMs, maxAttempts: c.clientMaxAttempts })),
    );
    scenario.events.forEach((event, i) => {
      sim.spawn(
        `event-${i + 1}`,
        async () => {
          // The ledger's event index: every request the client made for this event.
          const { attempts } = await client.invoke(event.body);
          for (const attempt of attempts) noteEvent(attempt.requestId, i);
        },
        { atMs: event.atMs },
      );
    });
    return { fn };
  },
};
