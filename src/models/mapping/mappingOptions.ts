import { ConfigError, intInRange } from '../../errors.js';
import { checkFilterPattern, type FilterPattern, matchesPattern } from './filterPattern.js';

/**
 * What every poll-based event source mapping shares (spec §3.0): the batch payload cap, the
 * `BatchSize` / `MaximumBatchingWindowInSeconds` ranges, and `FilterCriteria`. SQS and stream
 * mappings validate and apply these through this one module.
 */

/** The options every poll-based mapping takes; each source adds its own to this list. */
export const SHARED_MAPPING_OPTIONS: readonly string[] = [
  'batchSize',
  'maximumBatchingWindowS',
  'reportBatchItemFailures',
  'filters',
];

/** The 6 MB (6,291,456 bytes) cap on one batch's payload (spec §3.0). */
export const MAX_BATCH_PAYLOAD_BYTES = 6_291_456;

/** `BatchSize`: 1–10,000 for SQS standard queues and streams (spec §0), `fallback` when unset. */
export function resolveBatchSize(api: string, value: unknown, fallback: number): number {
  return intInRange(api, 'batchSize', value ?? fallback, 1, 10_000);
}

/** `MaximumBatchingWindowInSeconds`: 0–300 s (spec §0), 0 when unset. */
export function resolveBatchingWindowS(api: string, value: unknown): number {
  return intInRange(api, 'maximumBatchingWindowS', value ?? 0, 0, 300);
}

/**
 * `FilterCriteria`: at most 5 patterns, ORed (spec §3.0), each on the one key the source allows
 * (`body` for SQS, `data` for Kinesis: "Kinesis event source mappings only support filtering on
 * the data key", https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis-filtering.html; "only
 * support filtering on the body key", https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html).
 */
export function resolveFilterCriteria(
  api: string,
  value: unknown,
  key: string | readonly string[],
  source: string,
): readonly FilterPattern[] {
  const keys = typeof key === 'string' ? [key] : key;
  const raw = value ?? [];
  if (!Array.isArray(raw) || raw.length > 5)
    throw new ConfigError(api, 'filters', 'must be an array of at most 5 filter patterns', raw);
  return raw.map((f, i) => {
    const pattern = checkFilterPattern(api, `filters[${i}]`, f);
    for (const k of Object.keys(pattern))
      if (!keys.includes(k))
        throw new ConfigError(
          api,
          `filters[${i}].${k}`,
          `is not filterable: ${source} event source mappings support filtering on the ${keys.join(', ')} key${keys.length === 1 ? '' : 's'} only`,
          pattern[k],
        );
    return pattern;
  });
}

/**
 * True when the record passes the mapping's filters: no filters, or any pattern matches the view
 * `{ [key]: content }`, where content is the text parsed as JSON, or the text itself when it is
 * not JSON (it then matches plain string values only).
 */
export function passesFilters(filters: readonly FilterPattern[], key: string, text: string): boolean {
  if (filters.length === 0) return true;
  return passesFilterView(filters, { [key]: filterContent(text) });
}

/** True when any pattern matches `view` (or there are none). */
export function passesFilterView(
  filters: readonly FilterPattern[],
  view: Readonly<Record<string, unknown>>,
): boolean {
  return filters.length === 0 || filters.some((f) => matchesPattern(f, view));
}

/** A filtered field's content: the text parsed as JSON, or the text itself when it is not JSON. */
export function filterContent(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // not JSON: matched as a plain string
  }
}
