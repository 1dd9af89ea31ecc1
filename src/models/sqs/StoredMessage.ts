import { unreachable } from '../../sim/invariant.js';
import type { DeliveredAttribute } from '../DeliveryTarget.js';

/** Where a message is at the end of (or during) a run. Every message ends in exactly one. */
export type MessageStatus =
  'delayed' | 'visible' | 'inFlight' | 'deleted' | 'filtered' | 'deadLettered' | 'expired';

/** One message on one queue, with where it is now. A dead-lettered message has a second record on its DLQ (same `messageId`). */
export interface MessageRecord {
  readonly queue: string;
  readonly messageId: string;
  readonly body: string;
  readonly status: MessageStatus;
  /** Receives so far (`ApproximateReceiveCount`). */
  readonly receiveCount: number;
  readonly sentAtMs: number;
  /** When it left the queue (deleted, filtered, dead-lettered, expired); undefined while on it. */
  readonly endedAtMs: number | undefined;
  readonly messageGroupId: string | undefined;
  /** Set on a DLQ's copy: the ARN of the queue it was moved from. */
  readonly deadLetteredFrom: string | undefined;
}

/** @internal A message as the queue stores it. */
export class StoredMessage implements MessageRecord {
  status: MessageStatus = 'visible';
  receiveCount = 0;
  endedAtMs: number | undefined = undefined;
  firstReceiveAtMs = 0;
  /** The receipt handle of the latest receive. */
  receipt = '';
  /** Pending duplicate deliveries (standard queues, R-SQS-9). */
  ghosts = 0;
  /** The receive that last took it (so one receive never returns a message twice). */
  takenBy = 0;
  /** FIFO: the number in `sequenceNumber`, as a number (orders group heads). */
  fifoSeq = 0;
  /** FIFO: index in its group's slots ({@link FifoGroup}). */
  slot = -1;
  constructor(
    readonly queue: string,
    readonly messageId: string,
    readonly body: string,
    /** JSON.stringify(body), computed once. */
    readonly bodyJson: string,
    readonly md5OfBody: string,
    readonly attributes: Readonly<Record<string, DeliveredAttribute>>,
    /** `"messageAttributes":…` and `md5OfMessageAttributes` JSON fragment, computed once. */
    readonly attributesJson: string,
    readonly senderId: string,
    readonly sentAtMs: number,
    readonly messageGroupId: string | undefined,
    readonly messageDeduplicationId: string | undefined,
    readonly sequenceNumber: string | undefined,
    readonly deadLetteredFrom: string | undefined,
    /** Upper bound of this message's record in a Lambda event, for the 6 MB batch cap. */
    readonly recordBytes: number,
  ) {}
}

/** The statuses in counter order. */
export const STATUSES: readonly MessageStatus[] = [
  'delayed',
  'visible',
  'inFlight',
  'deleted',
  'filtered',
  'deadLettered',
  'expired',
];

/** A status's index in the counters: a switch (string compares), no keyed lookup on the hot path. */
export function statusIndex(status: MessageStatus): number {
  switch (status) {
    case 'delayed':
      return 0;
    case 'visible':
      return 1;
    case 'inFlight':
      return 2;
    case 'deleted':
      return 3;
    case 'filtered':
      return 4;
    case 'deadLettered':
      return 5;
    case 'expired':
      return 6;
    default:
      return unreachable(status, 'message status');
  }
}
/** Bits of the statuses a message may move to (`1 << statusIndex`). */
const VISIBLE = 1 << 1;
const IN_FLIGHT = 1 << 2;
const DELETED = 1 << 3;
const FILTERED = 1 << 4;
const DEAD_LETTERED = 1 << 5;
const EXPIRED = 1 << 6;
/**
 * Where a message may go from each status (by status index; bits `1 << index`). inFlight →
 * inFlight is a duplicate copy received while the first is in flight; visible → deleted is a
 * delete after the visibility timeout ended but before another receive; the four end states are
 * final.
 */
export const NEXT: readonly number[] = [
  /* delayed */ VISIBLE | EXPIRED,
  /* visible */ IN_FLIGHT | DELETED | DEAD_LETTERED | EXPIRED,
  /* inFlight */ IN_FLIGHT | VISIBLE | DELETED | FILTERED | EXPIRED,
  0,
  0,
  0,
  0,
];
