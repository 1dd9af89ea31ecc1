/**
 * Installs lambdasim's virtual globals as a side effect of being imported. The package entries
 * (`lambdasim`, `lambdasim/vitest`) import this module first, so any module loaded after lambdasim
 * that captures `Date`, `Math.random`, `crypto.randomUUID`, `performance.now` or a timer at its
 * load (as `uuid` binds `crypto.randomUUID`) holds the dispatching version: virtual inside a
 * simulated invocation, real outside. References captured before lambdasim was imported stay real.
 * It also installs the HTTP interception layer (the AWS SDK's request handler, `fetch`, the socket
 * guard: `transport/interceptHttp.ts`); its patches act on the classes themselves, so SDK clients
 * created before lambdasim was imported are intercepted too. And it wraps the console methods and
 * `process.stdout` / `process.stderr` (`captureOutput`), so a package that binds `console.error`
 * at its load (`@middy/sqs-partial-batch-failure`'s default logger does) writes to the invocation's
 * captured logs, not to the terminal; each run wraps again a console replaced since.
 * @module
 */
import { installHttpInterception } from './transport/interceptHttp.js';
import { captureOutput } from './sim/captureOutput.js';
import { installVirtualGlobals } from './sim/installVirtualGlobals.js';

installVirtualGlobals();
installHttpInterception();
captureOutput();
