import type { EventBridgeEvent, ScheduledEvent } from 'aws-lambda';
import { ConfigError } from '../../errors.js';
import { ACCOUNT_ID, REGION } from '../../lambda/FunctionConfig.js';
import { DEFAULT_EVENT_EPOCH_MS } from '../frontDoorEvents.js';
import { hashedUuid, isoSeconds } from './eventIds.js';

/** What {@link eventBridgeEvent} builds an event (matched by a rule pattern) from. */
export interface EventBridgeEventInit<TDetailType extends string, TDetail> {
  /** e.g. `com.example.orders` */
  readonly source: string;
  /** e.g. `OrderPlaced` */
  readonly detailType: TDetailType;
  readonly detail: TDetail;
  /** @defaultValue [] */
  readonly resources?: readonly string[];
  /** @defaultValue derived from a hash of the event */
  readonly id?: string;
  /** @defaultValue {@link DEFAULT_EVENT_EPOCH_MS} */
  readonly timeEpochMs?: number;
}

/**
 * An EventBridge event as a rule with an event pattern delivers it to a function (asynchronously).
 * @example
 * ```ts
 * sim.invokeAsync(fn, eventBridgeEvent({ source: 'shop', detailType: 'OrderPlaced', detail: { id: 1 } }));
 * ```
 */
export function eventBridgeEvent<TDetailType extends string, TDetail>(
  init: EventBridgeEventInit<TDetailType, TDetail>,
): EventBridgeEvent<TDetailType, TDetail> {
  if (typeof init.source !== 'string' || init.source === '')
    throw new ConfigError('eventBridgeEvent', 'source', 'must be a non-empty string', init.source);
  if (typeof init.detailType !== 'string' || init.detailType === '')
    throw new ConfigError('eventBridgeEvent', 'detailType', 'must be a non-empty string', init.detailType);
  const timeEpochMs = init.timeEpochMs ?? DEFAULT_EVENT_EPOCH_MS;
  return {
    version: '0',
    id: init.id ?? hashedUuid('events', init.source, init.detailType, init.detail, timeEpochMs),
    'detail-type': init.detailType,
    source: init.source,
    account: ACCOUNT_ID,
    time: isoSeconds(timeEpochMs),
    region: REGION,
    resources: [...(init.resources ?? [])],
    detail: init.detail,
  };
}

/** What {@link scheduledEvent} builds a scheduled event from. */
export interface ScheduledEventInit {
  /** The rule (or schedule) name; its ARN goes into `resources`. */
  readonly ruleName: string;
  /** When the schedule fired, in epoch ms. @defaultValue {@link DEFAULT_EVENT_EPOCH_MS} */
  readonly timeEpochMs?: number;
  /** @defaultValue derived from a hash of rule and time */
  readonly id?: string;
}

/**
 * The event an EventBridge scheduled rule sends (`detail-type: Scheduled Event`, `source:
 * aws.events`, empty `detail`).
 * @example
 * ```ts
 * sim.invokeAsync(fn, scheduledEvent({ ruleName: 'nightly' }));
 * ```
 */
export function scheduledEvent(init: ScheduledEventInit): ScheduledEvent {
  if (typeof init.ruleName !== 'string' || !/^[.\-_A-Za-z0-9]{1,64}$/.test(init.ruleName))
    throw new ConfigError(
      'scheduledEvent',
      'ruleName',
      'must be 1-64 letters, digits, dots, hyphens or underscores',
      init.ruleName,
    );
  const timeEpochMs = init.timeEpochMs ?? DEFAULT_EVENT_EPOCH_MS;
  return {
    version: '0',
    id: init.id ?? hashedUuid('schedule', init.ruleName, timeEpochMs),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT_ID,
    time: isoSeconds(timeEpochMs),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${init.ruleName}`],
    detail: {},
  };
}
