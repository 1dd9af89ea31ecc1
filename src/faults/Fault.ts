/**
 * Faults as plain data: printable as a literal, savable as JSON, shrinkable by fast-check. Each
 * fault names a deterministic point of a run:
 *
 * - `invocation: n` is the n-th time Lambda tries to run function `fn` in this run (1-based; a
 *   throttled try counts, a retry is a new try), whatever the model that asked (sync, async, SQS);
 * - `call: n` is the n-th call made to service `service` (a table, an external API, a queue
 *   send), counted across all callers.
 *
 * Every fault here is one AWS itself can produce.
 */
export type Fault =
  /** The invocation fails as if the handler threw at once: a function error, environment kept. */
  | {
      readonly kind: 'handlerError';
      readonly fn: string;
      readonly invocation: number;
      readonly message?: string;
    }
  /** The handler hangs until the function timeout: `Sandbox.Timedout`, environment reset. */
  | { readonly kind: 'handlerTimeout'; readonly fn: string; readonly invocation: number }
  /**
   * The runtime process is killed right after the invocation's `calls`-th service call lands
   * (its effect done, its response never read): `Runtime.ExitError`, environment reset.
   * `calls: 0` kills it before the handler starts.
   */
  | {
      readonly kind: 'crashAfterCalls';
      readonly fn: string;
      readonly invocation: number;
      readonly calls: number;
    }
  /** The environments of `fn` are reclaimed before this invocation: it starts cold. */
  | { readonly kind: 'coldStart'; readonly fn: string; readonly invocation: number }
  /** This invocation is throttled (429 / re-queued / batch retried, as its model does). */
  | { readonly kind: 'throttle'; readonly fn: string; readonly invocation: number }
  /** The call fails at the service without any effect; the caller gets an error named `errorName`. */
  | {
      readonly kind: 'callError';
      readonly service: string;
      readonly call: number;
      readonly errorName?: string;
      readonly message?: string;
    }
  /** The call never answers; its effect landed (`landed: true`) or not. */
  | {
      readonly kind: 'callTimeout';
      readonly service: string;
      readonly call: number;
      readonly landed: boolean;
    }
  /** The call takes `addMs` longer, split over its request and response. */
  | { readonly kind: 'callLatency'; readonly service: string; readonly call: number; readonly addMs: number };

export type FaultKind = Fault['kind'];

/** A run's faults. Order does not matter; two faults may aim at the same point. */
export type FaultPlan = readonly Fault[];

/** Faults aimed at a function invocation. */
export type InvocationFault = Extract<Fault, { readonly fn: string }>;
/** Faults aimed at a service call. */
export type CallFault = Extract<Fault, { readonly service: string }>;

export const INVOCATION_FAULT_KINDS = [
  'handlerError',
  'handlerTimeout',
  'crashAfterCalls',
  'coldStart',
  'throttle',
] as const satisfies readonly InvocationFault['kind'][];

export const CALL_FAULT_KINDS = [
  'callError',
  'callTimeout',
  'callLatency',
] as const satisfies readonly CallFault['kind'][];

export const FAULT_KINDS: readonly FaultKind[] = [...INVOCATION_FAULT_KINDS, ...CALL_FAULT_KINDS];
