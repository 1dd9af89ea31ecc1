import { type Fault, faultPoint, type FaultShape } from './Fault.js';

/**
 * A fault of the run's plan that never took effect: the run did not get as far as the point it
 * aims at (fewer calls, tries, events or messages than its index), or got there and the fault
 * could not apply (a handler fault on a try that was throttled before its handler ran).
 *
 * Information, not a failure: generated and shrunk plans routinely aim past what a run does.
 * It tells a reader which faults of a replayed plan actually shaped the run.
 */
export interface UnreachedFault {
  /** Its index in the plan (`faults[index]`). */
  readonly index: number;
  readonly fault: Fault;
  /** How many of the fault's points the run reached, e.g. 3 calls to `payments` for `call: 5`. */
  readonly reached: number;
  /** Why, in words: `the run made 3 calls to payments`. */
  readonly reason: string;
}

/**
 * Why `fault` (aimed at point `at` of `target`) never took effect, given that the run reached
 * `reached` of those points.
 */
export function unreachedReason(fault: Fault, reached: number): string {
  const { target, point, at } = faultPoint(fault);
  if (reached >= at)
    return `${point} ${at} of ${target} ended before its handler ran (throttled, or Init failed), so the fault could not apply`;
  return countPhrase(point, target, reached);
}

function countPhrase(point: FaultShape['point'], target: string, n: number): string {
  const times = (one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  switch (point) {
    case 'invocation':
      return `the run tried ${target} ${times('time', 'times')}`;
    case 'call':
      return `the run made ${times('call', 'calls')} to ${target}`;
    case 'event':
      return `Lambda accepted ${times('async event', 'async events')} for ${target}`;
    case 'delivery':
      return `${target} handed out ${times('message', 'messages')} to receives`;
    case 'message':
      return `${times('message was', 'messages were')} sent to ${target}`;
    case 'record':
      return `${times('record was', 'records were')} put to ${target}`;
    case 'batch':
      return `mappings of ${target} handed out ${times('batch', 'batches')}`;
    default: {
      const never: never = point;
      return String(never);
    }
  }
}

/**
 * One line for a report: `faults[1] (callError payments call 5) was never reached: the run made
 * 3 calls to payments`.
 *
 * @example
 * ```ts
 * result.unreachedFaults.map(formatUnreachedFault);
 * ```
 */
export function formatUnreachedFault(u: UnreachedFault): string {
  const { target, point, at } = faultPoint(u.fault);
  const what = u.reached >= at ? 'never took effect' : 'was never reached';
  return `faults[${u.index}] (${u.fault.kind} ${target} ${point} ${at}) ${what}: ${u.reason}`;
}
