import { CallerScope } from '../callers/CallerScope.js';
import { RuntimeProcess } from '../lambda/RuntimeProcess.js';
import type { World } from '../lambda/World.js';
import { contentDigest, thrownText } from '../sim/contentDigest.js';
import { currentScope } from '../sim/VirtualScope.js';

/**
 * The error a `callError` fault makes a call fail with: `name` is the fault's `errorName`
 * (`ServiceUnavailable` by default). The HTTP interception layer answers it in the called
 * service's own wire shape, so an AWS SDK turns it into its own exception class.
 */
export class InjectedCallError extends Error {
  /** Always true: told apart from a service's own errors without `instanceof` across copies. */
  readonly injected = true;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** What happens to a call that is in flight (sent, not yet landed) when its caller dies. */
export type InFlightFate = 'lands' | 'lost' | 'random';

export interface CallSpec<T> {
  readonly service: string;
  readonly op: string;
  readonly latencyMs: number;
  readonly inFlightAtDeath: InFlightFate;
  /**
   * The call's arguments as text (the JSON the service built anyway to copy them), digested into
   * `call.sent`; undefined when the arguments are not data or are recorded elsewhere.
   */
  readonly requestText?: string | undefined;
  /**
   * Applies the call's effect when the request reaches the service; may throw a service error.
   * `answerInMs` is how long the response then takes to reach the caller (the rest of the latency,
   * added latency included), whether or not it ever arrives. Returns the response and, when the
   * service returns data, its JSON text for `call.landed`.
   */
  readonly apply: (site: CallSite, answerInMs: number) => CallReply<T>;
}

/** What a service's `apply` returns: the response, and its JSON text when it carries data. */
export interface CallReply<T> {
  readonly value: T;
  readonly text?: string | undefined;
}

/** Who made a call: the environment and invocation, or a simulated caller. */
export interface CallSite {
  readonly callId: number;
  /** Environment id (`Fn#2`) or caller name. */
  readonly by: string;
  readonly fn: string | undefined;
  /** The invocation running when the call was sent; undefined for background work or callers. */
  readonly requestId: string | undefined;
  readonly sentAtMs: number;
}

/**
 * Makes one simulated service call from user code. The request reaches the service after half
 * the latency (the effect lands then) and the response comes back after the full latency.
 * A call from a dead environment never lands and never returns; a call in flight when its caller
 * dies lands or not by `inFlightAtDeath`; a response to a frozen environment waits for its thaw.
 */
export function callService<T>(world: World, spec: CallSpec<T>): Promise<T> {
  const kernel = world.kernel;
  const scope = currentScope();
  if (!(scope instanceof RuntimeProcess) && !(scope instanceof CallerScope)) {
    throw new Error(
      `${spec.service}.${spec.op}: called outside the simulation. Service calls are made by handlers and simulated callers while sim.run() runs; in test code use the service's inspection methods instead.`,
    );
  }
  const isProcess = scope instanceof RuntimeProcess;
  const by = isProcess ? scope.owner.id : scope.name;
  if (isProcess && !scope.alive) {
    kernel.record({
      kind: 'call.dropped',
      service: spec.service,
      op: spec.op,
      by,
      reason: 'callerDead',
    });
    return new Promise<T>(() => {});
  }
  const site: CallSite = {
    callId: ++world.counters.calls,
    by,
    fn: isProcess ? scope.owner.fnName : undefined,
    requestId: isProcess ? scope.owner.currentRequestId : undefined,
    sentAtMs: kernel.nowMs,
  };
  const callId = site.callId;
  kernel.record({
    kind: 'call.sent',
    callId,
    service: spec.service,
    op: spec.op,
    by,
    ...(site.requestId === undefined ? {} : { requestId: site.requestId }),
    ...(spec.requestText === undefined ? {} : { digest: contentDigest(spec.requestText) }),
  });
  const deliver = isProcess ? scope.beginCall() : (fn: () => void) => scope.deliver(fn);
  // Fault plan: the faults aimed at this call (n-th call to this service).
  let latencyMs = spec.latencyMs;
  let injectedError: Error | undefined;
  let hang: { readonly landed: boolean } | undefined;
  for (const fault of world.faults.nextCall(spec.service)) {
    world.faults.injected(fault);
    if (fault.kind === 'callLatency') latencyMs += fault.addMs;
    else if (fault.kind === 'callTimeout') hang ??= { landed: fault.landed };
    else
      injectedError ??= new InjectedCallError(
        fault.errorName ?? 'ServiceUnavailable',
        fault.message ?? `${spec.service}.${spec.op} failed (injected by the fault plan)`,
      );
  }
  return new Promise<T>((resolve, reject) => {
    const landAfter = Math.floor(latencyMs / 2);
    kernel.after(landAfter, () => {
      if (hang !== undefined && !hang.landed) {
        // The request never reaches the service; no answer ever comes (the caller waits on).
        kernel.record({
          kind: 'call.lost',
          callId,
          service: spec.service,
          op: spec.op,
          reason: 'injectedTimeout',
        });
        return;
      }
      if (isProcess && !scope.alive && !landsAfterDeath(world, spec.inFlightAtDeath)) {
        kernel.record({
          kind: 'call.lost',
          callId,
          service: spec.service,
          op: spec.op,
          reason: 'callerDied',
        });
        return;
      }
      let ok = true;
      let value: T | undefined;
      let failure: unknown;
      let replyText: string | undefined;
      if (injectedError !== undefined) {
        ok = false;
        failure = injectedError;
      } else {
        try {
          const reply = spec.apply(site, latencyMs - landAfter);
          value = reply.value;
          replyText = reply.text;
        } catch (error) {
          ok = false;
          failure = error;
        }
      }
      if (!ok) replyText = thrownText(failure);
      kernel.record({
        kind: 'call.landed',
        callId,
        service: spec.service,
        op: spec.op,
        ok,
        ...(replyText === undefined ? {} : { digest: contentDigest(replyText) }),
      });
      if (isProcess && scope.alive) scope.owner.onCallLanded(scope);
      if (hang !== undefined) return; // landed, but the answer never comes back
      kernel.after(latencyMs - landAfter, () => {
        deliver(() => {
          kernel.record({
            kind: 'call.returned',
            callId,
            service: spec.service,
            op: spec.op,
            ok,
          });
          if (ok) resolve(value as T);
          else reject(failure);
        });
      });
    });
  });
}

function landsAfterDeath(world: World, fate: InFlightFate): boolean {
  if (fate === 'lands') return true;
  if (fate === 'lost') return false;
  return world.kernel.rng('services.inFlightFate').next() < 0.5;
}
