import { CallerScope } from '../callers/CallerScope.js';
import { ConfigError, checkName, checkOptions, nonNegativeInt } from '../errors.js';
import type { World } from '../lambda/World.js';
import { runInScope } from '../sim/VirtualScope.js';
import { type CallSite, callService, type InFlightFate } from './callService.js';

/**
 * Answers a call when it reaches the API (after half the latency). Its return value (JSON data)
 * is the response; a throw is a service error that the caller's promise rejects with (the thrown
 * value as is), and the call is then not an effect. Runs synchronously, in virtual time (its
 * `Date.now()` is the landing instant).
 */
export type Responder = (op: string, args: unknown, site: CallSite) => unknown;

/** Options of {@link Simulation.api}. */
export interface ExternalApiOptions {
  /** Virtual time one call takes, request to response; the call lands halfway. @defaultValue 20 */
  readonly latencyMs?: number;
  /** Computes each response; see {@link Responder}. @defaultValue `() => ({ ok: true })` */
  readonly respond?: Responder;
  /** Whether a call in flight when its caller dies (timeout, crash) still lands. @defaultValue 'lands' */
  readonly inFlightAtDeath?: InFlightFate;
}

/** {@link ExternalApiOptions} with every default filled in. */
export interface ResolvedExternalApiOptions {
  readonly latencyMs: number;
  readonly respond: Responder;
  readonly inFlightAtDeath: InFlightFate;
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
}

const KNOWN_OPTIONS = new Set(['latencyMs', 'respond', 'inFlightAtDeath']);
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
  const latencyMs = nonNegativeInt(api, 'latencyMs', o.latencyMs ?? 20);
  const respond = o.respond ?? defaultRespond;
  if (typeof respond !== 'function')
    throw new ConfigError(api, 'respond', 'must be a function (op, args, site) => response', respond);
  const inFlightAtDeath = o.inFlightAtDeath ?? 'lands';
  if (!FATES.includes(inFlightAtDeath as InFlightFate))
    throw new ConfigError(api, 'inFlightAtDeath', `must be one of ${FATES.join(', ')}`, inFlightAtDeath);
  return { latencyMs, respond: respond as Responder, inFlightAtDeath: inFlightAtDeath as InFlightFate };
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
      apply: (site) => {
        if (sendError !== undefined) throw sendError;
        const raw = runInScope(this.scope, () => this.options.respond(op, sent, site));
        if (isThenable(raw))
          throw new TypeError(
            `${this.name}.${op}: respond returned a promise; it must return the response synchronously (it runs at the instant the call lands)`,
          );
        let response: unknown;
        let responseText: string | undefined;
        try {
          responseText = jsonText(raw);
          response = parseJson(responseText);
        } catch (error) {
          throw new TypeError(
            `${this.name}.${op}: respond must return JSON data (${(error as Error).message})`,
            { cause: error },
          );
        }
        this.ledger.push(
          Object.freeze({
            callId: site.callId,
            service: this.name,
            op,
            args: sent,
            sentAtMs: site.sentAtMs,
            atMs: this.world.kernel.nowMs,
            by: site.by,
            fn: site.fn,
            requestId: site.requestId,
          }),
        );
        return { value: response, text: responseText };
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
  const name = service instanceof ExternalApi ? service.name : service;
  const found = typeof name === 'string' ? services.get(name) : undefined;
  if (service instanceof ExternalApi && found !== service)
    throw new ConfigError('result.effects', 'service', 'must be an API defined on this simulation', name);
  if (found === undefined) {
    const apis = [...services.values()].filter((s) => s instanceof ExternalApi).map((s) => s.name);
    throw new ConfigError(
      'result.effects',
      'service',
      `must name an API defined with sim.api() (defined: ${apis.length === 0 ? 'none' : apis.join(', ')})`,
      name,
    );
  }
  if (!(found instanceof ExternalApi))
    throw new ConfigError(
      'result.effects',
      'service',
      'names a table, which has no effects ledger: inspect it with table.snapshot() or table.peek()',
      name,
    );
  return found.effects();
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
