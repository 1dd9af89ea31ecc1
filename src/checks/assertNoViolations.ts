import { formatViolations } from './formatViolation.js';
import type { Violation } from './Violation.js';

/**
 * A property's checks found violations: the message is the formatted list (what broke, the rule,
 * the fix); `violations` holds them as data.
 */
export class CheckFailedError extends Error {
  override readonly name = 'CheckFailedError';
  constructor(readonly violations: readonly Violation[]) {
    super(formatViolations(violations));
  }
}

/**
 * Throws a {@link CheckFailedError} when `violations` is not empty; otherwise does nothing. Use it
 * at the end of a property to turn the checks' findings into a test failure.
 *
 * @example
 * ```ts
 * assertNoViolations([
 *   ...checks.exactlyOnce(result.effects('payments'), (e) => (e.args as { orderId: string }).orderId),
 *   ...checks.noLostEvents(result),
 * ]);
 * ```
 */
export function assertNoViolations(violations: readonly Violation[]): void {
  if (violations.length > 0) throw new CheckFailedError(violations);
}
