import type { EventBus, PutEventsEntry } from '../models/sources/EventBus.js';
import { UnroutedRequestError } from './UnroutedRequestError.js';
import { awsJsonError, awsJsonResponse, jsonTarget } from './awsJson.js';
import type { AwsProtocolService, AwsResources, SimHttpRequest, SimHttpResponse } from './protocol.js';

const SUPPORTED = ['PutEvents'] as const;
const JSON_1_1 = 'application/x-amz-json-1.1';
/** "Amazon EventBridge quotas": at most 10 entries per PutEvents request. */
const MAX_ENTRIES = 10;

type Json = Record<string, unknown>;
type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/**
 * EventBridge over the AWS JSON 1.1 protocol (`x-amz-target: AWSEvents.PutEvents`; "PutEvents",
 * Amazon EventBridge API Reference, https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html),
 * served by `sim.eventBus` buses: an entry's `EventBusName` (a name or an ARN; `default` when
 * absent) picks the bus. Entries are processed in order and an invalid one fails alone, with the
 * `ErrorCode` of "PutEventsResultEntry" (`InvalidArgument`, `MalformedDetail`); the valid ones of a
 * bus are one call to it (its latency, its faults, one effect).
 */
export const eventBridgeService: AwsProtocolService = {
  endpointPrefix: 'events',
  serviceName: 'EventBridge',
  async serve(request: SimHttpRequest, resources: AwsResources): Promise<SimHttpResponse> {
    const op = jsonTarget(request.headers);
    if (!(SUPPORTED as readonly string[]).includes(op))
      throw new UnroutedRequestError(
        `EventBridge ${op || '(no x-amz-target)'}: not simulated by lambdasim (EventBridge commands simulated: ${SUPPORTED.join(', ')})`,
      );
    const entries = ((JSON.parse(request.body || '{}') as Json).Entries as Json[] | undefined) ?? [];
    if (entries.length === 0 || entries.length > MAX_ENTRIES)
      return awsJsonError(
        400,
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES} and greater than or equal to 1`,
        undefined,
        { 'content-type': JSON_1_1 },
      );
    const results: (EntryResult | undefined)[] = entries.map(invalidity);
    // The valid entries, grouped by bus in request order: one call per bus.
    const byBus = new Map<EventBus, number[]>();
    entries.forEach((entry, index) => {
      if (results[index] !== undefined) return;
      const bus = busOf(entry, resources);
      byBus.set(bus, [...(byBus.get(bus) ?? []), index]);
    });
    for (const [bus, indexes] of byBus) {
      const ids = await bus.put(indexes.map((i) => sent(entries[i]!)));
      indexes.forEach((i, n) => (results[i] = { EventId: ids[n]! }));
    }
    return awsJsonResponse(
      {
        FailedEntryCount: results.filter((r) => r !== undefined && 'ErrorCode' in r).length,
        Entries: results,
      },
      JSON_1_1,
    );
  },
  errorResponse: (statusCode, code, message) =>
    awsJsonError(statusCode, code, message, undefined, { 'content-type': JSON_1_1 }),
};

/** Why EventBridge refuses an entry alone ("PutEventsResultEntry" error codes), or undefined. */
function invalidity(entry: Json): EntryResult | undefined {
  for (const field of ['Source', 'DetailType', 'Detail'] as const)
    if (typeof entry[field] !== 'string' || entry[field] === '')
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
  try {
    const detail = JSON.parse(entry.Detail as string) as unknown;
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail))
      throw new Error('not an object');
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  return undefined;
}

function busOf(entry: Json, resources: AwsResources): EventBus {
  const given = typeof entry.EventBusName === 'string' ? entry.EventBusName : 'default';
  const name = given.includes(':event-bus/') ? given.slice(given.indexOf(':event-bus/') + 11) : given;
  const bus = resources.eventBus(name);
  if (bus !== undefined) return bus;
  const names = resources.eventBusNames();
  throw new UnroutedRequestError(
    `EventBridge PutEvents on event bus ${JSON.stringify(name)}: no event bus ${JSON.stringify(name)} in this simulation (${names.length === 0 ? 'no event buses' : `event buses: ${names.join(', ')}`})`,
  );
}

/** The entry as the effect records it: the fields EventBridge keeps. */
function sent(entry: Json): PutEventsEntry {
  return {
    Source: entry.Source as string,
    DetailType: entry.DetailType as string,
    Detail: entry.Detail as string,
    ...(Array.isArray(entry.Resources) ? { Resources: entry.Resources as string[] } : {}),
    ...(typeof entry.Time === 'number' ? { Time: entry.Time } : {}),
  };
}
