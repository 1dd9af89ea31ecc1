import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import timers from 'node:timers';
import timersPromises from 'node:timers/promises';
import type { GlobalSlot } from './GlobalsGuard.js';
import { realGlobals as real } from './realGlobals.js';
import { makeVirtualEnv } from './virtualEnv.js';
import { currentScope, type VirtualScope, VirtualTimer } from './VirtualScope.js';

type AnyFn = (...args: unknown[]) => unknown;
let installed = false;
let slots: readonly GlobalSlot[] = [];
let inPlace: () => boolean = () => false;

/**
 * Replaces `Date`, `Math.random`, `performance.now`/`timeOrigin`, `process.hrtime`/`uptime`, the random
 * functions of `node:crypto` and Web Crypto (`randomUUID`, `randomBytes`, `randomInt`,
 * `getRandomValues`), the timer functions (global, `node:timers`, `node:timers/promises`) and
 * `process.exit` with versions that answer
 * from the current {@link VirtualScope} when called on behalf of a simulation, and behave exactly
 * as the real ones otherwise; `process.env` becomes a proxy that reads and writes the simulated
 * runtime process's own variables inside one ({@link makeVirtualEnv}). Installed once per
 * process, when lambdasim is imported (`installAtImport.ts`), so that modules loaded afterwards
 * capture the dispatching versions; idempotent.
 */
export function installVirtualGlobals(): void {
  if (installed) return;
  installed = true;
  const g = globalThis as unknown as Record<string, unknown>;

  g.Date = makeVirtualDate();
  Math.random = function random(): number {
    const s = currentScope();
    return s === undefined ? real.mathRandom() : s.random();
  };
  globalThis.performance.now = function now(): number {
    const s = currentScope();
    return s === undefined ? real.performanceNow() : s.monotonicMs();
  };
  // Inside a scope `timeOrigin + now()` is the virtual wall clock, as it is the real one outside.
  // The real getter lives on Performance.prototype; this own property shadows it.
  Object.defineProperty(globalThis.performance, 'timeOrigin', {
    configurable: true,
    enumerable: true,
    get(this: typeof globalThis.performance): number {
      const s = currentScope();
      return s === undefined ? real.timeOriginGetter.call(this) : s.epochMs() - s.monotonicMs();
    },
  });
  const randomUUID = function randomUUID(
    options?: crypto.RandomUUIDOptions,
  ): `${string}-${string}-${string}-${string}-${string}` {
    const s = currentScope();
    return (
      s === undefined ? real.cryptoRandomUUID(options) : s.randomUUID()
    ) as `${string}-${string}-${string}-${string}-${string}`;
  };
  crypto.randomUUID = randomUUID;
  globalThis.crypto.randomUUID = randomUUID;

  const setTimeoutV = function setTimeout(cb: AnyFn, ms?: number, ...args: unknown[]) {
    const s = currentScope();
    if (s === undefined) return (real.setTimeout as AnyFn)(cb, ms, ...args);
    assertCallback(cb, 'setTimeout');
    return s.setTimer(() => cb(...args), toDelay(ms), false);
  };
  const setIntervalV = function setInterval(cb: AnyFn, ms?: number, ...args: unknown[]) {
    const s = currentScope();
    if (s === undefined) return (real.setInterval as AnyFn)(cb, ms, ...args);
    assertCallback(cb, 'setInterval');
    return s.setTimer(() => cb(...args), toDelay(ms), true);
  };
  const setImmediateV = function setImmediate(cb: AnyFn, ...args: unknown[]) {
    const s = currentScope();
    if (s === undefined) return (real.setImmediate as AnyFn)(cb, ...args);
    assertCallback(cb, 'setImmediate');
    return s.setTimer(() => cb(...args), 0, false);
  };
  const clearV = (realClear: AnyFn) =>
    function clear(timer: unknown) {
      if (timer instanceof VirtualTimer) timer.owner.clearTimer(timer);
      else realClear(timer);
    };
  const clearTimeoutV = clearV(real.clearTimeout as AnyFn);
  const clearIntervalV = clearV(real.clearInterval as AnyFn);
  const clearImmediateV = clearV(real.clearImmediate as AnyFn);

  Object.assign(g, {
    setTimeout: setTimeoutV,
    setInterval: setIntervalV,
    setImmediate: setImmediateV,
    clearTimeout: clearTimeoutV,
    clearInterval: clearIntervalV,
    clearImmediate: clearImmediateV,
  });
  Object.assign(timers, {
    setTimeout: setTimeoutV,
    setInterval: setIntervalV,
    setImmediate: setImmediateV,
    clearTimeout: clearTimeoutV,
    clearInterval: clearIntervalV,
    clearImmediate: clearImmediateV,
  });
  Object.assign(timersPromises, {
    setTimeout: function setTimeout(ms?: number, value?: unknown, options?: unknown) {
      const s = currentScope();
      if (s === undefined) return (real.timersPromises.setTimeout as AnyFn)(ms, value, options);
      return new Promise((resolve) => s.setTimer(() => resolve(value), toDelay(ms), false));
    },
    setImmediate: function setImmediate(value?: unknown, options?: unknown) {
      const s = currentScope();
      if (s === undefined) return (real.timersPromises.setImmediate as AnyFn)(value, options);
      return new Promise((resolve) => s.setTimer(() => resolve(value), 0, false));
    },
  });

  // Monotonic clocks: virtual milliseconds since the start of the run.
  const hrtime = function hrtime(previous?: [number, number]): [number, number] {
    const s = currentScope();
    if (s === undefined) return real.hrtime.call(process, previous);
    const ns = BigInt(Math.round(s.monotonicMs() * 1e6));
    let sec = Number(ns / 1_000_000_000n);
    let nsec = Number(ns % 1_000_000_000n);
    if (previous !== undefined) {
      sec -= previous[0];
      nsec -= previous[1];
      if (nsec < 0) {
        sec -= 1;
        nsec += 1_000_000_000;
      }
    }
    return [sec, nsec];
  } as NodeJS.HRTime;
  hrtime.bigint = function bigint(): bigint {
    const s = currentScope();
    return s === undefined
      ? real.hrtimeBigint.call(process.hrtime)
      : BigInt(Math.round(s.monotonicMs() * 1e6));
  };
  process.hrtime = hrtime;
  process.uptime = function uptime(): number {
    const s = currentScope();
    return s === undefined ? real.uptime.call(process) : s.monotonicMs() / 1000;
  };

  // Randomness from node:crypto and Web Crypto: seeded inside a scope.
  const seededBytes = (s: VirtualScope, n: number): Buffer => {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(s.random() * 256);
    return out;
  };
  const getRandomValues = <T extends ArrayBufferView | null>(realFn: (a: T) => T) =>
    function getRandomValues(array: T): T {
      const s = currentScope();
      if (s === undefined || array === null) return realFn(array);
      const view = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      view.set(seededBytes(s, view.length));
      return array;
    };
  globalThis.crypto.getRandomValues = getRandomValues(
    real.webGetRandomValues,
  ) as typeof globalThis.crypto.getRandomValues;
  // node:crypto's getRandomValues is a non-configurable getter over Web Crypto's: patching the
  // latter covers both.
  crypto.randomBytes = function randomBytes(
    size: number,
    callback?: (err: Error | null, buf: Buffer) => void,
  ) {
    const s = currentScope();
    if (s === undefined) return (real.randomBytes as AnyFn)(size, callback);
    const buf = seededBytes(s, size);
    if (callback === undefined) return buf;
    s.setTimer(() => callback(null, buf), 0, false);
    return undefined;
  } as typeof crypto.randomBytes;
  crypto.randomInt = function randomInt(a: number, b?: unknown, c?: unknown) {
    const s = currentScope();
    if (s === undefined) return (real.randomInt as AnyFn)(a, b, c);
    const [min, max, callback] = typeof b === 'number' ? [a, b, c] : [0, a, b];
    const n = min + Math.floor(s.random() * (max - min));
    if (typeof callback !== 'function') return n;
    s.setTimer(() => (callback as AnyFn)(null, n), 0, false);
    return undefined;
  } as typeof crypto.randomInt;

  process.exit = function exit(code?: number | string | null): never {
    const s = currentScope();
    if (s === undefined) return real.processExit.call(process, code ?? undefined);
    return s.exit(Number(code ?? process.exitCode ?? 0));
  } as typeof process.exit;

  process.env = makeVirtualEnv(real.env);

  syncBuiltinESMExports();

  const webCrypto = globalThis.crypto;
  const VDate = globalThis.Date;
  slots = [
    ...slotsOf(globalThis, '', [
      'Date',
      'setTimeout',
      'setInterval',
      'setImmediate',
      'clearTimeout',
      'clearInterval',
      'clearImmediate',
    ]),
    ...slotsOf(VDate, 'Date.', ['now']),
    ...slotsOf(Math, 'Math.', ['random']),
    ...slotsOf(globalThis.performance, 'performance.', ['now']),
    ...slotsOf(webCrypto, 'crypto.', ['randomUUID', 'getRandomValues']),
    ...slotsOf(crypto, 'node:crypto ', ['randomUUID', 'randomBytes', 'randomInt']),
    ...slotsOf(timers, 'node:timers ', [
      'setTimeout',
      'setInterval',
      'setImmediate',
      'clearTimeout',
      'clearInterval',
      'clearImmediate',
    ]),
    ...slotsOf(timersPromises, 'node:timers/promises ', ['setTimeout', 'setImmediate']),
    ...slotsOf(process, 'process.', ['env', 'hrtime', 'uptime', 'exit']),
    ...slotsOf(hrtime, 'process.hrtime.', ['bigint']),
  ];

  // The same slots, one property load per site (a loop over them costs ~30x more): the check
  // that runs after every invocation.
  const v = Object.freeze({
    dateNow: VDate.now,
    random: Math.random,
    perfNow: globalThis.performance.now,
    webUuid: webCrypto.randomUUID,
    webValues: webCrypto.getRandomValues,
    randomBytes: crypto.randomBytes,
    randomInt: crypto.randomInt,
    promisesSetTimeout: timersPromises.setTimeout,
    promisesSetImmediate: timersPromises.setImmediate,
    env: process.env,
    uptime: process.uptime,
    exit: process.exit,
    bigint: hrtime.bigint,
  });
  const perf = globalThis.performance;
  const proc = process;
  inPlace = () =>
    globalThis.Date === VDate &&
    globalThis.setTimeout === setTimeoutV &&
    globalThis.setInterval === setIntervalV &&
    globalThis.setImmediate === setImmediateV &&
    globalThis.clearTimeout === clearTimeoutV &&
    globalThis.clearInterval === clearIntervalV &&
    globalThis.clearImmediate === clearImmediateV &&
    VDate.now === v.dateNow &&
    Math.random === v.random &&
    perf.now === v.perfNow &&
    webCrypto.randomUUID === v.webUuid &&
    webCrypto.getRandomValues === v.webValues &&
    crypto.randomUUID === randomUUID &&
    crypto.randomBytes === v.randomBytes &&
    crypto.randomInt === v.randomInt &&
    timers.setTimeout === setTimeoutV &&
    timers.setInterval === setIntervalV &&
    timers.setImmediate === setImmediateV &&
    timers.clearTimeout === clearTimeoutV &&
    timers.clearInterval === clearIntervalV &&
    timers.clearImmediate === clearImmediateV &&
    timersPromises.setTimeout === v.promisesSetTimeout &&
    timersPromises.setImmediate === v.promisesSetImmediate &&
    proc.env === v.env &&
    proc.hrtime === hrtime &&
    proc.uptime === v.uptime &&
    proc.exit === v.exit &&
    hrtime.bigint === v.bigint;
}

/**
 * The properties that hold the virtual globals (installing them first), for a
 * {@link GlobalsGuard} to keep in place.
 */
export function virtualGlobalSlots(): readonly GlobalSlot[] {
  installVirtualGlobals();
  return slots;
}

/**
 * True when every slot of {@link virtualGlobalSlots} holds lambdasim's virtual version: the fast
 * path of {@link GlobalsGuard.restore}.
 */
export function virtualGlobalsInPlace(): boolean {
  return inPlace();
}

function slotsOf(owner: object, prefix: string, keys: readonly string[]): GlobalSlot[] {
  return keys.map((key) => ({ owner, key, name: `${prefix}${key}` }));
}

function toDelay(ms: number | undefined): number {
  const n = Number(ms);
  // Node: delays outside 1..2^31-1 (and NaN) become 1 ms.
  if (!(n >= 1 && n <= 2_147_483_647)) return 1;
  return Math.trunc(n);
}

function assertCallback(cb: unknown, api: string): void {
  if (typeof cb !== 'function') {
    const err = new TypeError(`The "callback" argument must be of type function. Received ${typeof cb}`);
    (err as { code?: string }).code = 'ERR_INVALID_ARG_TYPE';
    throw Object.assign(err, { api });
  }
}

function makeVirtualDate(): DateConstructor {
  const RealDate = real.Date;
  function VirtualDate(this: unknown, ...args: unknown[]): unknown {
    const s = currentScope();
    if (new.target === undefined) {
      return s === undefined ? RealDate() : new RealDate(s.epochMs()).toString();
    }
    const target = new.target === VirtualDate ? RealDate : new.target;
    if (args.length === 0 && s !== undefined) return Reflect.construct(RealDate, [s.epochMs()], target);
    return Reflect.construct(RealDate, args, target);
  }
  Object.setPrototypeOf(VirtualDate, RealDate);
  VirtualDate.prototype = RealDate.prototype;
  Object.defineProperty(VirtualDate, 'name', { value: 'Date' });
  (VirtualDate as unknown as { now: () => number }).now = function now(): number {
    const s = currentScope();
    return s === undefined ? real.dateNow.call(RealDate) : s.epochMs();
  };
  return VirtualDate as unknown as DateConstructor;
}

let utcHolders = 0;
let savedTz: string | undefined;

/**
 * Lambda runs with `TZ=UTC`. While at least one run is active the process time zone is UTC, so
 * local-time Date methods, date parsing and `Intl` formatting give the same answers on every
 * machine; the previous zone is restored when the last run ends. Returns the release function.
 */
export function holdUtcTimeZone(): () => void {
  // The process's own environment: its TZ setter is what resets the process time zone.
  const env = real.env;
  if (utcHolders++ === 0) {
    savedTz = env.TZ;
    env.TZ = 'UTC';
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--utcHolders === 0) {
      if (savedTz === undefined) delete env.TZ;
      else env.TZ = savedTz;
    }
  };
}
