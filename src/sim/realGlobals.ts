import crypto from 'node:crypto';
import timers from 'node:timers';
import timersPromises from 'node:timers/promises';

/**
 * The real globals, captured once at load, before lambdasim patches anything. The kernel uses
 * `setImmediate` to drain microtasks; everything else is kept so that code running outside a
 * simulated invocation (the test runner, the user's test body) gets the real thing.
 */
export const realGlobals = {
  Date: globalThis.Date,
  dateNow: globalThis.Date.now,
  mathRandom: Math.random,
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  setImmediate: globalThis.setImmediate,
  clearImmediate: globalThis.clearImmediate,
  performanceNow: globalThis.performance.now.bind(globalThis.performance),
  /** `performance.timeOrigin`'s getter (it lives on `Performance.prototype`). */
  timeOriginGetter: Object.getOwnPropertyDescriptor(
    Object.getPrototypeOf(globalThis.performance),
    'timeOrigin',
  )?.get as (this: typeof globalThis.performance) => number,
  cryptoRandomUUID: crypto.randomUUID,
  webCryptoRandomUUID: globalThis.crypto.randomUUID.bind(globalThis.crypto),
  processExit: process.exit,
  /** The process's own environment object (Node's, whose `TZ` setter resets the time zone). */
  env: process.env,
  hrtime: process.hrtime,
  hrtimeBigint: process.hrtime.bigint,
  uptime: process.uptime,
  randomBytes: crypto.randomBytes,
  randomInt: crypto.randomInt,
  webGetRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto),
  timers: { ...timers },
  timersPromises: { ...timersPromises },
} as const;
