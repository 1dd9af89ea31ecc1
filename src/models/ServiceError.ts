import type { ThrottleReason } from '../TraceEvent.js';

/** An error the Lambda API returned instead of running the function. */
export interface ServiceError {
  /** The exception name, e.g. `TooManyRequestsException`. */
  readonly code: string;
  readonly message: string;
  /** Throttle reason (429 only). */
  readonly reason?: ThrottleReason;
  /** The JSON body as the Lambda API returns it. */
  readonly body: Readonly<Record<string, string>>;
}
