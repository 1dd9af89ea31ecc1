import type { EventBridgeEvent } from 'aws-lambda';
import { checkName } from '../../errors.js';
import { ACCOUNT_ID, REGION } from '../../lambda/FunctionConfig.js';
import type { World } from '../../world/World.js';
import { eventBridgeEvent } from './eventBridgeEvent.js';
import type { Rng } from '../../sim/Rng.js';
import { seededUuid } from '../../sim/Rng.js';
import type { Effect } from '../../services/ExternalApi.js';
import { ExternalApi, type ExternalApiOptions } from '../../services/ExternalApi.js';

/** Options of {@link Simulation.eventBus}. */
export interface EventBusOptions {
  /** Virtual time one PutEvents call takes, request to response; it lands halfway. @defaultValue 20 */
  readonly latencyMs?: ExternalApiOptions['latencyMs'];
}

/** One PutEvents entry as the SDK sends it (the fields lambdasim reads). */
export interface PutEventsEntry {
  readonly Source: string;
  readonly DetailType: string;
  /** JSON text. */
  readonly Detail: string;
  readonly Resources?: readonly string[];
  /** Epoch seconds, when the caller set `Time`. */
  readonly Time?: number;
}

/** An event the bus accepted, as a rule target receives it, with who put it. */
export type BusEvent = EventBridgeEvent<string, unknown>;

/**
 * A simulated EventBridge event bus: `PutEvents` from a handler's `EventBridgeClient` lands here
 * (the `EventBusName`, `default` when the entry names none). Each accepted call is one effect in
 * `result.effects(name)` (op `PutEvents`, args `{ Entries }` as sent, attributed to the invocation
 * that made it), so the checks count events as they count any external effect; `events()` lists the
 * events as a rule's target would receive them. Faults aimed at the bus's name hit its calls.
 *
 * @example
 * ```ts
 * const bus = sim.eventBus('orders');
 * // handler: await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'orders', Source: 'shop', DetailType: 'OrderPlaced', Detail: '{"id":"o-1"}' }] }));
 * await sim.run();
 * bus.events().map((e) => e.detail); // [{ id: 'o-1' }]
 * checks.exactlyOnce(result.effects('orders'), (e) => (e.args as any).Entries[0].Detail);
 * ```
 */
export class EventBus {
  readonly arn: string;
  /** @internal The external API behind the bus: its latency, faults and effects ledger. */
  readonly api: ExternalApi;
  private readonly received: BusEvent[] = [];
  private readonly ids: Rng;

  /** @internal Use {@link Simulation.eventBus}. */
  constructor(
    private readonly world: World,
    readonly name: string,
    options: EventBusOptions = {},
  ) {
    checkName(
      'sim.eventBus',
      'name',
      name,
      /^[/.\-_A-Za-z0-9]{1,256}$/,
      'must be 1-256 letters, digits, dots, hyphens, underscores or slashes',
    );
    this.arn = `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${name}`;
    this.ids = world.kernel.rng(`events.ids:${name}`);
    this.api = new ExternalApi(world, name, {
      ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
      respond: (_op, args) => ({ EventIds: this.accept((args as { Entries: PutEventsEntry[] }).Entries) }),
    });
  }

  /** The events accepted so far, in arrival order, as a rule's target receives them. */
  events(): readonly BusEvent[] {
    return Object.freeze(this.received.slice());
  }

  /** The PutEvents calls that landed (one effect per call), as `result.effects(name)` lists them. */
  effects(): readonly Effect[] {
    return this.api.effects();
  }

  /** @internal One PutEvents call from user code (entries already validated); resolves with the event ids. */
  async put(entries: readonly PutEventsEntry[]): Promise<readonly string[]> {
    const reply = (await this.api.call('PutEvents', { Entries: entries })) as { EventIds: string[] };
    return reply.EventIds;
  }

  private accept(entries: readonly PutEventsEntry[]): string[] {
    const nowEpochMs = this.world.epochStartMs + this.world.kernel.nowMs;
    return entries.map((entry) => {
      const id = seededUuid(this.ids);
      this.received.push(
        eventBridgeEvent({
          source: entry.Source,
          detailType: entry.DetailType,
          detail: JSON.parse(entry.Detail) as unknown,
          resources: entry.Resources ?? [],
          id,
          timeEpochMs: entry.Time === undefined ? nowEpochMs : entry.Time * 1000,
        }),
      );
      return id;
    });
  }
}
