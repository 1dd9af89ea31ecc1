import { CallerScope } from '../world/CallerScope.js';
import { ConfigError, checkName, checkOptions, describe } from '../errors.js';
import type { World } from '../world/World.js';
import { runInScope } from '../sim/VirtualScope.js';
import { type CallReply, type CallSite, callService, type InFlightFate } from './callService.js';
import { jsonEqual } from './conditions.js';
import { type FittedLatency, type LatencyMs, resolveLatencyMs } from './latency.js';

/**
 * Answers a call when it reaches the API (after half the latency). Its return value (JSON data)
 * is the response; a throw is a service error that the caller's promise rejects with (the thrown
 * value as is), and the call is then not an effect. Runs synchronously, in virtual time (its
 * `Date.now()` is the landing instant).
 */
export type Responder = (op: string, args: unknown, site: CallSite) => unknown;

/**
 * The idempotency key a call carries (as a Stripe-style `Idempotency-Key` header would), read
 * from its operation and arguments when it reaches the API; `undefined` for a call without one.
 * It gets the operation because one API serves several endpoints: return `undefined` for the
 * operations that take no key, or put the operation into the key when one business id keys
 * several of them (`${op}:${orderId}`). Runs synchronously in virtual time, like {@link Responder}.
 */
export type IdempotencyKeyOf = (op: string, args: unknown) => string | undefined;

/** Options of {@link Simulation.api}. */
export interface ExternalApiOptions {
  /**
   * Virtual time one call takes, request to response; the call lands halfway. A number is every
   * call's latency; a shape `{ p50, p99 }` draws each call's latency from the run's seeded stream
   * (a lognormal with that median and 99th percentile, see `LatencyShape`), so a slow tail
   * reaches the function's deadline in some runs without a constant picked to hit it.
   * @defaultValue 20
   */
  readonly latencyMs?: LatencyMs;
  /** Computes each response; see {@link Responder}. @defaultValue `() => ({ ok: true })` */
  readonly respond?: Responder;
  /** Whether a call in flight when its caller dies (timeout, crash) still lands. @defaultValue 'lands' */
  readonly inFlightAtDeath?: InFlightFate;
  /**
   * Makes the API honour idempotency keys as Stripe's API v1 does: a call whose key was used
   * before gets the first call's response again (or its error, if `respond` threw) and makes no
   * new effect; it is listed in `result.replays(name)` and traced as `call.replayed`. See
   * {@link ExternalApi} for the rules (key in use, different request, 24 h retention).
   * @defaultValue unset (every accepted call is a new effect)
   */
  readonly idempotencyKey?: IdempotencyKeyOf;
  /**
   * The host whose HTTP requests this API answers (`payments.example`): a `fetch` to it from a
   * handler becomes a call of operation `'<METHOD> <path>'` (e.g. `'POST /charges'`) with args
   * `{ method, path, query, headers, body }` (lower-case header names, a JSON body parsed). The
   * response is `respond`'s value as JSON with status 200, or `{ httpStatus, body, headers }`;
   * a thrown error answers its `statusCode` (else 500). Unique across the simulation's APIs.
   * @defaultValue unset (the API is called with `call` only)
   */
  readonly host?: string;
}

/** {@link ExternalApiOptions} with every default filled in. */
export interface ResolvedExternalApiOptions {
  /** The constant, or the shape with its fitted parameters. */
  readonly latencyMs: number | FittedLatency;
  readonly respond: Responder;
  readonly inFlightAtDeath: InFlightFate;
  readonly idempotencyKey: IdempotencyKeyOf | undefined;
  readonly host: string | undefined;
}

/**
 * One call that reached an external API and was accepted: a side effect that happened (a charge,
 * an email, a webhook). The ledger of an API is what exactly-once checks count.
 *
 * @example
 * ```ts
 * const charges = result.effects('payments').filter((e) => e.op === 'charge');
 * expect(charges.map((e) => (e.args as { orderId: string }).orderId)).toEqual(['o-1']);
 * ```
 */
export interface Effect {
  /** The call's id within the run (the `callId` of its `call.*` trace events). */
  readonly callId: number;
  readonly service: string;
  readonly op: string;
  /** A frozen JSON copy of the arguments, taken when the call was sent. */
  readonly args: unknown;
  /** Virtual time the call was sent. */
  readonly sentAtMs: number;
  /** Virtual time the call landed (the effect happened). */
  readonly atMs: number;
  /** Environment id (`Fn#2`) or simulated caller name. */
  readonly by: string;
  /** The function whose environment made the call; undefined for simulated callers. */
  readonly fn: string | undefined;
  /** The invocation running when the call was sent; undefined for callers or background work sent between invocations. */
  readonly requestId: string | undefined;
  /** The call's idempotency key, when the API has an `idempotencyKey` option and the call carried one. */
  readonly idempotencyKey?: string;
}

/**
 * A call that reached an API with an idempotency key it had seen, and got the first call's stored
 * response instead of making a new effect. Not in the effects ledger: exactly-once checks count
 * the first call only.
 *
 * @example
 * ```ts
 * const [replay] = result.replays('payments');
 * replay?.replayOf; // the callId of the effect whose response it got
 * ```
 */
export interface Replay extends Omit<Effect, 'idempotencyKey'> {
  readonly idempotencyKey: string;
  /** The `callId` of the first call with this key (the effect). */
  readonly replayOf: number;
  /** Whether the stored response was a success (false: the first call's `respond` threw, and so does this one). */
  readonly ok: boolean;
}

/**
 * A call refused by an API's idempotency layer, as Stripe refuses it; no effect, nothing stored.
 * - `keyInUse` (409 Conflict): the first call with this key reached the API and its response has
 *   not been sent yet (from its landing until its response is due back);
 * - `differentRequest` (400): the key was first used with another operation or other arguments.
 *
 * @example
 * ```ts
 * try {
 *   await payments.call('charge', { orderId, amountCents, idempotencyKey: orderId });
 * } catch (error) {
 *   // keyInUse: an earlier attempt is still being answered; fail this one and let Lambda retry
 *   // later, when the key replays the stored answer
 *   if (error instanceof IdempotencyError) console.warn(`charge refused: ${error.reason} (${error.statusCode})`);
 *   throw error;
 * }
 * ```
 */
export class IdempotencyError extends Error {
  override readonly name = 'IdempotencyError';
  /** HTTP status an API answers with: 409 for `keyInUse`, 400 for `differentRequest`. */
  readonly statusCode: 409 | 400;
  constructor(
    readonly reason: 'keyInUse' | 'differentRequest',
    readonly idempotencyKey: string,
    message: string,
  ) {
    super(message);
    this.statusCode = reason === 'keyInUse' ? 409 : 400;
  }
}

/** How long an API remembers an idempotency key after its first call landed (Stripe: at least 24 h). */
export const IDEMPOTENCY_KEY_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Stripe's limit on an idempotency key's length. */
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** What an API stored for an idempotency key: the first call and its outcome. */
interface StoredKey {
  readonly callId: number;
  readonly op: string;
  readonly args: unknown;
  readonly ok: boolean;
  /** The response (a JSON copy) or what `respond` threw. */
  readonly outcome: unknown;
  /** Until this instant the first call is still being answered: a repeat is a 409. */
  readonly answeredAtMs: number;
  readonly expiresAtMs: number;
}

const KNOWN_OPTIONS = new Set(['latencyMs', 'respond', 'inFlightAtDeath', 'idempotencyKey', 'host']);
/** A DNS host name: labels of lower-case letters, digits and hyphens. */
const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const FATES: readonly InFlightFate[] = ['lands', 'lost', 'random'];
const defaultRespond: Responder = () => ({ ok: true });

/** Validates an external API's name and options and fills in every default. */
export function resolveExternalApiOptions(name: unknown, options: unknown): ResolvedExternalApiOptions {
  const apiName = checkName(
    'sim.api',
    'name',
    name,
    /^[a-zA-Z0-9_.-]{1,255}$/,
    'must be 1-255 characters of letters, digits, underscores, hyphens and dots',
  );
  const api = `api(${JSON.stringify(apiName)})`;
  const o = checkOptions(api, options, KNOWN_OPTIONS, 'must be an object');
  const latencyMs = resolveLatencyMs(api, o.latencyMs, 20);
  const respond = o.respond ?? defaultRespond;
  if (typeof respond !== 'function')
    throw new ConfigError(api, 'respond', 'must be a function (op, args, site) => response', respond);
  const inFlightAtDeath = o.inFlightAtDeath ?? 'lands';
  if (!FATES.includes(inFlightAtDeath as InFlightFate))
    throw new ConfigError(api, 'inFlightAtDeath', `must be one of ${FATES.join(', ')}`, inFlightAtDeath);
  const idempotencyKey = o.idempotencyKey;
  if (idempotencyKey !== undefined && typeof idempotencyKey !== 'function')
    throw new ConfigError(
      api,
      'idempotencyKey',
      "must be a function (op, args) => the call's idempotency key (a string) or undefined",
      idempotencyKey,
    );
  const host = o.host;
  if (host !== undefined && (typeof host !== 'string' || !HOST.test(host)))
    throw new ConfigError(
      api,
      'host',
      'must be a lower-case host name such as payments.example (no scheme, port or path)',
      host,
    );
  return {
    latencyMs,
    respond: respond as Responder,
    inFlightAtDeath: inFlightAtDeath as InFlightFate,
    idempotencyKey: idempotencyKey as IdempotencyKeyOf | undefined,
    host: host as string | undefined,
  };
}

/**
 * A simulated external API (a payment provider, an email service, a webhook). Every call that
 * lands and is accepted goes into the API's effects ledger, attributed to the invocation that
 * made it. Each call takes `latencyMs` of virtual time and lands halfway: a call made after its
 * invocation timed out or crashed never lands; one in flight at that moment lands or not by
 * `inFlightAtDeath`. Arguments and responses are copied (JSON round trip).
 *
 * Gotcha: `call` works only from handlers and simulated callers while `sim.run()` runs; test code
 * reads the ledger with `effects()` or `result.effects(name)`.
 *
 * **Idempotency keys** (option `idempotencyKey`), following Stripe's API v1
 * (https://docs.stripe.com/api/idempotent_requests, https://docs.stripe.com/error-low-level):
 * - the first call with a key that reaches the API runs `respond`; its outcome is stored,
 *   a success and an error thrown by `respond` alike ("including 500 errors");
 * - a later call with the same key, the same operation and equal arguments gets that outcome
 *   again: the same response, or the same error thrown; no new effect (see `replays()`);
 * - while the first call is still being answered (from its landing until its response is due
 *   back, `latencyMs` after it was sent plus any added latency) a repeat is refused with an
 *   {@link IdempotencyError} `keyInUse` (Stripe's 409 Conflict); nothing is stored for it;
 * - a repeat with another operation or other arguments is an {@link IdempotencyError}
 *   `differentRequest` (Stripe compares the parameters "to prevent accidental misuse");
 * - nothing is stored for a call that never ran `respond`: lost on the way, or failed by an
 *   injected `callError` fault (modelled as failing before the API's idempotency layer, as
 *   Stripe's rate limiter does), or refused above; a retry with its key runs afresh;
 * - a key is kept 24 h after its first call landed; later it runs afresh (a new effect).
 *
 * @example
 * ```ts
 * const sim = createSimulation({ seed: 1 });
 * const payments = sim.api('payments', { respond: (op, args) => ({ chargeId: `ch-${(args as { orderId: string }).orderId}` }) });
 * const fn = sim.fn('Charge', () => async (event: { orderId: string }) => payments.call('charge', event));
 * sim.invoke(fn, { orderId: 'o-1' });
 * const result = await sim.run();
 * result.effects('payments'); // [{ op: 'charge', args: { orderId: 'o-1' }, sentAtMs: 100, atMs: 110, ... }]
 * ```
 */
export class ExternalApi {
  /** The API's name, unique among the simulation's services. */
  readonly name: string;
  /** The resolved options (defaults filled in). */
  readonly options: ResolvedExternalApiOptions;
  private readonly ledger: Effect[] = [];
  private readonly replayLedger: Replay[] = [];
  private readonly keys = new Map<string, StoredKey>();
  private readonly scope: CallerScope;

  /** @internal Use {@link Simulation.api}. */
  constructor(
    private readonly world: World,
    name: string,
    options: ExternalApiOptions = {},
  ) {
    this.options = resolveExternalApiOptions(name, options);
    this.name = name;
    this.scope = new CallerScope(world, `api:${name}`);
  }

  /**
   * Calls an operation of the API; resolves with the response (a copy of what `respond`
   * returned) after `latencyMs`, or rejects with what `respond` threw.
   * @example
   * ```ts
   * const { chargeId } = (await payments.call('charge', { orderId, amount })) as { chargeId: string };
   * ```
   */
  call(op: string, args?: unknown): Promise<unknown> {
    if (typeof op !== 'string' || op === '')
      throw new ConfigError(`${this.name}.call`, 'op', 'must be a non-empty operation name', op);
    let sent: unknown;
    let sentText: string | undefined;
    let sendError: Error | undefined;
    try {
      sentText = jsonText(args);
      sent = deepFreeze(parseJson(sentText));
    } catch (error) {
      sendError = new TypeError(
        `${this.name}.${op}: args must be JSON data (${(error as Error).message}); they are copied when the call is sent`,
      );
    }
    return callService(this.world, {
      service: this.name,
      op,
      latencyMs: this.options.latencyMs,
      inFlightAtDeath: this.options.inFlightAtDeath,
      requestText: sentText,
      apply: (site, answerInMs) => {
        if (sendError !== undefined) throw sendError;
        if (this.options.idempotencyKey !== undefined) {
          const value = this.applyKeyed(op, sent, site, answerInMs);
          return { value, text: jsonText(value) };
        }
        let reply: CallReply<unknown>;
        try {
          reply = this.respondTo(op, sent, site);
        } catch (error) {
          throw error instanceof RespondMisuse ? error.cause : error;
        }
        this.ledger.push(Object.freeze(this.effectOf(op, sent, site)));
        return reply;
      },
    });
  }

  /**
   * The calls that landed and were accepted so far, in landing order (a frozen copy).
   * @example
   * ```ts
   * expect(payments.effects()).toHaveLength(1);
   * ```
   */
  effects(): readonly Effect[] {
    return Object.freeze(this.ledger.slice());
  }

  /**
   * The calls answered from a stored idempotency key so far (no effect), in landing order (a
   * frozen copy). Empty for an API without the `idempotencyKey` option.
   * @example
   * ```ts
   * expect(payments.replays().map((r) => r.replayOf)).toEqual([payments.effects()[0]!.callId]);
   * ```
   */
  replays(): readonly Replay[] {
    return Object.freeze(this.replayLedger.slice());
  }

  /** A call's landing on an API that honours idempotency keys (see the class notes). */
  private applyKeyed(op: string, sent: unknown, site: CallSite, answerInMs: number): unknown {
    const nowMs = this.world.kernel.nowMs;
    const key = runInScope(this.scope, () => this.options.idempotencyKey!(op, sent));
    if (
      key !== undefined &&
      (typeof key !== 'string' || key === '' || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
    )
      throw new TypeError(
        `${this.name}.${op}: idempotencyKey must return a string of 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters or undefined, got ${describe(key)}`,
      );
    let stored = key === undefined ? undefined : this.keys.get(key);
    if (stored !== undefined && nowMs >= stored.expiresAtMs) stored = undefined;
    if (key !== undefined && stored !== undefined) return this.replay(op, sent, site, key, stored);
    let ok = true;
    let outcome: unknown;
    try {
      outcome = this.respondTo(op, sent, site).value;
    } catch (error) {
      if (error instanceof RespondMisuse) throw error.cause; // lambdasim's own complaint: not an API answer
      ok = false;
      outcome = error;
    }
    if (key !== undefined)
      this.keys.set(key, {
        callId: site.callId,
        op,
        args: sent,
        ok,
        outcome,
        answeredAtMs: nowMs + answerInMs,
        expiresAtMs: nowMs + IDEMPOTENCY_KEY_RETENTION_MS,
      });
    if (!ok) throw outcome;
    this.ledger.push(
      Object.freeze({
        ...this.effectOf(op, sent, site),
        ...(key === undefined ? {} : { idempotencyKey: key }),
      }),
    );
    return copyJson(outcome);
  }

  /** A repeat of a stored key: refused while the first is being answered or if it differs; else its outcome again. */
  private replay(op: string, sent: unknown, site: CallSite, key: string, stored: StoredKey): unknown {
    const kernel = this.world.kernel;
    if (kernel.nowMs < stored.answeredAtMs)
      throw new IdempotencyError(
        'keyInUse',
        key,
        `${this.name}.${op}: there is another request in progress with idempotency key ${JSON.stringify(key)} (call #${stored.callId}); retry later with the same key (409 Conflict)`,
      );
    if (stored.op !== op || !jsonEqual(stored.args, sent))
      throw new IdempotencyError(
        'differentRequest',
        key,
        `${this.name}.${op}: idempotency key ${JSON.stringify(key)} was first used by call #${stored.callId} (${this.name}.${stored.op}) with other arguments; a key is for retrying the same request: use a new key for a new request, the same arguments for a retry`,
      );
    kernel.record({
      kind: 'call.replayed',
      callId: site.callId,
      service: this.name,
      op,
      key,
      replayOf: stored.callId,
      ok: stored.ok,
    });
    this.replayLedger.push(
      Object.freeze({
        ...this.effectOf(op, sent, site),
        idempotencyKey: key,
        replayOf: stored.callId,
        ok: stored.ok,
      }),
    );
    if (!stored.ok) throw stored.outcome;
    return copyJson(stored.outcome);
  }

  /** Runs `respond` and copies its answer; lambdasim's complaints about `respond` come wrapped in {@link RespondMisuse}. */
  private respondTo(op: string, sent: unknown, site: CallSite): CallReply<unknown> {
    const raw = runInScope(this.scope, () => this.options.respond(op, sent, site));
    if (isThenable(raw))
      throw new RespondMisuse(
        new TypeError(
          `${this.name}.${op}: respond returned a promise; it must return the response synchronously (it runs at the instant the call lands)`,
        ),
      );
    try {
      const text = jsonText(raw);
      return { value: parseJson(text), text };
    } catch (error) {
      throw new RespondMisuse(
        new TypeError(`${this.name}.${op}: respond must return JSON data (${(error as Error).message})`, {
          cause: error,
        }),
      );
    }
  }

  private effectOf(op: string, sent: unknown, site: CallSite): Effect {
    return {
      callId: site.callId,
      service: this.name,
      op,
      args: sent,
      sentAtMs: site.sentAtMs,
      atMs: this.world.kernel.nowMs,
      by: site.by,
      fn: site.fn,
      requestId: site.requestId,
    };
  }
}

/** A misuse of `respond` found by lambdasim (not an answer of the API, so never stored for a key). */
class RespondMisuse extends Error {
  constructor(override readonly cause: TypeError) {
    super(cause.message);
  }
}

/** A service registered on a simulation, by name. */
export interface NamedService {
  readonly name: string;
}

/**
 * The effects ledger of `service` (a name or an {@link ExternalApi}) among `services`, for
 * `SimulationResult.effects`. An unknown name, a table or another simulation's API is a ConfigError.
 */
export function effectsOf(services: ReadonlyMap<string, NamedService>, service: unknown): readonly Effect[] {
  return apiOf(services, service, 'result.effects').effects();
}

/** The replays of `service` among `services`, for `SimulationResult.replays` (same errors as {@link effectsOf}). */
export function replaysOf(services: ReadonlyMap<string, NamedService>, service: unknown): readonly Replay[] {
  return apiOf(services, service, 'result.replays').replays();
}

function apiOf(services: ReadonlyMap<string, NamedService>, service: unknown, api: string): ExternalApi {
  const name = service instanceof ExternalApi ? service.name : service;
  const found = typeof name === 'string' ? services.get(name) : undefined;
  if (service instanceof ExternalApi && found !== service)
    throw new ConfigError(api, 'service', 'must be an API defined on this simulation', name);
  if (found === undefined) {
    const apis = [...services.values()].filter((s) => s instanceof ExternalApi).map((s) => s.name);
    throw new ConfigError(
      api,
      'service',
      `must name an API defined with sim.api() (defined: ${apis.length === 0 ? 'none' : apis.join(', ')})`,
      name,
    );
  }
  if (!(found instanceof ExternalApi))
    throw new ConfigError(
      api,
      'service',
      'names a table, which has no effects ledger: inspect it with table.snapshot() or table.peek()',
      name,
    );
  return found;
}

/** The JSON text of a value (undefined for undefined and what JSON leaves out); throws when not JSON. */
function jsonText(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

/** A copy of a value from its JSON text ({@link jsonText}). */
function parseJson(text: string | undefined): unknown {
  return text === undefined ? undefined : JSON.parse(text);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function isThenable(value: unknown): boolean {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** A fresh copy of JSON data (undefined stays undefined). */
function copyJson(value: unknown): unknown {
  return parseJson(jsonText(value));
}
