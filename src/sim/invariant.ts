/**
 * lambdasim's own invariants (TigerBeetle-style assertions): conditions that only a bug in
 * lambdasim can break, never a user's handler, configuration or fault plan. User input is checked
 * where it enters and refused with a `ConfigError`; what is asserted here is what lambdasim's own
 * bookkeeping promises (paired counters agree, a slot is given back once, time is whole
 * milliseconds), so a failure stops the run at the first wrong step instead of letting a silent
 * guard absorb it.
 */

const PREFIX = 'lambdasim bug (please report): ';

/**
 * The latest InvariantError no run has reported yet. An invariant can fail where lambdasim's own
 * code or a handler turns the throw into a value (a rejected promise, a failed call, a function
 * error); the kernel takes it from here after each drain and stops the run with it, so a failed
 * invariant is never absorbed. One per process: if two simulations run side by side, whichever
 * checks first reports it (either way it is a lambdasim bug).
 */
let unreported: InvariantError | undefined;

/**
 * Thrown when one of lambdasim's own invariants does not hold: a bug in lambdasim, not in the
 * code under test. The message starts with `lambdasim bug (please report): ` and carries the
 * state that broke the rule; a report with the seed (and scenario) replays it.
 */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
  /** The message without the `lambdasim bug (please report): ` prefix. */
  readonly detail: string;
  constructor(detail: string) {
    super(PREFIX + detail);
    this.detail = detail;
  }
}

/**
 * @internal The InvariantError thrown since the last call, if any (see `unreported`); taking it
 * clears it. For the kernel's run loop.
 */
export function takeInvariantFailure(): InvariantError | undefined {
  const failure = unreported;
  if (failure !== undefined) unreported = undefined;
  return failure;
}

/**
 * Asserts one of lambdasim's own invariants. The message names the rule and the state; pass a
 * function when building it costs something (it is only called on failure), a string literal
 * otherwise.
 *
 * @example
 * ```ts
 * invariant(Number.isInteger(atMs), () => `Kernel.at: virtual time is whole ms, got ${atMs}`);
 * ```
 * @throws InvariantError when `condition` is false.
 */
export function invariant(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) invariantFailed(typeof message === 'string' ? message : message());
}

/**
 * The default branch of an exhaustive `switch` over a union: a new member that is not handled is a
 * compile error here, and a value that is not a member (only a bug can make one) an
 * {@link InvariantError} at run time.
 *
 * @example
 * ```ts
 * switch (fault.kind) {
 *   case 'throttle': return 'throttled';
 *   // … every other kind …
 *   default: return unreachable(fault);
 * }
 * ```
 */
export function unreachable(value: never, what = 'value'): never {
  return invariantFailed(`unreachable: unexpected ${what} ${show(value)}`);
}

/**
 * Throws an {@link InvariantError} for a state only a lambdasim bug can reach (`invariant(false, …)`
 * for a place that must return `never`); keeps it for the kernel in case the throw is caught.
 */
export function invariantFailed(detail: string): never {
  const error = new InvariantError(detail);
  unreported = error;
  throw error;
}

function show(value: unknown): string {
  try {
    const s = JSON.stringify(value);
    if (s !== undefined) return s.length > 200 ? `${s.slice(0, 197)}...` : s;
  } catch {
    // fall through: not JSON (a cycle, a bigint)
  }
  return String(value);
}
