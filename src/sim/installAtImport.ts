/**
 * Installs lambdasim's virtual globals as a side effect of being imported. The package entries
 * (`lambdasim`, `lambdasim/vitest`) import this module first, so any module loaded after lambdasim
 * that captures `Date`, `Math.random`, `crypto.randomUUID`, `performance.now` or a timer at its
 * load (as `uuid` binds `crypto.randomUUID`) holds the dispatching version: virtual inside a
 * simulated invocation, real outside. References captured before lambdasim was imported stay real.
 * @module
 */
import { installVirtualGlobals } from './installVirtualGlobals.js';

installVirtualGlobals();
