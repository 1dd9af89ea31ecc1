import { CallerScope } from '../world/CallerScope.js';
import { type RequestInFlight, RuntimeProcess } from '../lambda/RuntimeProcess.js';
import type { World } from '../world/World.js';
import { contentDigest, thrownText } from '../sim/contentDigest.js';
import { currentScope } from '../sim/VirtualScope.js';
import { drawLatencyMs, type FittedLatency, latencyStream } from './latency.js';

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
  /** A constant, or a fitted shape drawn per call from the service's own latency sub-stream. */
  readonly latencyMs: number | FittedLatency;
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
 *
 * A request still in flight when its environment freezes (R-ENV-4) either had left the
 * environment (it lands on time) or is suspended with it: it goes on when the environment thaws
 * (its next invocation) and never lands if the environment is reclaimed or reset first. Which one
 * is a seeded choice made at the freeze, or a `reclaimAfterReturn` fault's `landed`. AWS documents
 * the suspension and the resumption, not how far a request had got: "Background processes or
 * callbacks initiated by your Lambda function that did not complete when the function ended resume
 * if AWS Lambda chooses to reuse the execution context" and "make sure any background processes or
 * callbacks in your code are complete before the code exits"
 * (https://docs.aws.amazon.com/lambda/latest/dg/running-lambda-code.html, now the execution
 * environment lifecycle page: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
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
  // A shape draws from the service's own sub-stream (never created for a constant), so neither
  // constant latencies nor other services' draws shift.
  let latencyMs = drawLatencyMs(spec.latencyMs, () => kernel.rng(latencyStream(spec.service)));
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
    const land = () => {
      landed?.();
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
    };
    let landing = kernel.after(landAfter, land);
    /** When the request reaches the service: moved on by each thaw (the time frozen does not count). */
    let landAtMs = kernel.nowMs + landAfter;
    const landed = isProcess ? scope.trackRequest(suspendable()) : undefined;

    /** How the request meets its process's freeze, thaw and death (R-ENV-4). */
    function suspendable(): RequestInFlight {
      let remainingMs = 0;
      return {
        frozen(left) {
          if (left) return;
          kernel.cancel(landing);
          remainingMs = landAtMs - kernel.nowMs;
          kernel.record({
            kind: 'call.suspended',
            callId,
            service: spec.service,
            op: spec.op,
            env: by,
          });
        },
        thawed() {
          landing = kernel.after(remainingMs, land);
          // A second freeze before it lands keeps what is left from here, not from the first send.
          landAtMs = kernel.nowMs + remainingMs;
        },
        dropped() {
          kernel.record({
            kind: 'call.lost',
            callId,
            service: spec.service,
            op: spec.op,
            reason: 'suspendedCallerGone',
          });
        },
      };
    }
  });
}

function landsAfterDeath(world: World, fate: InFlightFate): boolean {
  if (fate === 'lands') return true;
  if (fate === 'lost') return false;
  return world.kernel.rng('services.inFlightFate').next() < 0.5;
}

/**
 * A typed service door shared by the simulated resources that both handlers and test code use
 * (an SQS queue's send, a Kinesis stream's put): from a handler, a {@link callService} call with
 * the resource's latency, attributed to the invocation (a dead environment's call never lands),
 * whose request lands even if the caller dies meanwhile; from test or workload code, applied at
 * the current virtual instant. `apply` gets the call site (undefined outside a handler) and may
 * throw the service's error, which rejects the promise.
 */
export function serviceDoor<T>(
  world: World,
  service: string,
  op: string,
  latencyMs: number,
  apply: (site: CallSite | undefined) => T,
): Promise<T> {
  if (currentScope() instanceof RuntimeProcess)
    return callService(world, {
      service,
      op,
      latencyMs,
      inFlightAtDeath: 'lands',
      // The request's contents are digested where they take effect (the service's own event).
      apply: (site) => ({ value: apply(site) }),
    });
  try {
    return Promise.resolve(apply(undefined));
  } catch (error) {
    return Promise.reject(error as Error);
  }
}
