import { currentScope } from '../sim/VirtualScope.js';
import { RuntimeProcess } from './RuntimeProcess.js';

let installed = false;

/**
 * Routes Node's `unhandledRejection` for promises created inside a simulated runtime process to
 * that process (R-ENV-5: the Node runtime posts `Runtime.UnhandledPromiseRejection`, then exits).
 *
 * Node emits the event in the async context of the rejected promise, so the
 * {@link currentScope} seen here is the scope the promise was created in (verified on Node 20).
 * `process.emit` is wrapped rather than a listener added, so that a rejection owned by a
 * simulated process reaches no other listener (a test runner would report it as an error of the
 * test process) and every other rejection keeps Node's behaviour, listeners and exit code.
 * Installed once per process; idempotent.
 */
export function routeUnhandledRejections(): void {
  if (installed) return;
  installed = true;
  const realEmit = process.emit;
  process.emit = function emit(this: NodeJS.Process, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'unhandledRejection') {
      const scope = currentScope();
      if (scope instanceof RuntimeProcess) {
        scope.unhandledRejection(args[0]);
        return true;
      }
    }
    return (realEmit as (this: NodeJS.Process, event: string | symbol, ...args: unknown[]) => boolean).call(
      this,
      event,
      ...args,
    );
  } as typeof process.emit;
}
