import type { Callback, ClientContext, CognitoIdentity, Context } from 'aws-lambda';
import type { TimerHandle } from '../sim/Kernel.js';
import { contentDigest } from '../sim/contentDigest.js';
import { invariant, invariantFailed } from '../sim/invariant.js';
import { realGlobals } from '../sim/realGlobals.js';
import type { InvocationFault } from '../faults/Fault.js';
import type { FailureCause, ResetReason } from '../TraceEvent.js';
import { createContext } from './Context.js';
import {
  type ErrorBody,
  exitBody,
  handlerNotFoundBody,
  nodeJsExitBody,
  responseTooLargeBody,
  serializeThrown,
  wrappedError,
  timeoutBody,
  unhandledRejectionBody,
  type WrappedError,
} from './errorBodies.js';
import { INIT_LIMIT_MS, type ResolvedFunctionConfig } from './FunctionConfig.js';
import type { EnvironmentInfo, Handler, HandlerFactory } from './Handler.js';
import { type ProcessOwner, RuntimeProcess } from './RuntimeProcess.js';
import { restoreReplacedGlobals, type World } from '../world/World.js';
import { type LogLevel, type LogSource, printLive } from '../sim/captureOutput.js';
import { formatLogLine, type LogLine } from '../world/LogLine.js';
import {
  exportedHandler,
  type HandlerModuleSpec,
  handlerModuleSpec,
  loadErrorBody,
  loadModuleInstance,
} from './handlerModule.js';
import { runInScope } from '../sim/VirtualScope.js';

export type { EnvironmentInfo, Handler, HandlerFactory } from './Handler.js';

/** One request for one run of the handler. */
export interface InvocationRequest {
  readonly requestId: string;
  /** The payload as Lambda holds it: JSON text, parsed afresh for each attempt. */
  readonly payloadJson: string;
  /** 1 for a first attempt. */
  readonly attempt: number;
  readonly clientContext?: ClientContext;
  readonly identity?: CognitoIdentity;
}

/** How one run of the handler ended. */
export type InvocationOutcome =
  | { readonly kind: 'succeeded'; readonly payloadJson: string; readonly bytes: number; readonly env: string }
  | {
      readonly kind: 'failed';
      readonly cause: FailureCause;
      readonly error: ErrorBody;
      /** True when the environment was reset (timeout, process exit, uncaught error: R-ENV-5). */
      readonly reset: boolean;
      readonly env: string;
    };

/** Sync: 6 MB response cap, as Lambda checks it (OBS-RESP). */
export const MAX_RESPONSE_BYTES = 6_291_556;

/**
 * What an environment needs of the function that owns it (`LambdaFunction` implements it): the
 * environment is below the function and does not import it.
 */
export interface EnvironmentOwner {
  readonly world: World;
  readonly config: ResolvedFunctionConfig;
  /** Builds the handler, once per environment (at Init). */
  readonly factory: HandlerFactory;
  /** Warns when one handler object serves two environments at once. */
  checkSharedHandler(env: Environment, handler: Handler): void;
  /** Forgets an environment that was reset or reclaimed. */
  discard(env: Environment): void;
  /** The environment's `process.env`: the function's variables and Lambda's own. */
  environmentVariables(env: Environment): Record<string, string>;
}

/** The concurrency slot an invocation runs in (`ConcurrencySlot` implements it). */
export interface InvocationSlot {
  /** Faults of the fault plan aimed at this invocation try. */
  readonly faults: readonly InvocationFault[];
  /** @internal Gives the slot back; called once, when the invocation ends. */
  ended(): void;
}

interface Running {
  /** The concurrency slot this invocation holds; given back when it finishes. */
  readonly slot: InvocationSlot;
  readonly req: InvocationRequest;
  readonly done: (outcome: InvocationOutcome) => void;
  readonly cold: boolean;
  phase: 'init' | 'handler';
  deadlineMs: number;
  timeout: TimerHandle | undefined;
  finished: boolean;
  /** Set once `callback(null, r)` ran while `callbackWaitsForEmptyEventLoop` is true. */
  pendingResult: { value: unknown } | undefined;
  context: Context | undefined;
  /** Faults of the fault plan aimed at this invocation. */
  readonly faults: readonly InvocationFault[];
  /** A `handlerTimeout` fault: the handler is not called and the run waits for its deadline. */
  hung: boolean;
  /** A `crashAfterCalls` fault: the process is killed when this many of its calls have landed. */
  crashAfterCalls: number | undefined;
  landedCalls: number;
  /** A `reclaimAfterReturn` fault: the environment is reclaimed as soon as this invocation ends. */
  reclaimAfterReturn: Extract<InvocationFault, { kind: 'reclaimAfterReturn' }> | undefined;
}

type EnvState = 'initializing' | 'idle' | 'busy' | 'gone';

/**
 * An execution environment: serves one invocation at a time (R-ENV-1), runs Init once per
 * runtime process (R-ENV-2), freezes between invocations (R-ENV-4) and is reset by a timeout or a
 * process-level failure (R-ENV-5).
 */
export class Environment implements ProcessOwner {
  state: EnvState = 'idle';
  idleSinceMs: number;
  private process: RuntimeProcess | undefined;
  private handler: Handler | undefined;
  private isAsync = false;
  private run: Running | undefined;
  private initLimit: TimerHandle | undefined;
  /** Invocations served, for the timeline. */
  served = 0;
  /** `YYYY/MM/DD/[version]<id>`, as Lambda names an environment's log stream. */
  readonly logStreamName: string;

  constructor(
    readonly fn: EnvironmentOwner,
    readonly id: string,
    readonly provisioned: boolean,
  ) {
    this.idleSinceMs = fn.world.kernel.nowMs;
    const day = new realGlobals.Date(fn.world.epochStartMs).toISOString().slice(0, 10).replaceAll('-', '/');
    this.logStreamName = `${day}/[${fn.config.version}]${id.replace(/[^a-zA-Z0-9]/g, '')}`;
  }

  get fnName(): string {
    return this.fn.config.name;
  }

  /** True when the next invocation would not need Init. */
  get warm(): boolean {
    return this.handler !== undefined && this.process?.alive === true;
  }

  /** The handler this environment's Init built (undefined before Init and after a reset). */
  get currentHandler(): Handler | undefined {
    return this.process?.alive === true ? this.handler : undefined;
  }

  /** The running invocation's request id, if any (for attribution of calls). */
  get currentRequestId(): string | undefined {
    return this.run?.finished === false ? this.run.req.requestId : undefined;
  }

  // --- lifecycle ------------------------------------------------------------------------------

  /** Provisioned concurrency: Init before any traffic (R-ENV-7). */
  prewarm(): void {
    this.state = 'initializing';
    this.startInit(undefined, 'prewarm');
  }

  /**
   * @internal Starts an invocation on this environment, reserved by `slot` (use
   * {@link ConcurrencySlot.execute}); `done` is called exactly once.
   */
  start(slot: InvocationSlot, req: InvocationRequest, done: (outcome: InvocationOutcome) => void): void {
    if (!(this.state === 'busy' && this.run === undefined))
      invariantFailed(
        `Environment.start: ${this.id} must be reserved and free, it is ${this.state}${this.run === undefined ? '' : ` running ${this.run.req.requestId}`}`,
      );
    this.served++;
    const cold = !this.warm;
    const run: Running = {
      slot,
      req,
      done,
      cold,
      phase: 'init',
      deadlineMs: Number.POSITIVE_INFINITY,
      timeout: undefined,
      finished: false,
      pendingResult: undefined,
      context: undefined,
      faults: slot.faults,
      hung: false,
      crashAfterCalls: undefined,
      landedCalls: 0,
      reclaimAfterReturn: undefined,
    };
    this.run = run;
    if (cold) {
      this.startInit(run, 'onDemand');
      return;
    }
    this.startHandler(run);
  }

  /** @internal A slot reserved this environment and was released unused: idle again. */
  unreserve(): void {
    invariant(
      this.state === 'busy' && this.run === undefined,
      () => `Environment.unreserve: ${this.id} must be reserved and free, it is ${this.state}`,
    );
    this.state = 'idle';
  }

  /**
   * Reclaims an idle environment (idle timeout or a fault, R-ENV-6): its frozen work is dropped and
   * the requests suspended in it never land (R-ENV-4).
   */
  reclaim(): void {
    const kernel = this.fn.world.kernel;
    kernel.record({ kind: 'env.reclaimed', env: this.id, idleSinceMs: this.idleSinceMs });
    this.process?.kill();
    this.process = undefined;
    this.handler = undefined;
    this.state = 'gone';
  }

  /** Called when every ready continuation has run: completes runs waiting on an empty event loop. */
  checkQuiet(): void {
    const run = this.run;
    const proc = this.process;
    if (run === undefined || run.finished || run.phase !== 'handler' || proc === undefined) return;
    if (run.hung || proc.hasPendingWork()) return;
    // Nothing simulated can move this invocation on. If real I/O escaped, it may be waiting on
    // that: a determinism error is already recorded and the invocation runs into its timeout.
    if (proc.escapes.length > 0) return;
    if (run.pendingResult !== undefined) this.succeed(run, run.pendingResult.value);
    else if (this.isAsync) this.finishFailed(run, 'nodeJsExit', nodeJsExitBody(), undefined);
    else this.succeed(run, null); // a sync handler that never called back: null (RIC beforeExit)
  }

  // --- Init -----------------------------------------------------------------------------------

  private startInit(run: Running | undefined, mode: 'onDemand' | 'inInvoke' | 'prewarm'): void {
    const { world, config, factory } = this.fn;
    const kernel = world.kernel;
    const proc = new RuntimeProcess(world, this);
    this.process = proc;
    this.handler = undefined;
    let factoryDone = false;
    let minElapsed = config.initDurationMs === 0 || mode === 'prewarm';
    let built: unknown;
    const budgetMs = mode === 'inInvoke' ? config.timeoutMs : mode === 'onDemand' ? INIT_LIMIT_MS : 0;
    kernel.record({ kind: 'env.initStarted', env: this.id, budgetMs });
    if (run !== undefined && mode === 'inInvoke') this.armTimeout(run);
    if (mode === 'onDemand') this.initLimit = kernel.after(INIT_LIMIT_MS, () => this.onInitLimit(run!, proc));
    const tryFinish = () => {
      if (factoryDone && minElapsed && this.process === proc && proc.alive) this.finishInit(run, proc, built);
    };
    if (!minElapsed) {
      kernel.after(config.initDurationMs, () => {
        minElapsed = true;
        tryFinish();
      });
    }
    const info: EnvironmentInfo = {
      id: this.id,
      functionName: config.name,
      memoryMB: config.memoryMB,
      provisioned: this.provisioned,
    };
    const built_ = (h: unknown) => {
      built = h;
      factoryDone = true;
      tryFinish();
    };
    const failed = (error: unknown, body?: ErrorBody) => {
      if (this.process === proc && proc.alive) this.initFailed(run, proc, error, body);
    };
    const spec = handlerModuleSpec(factory);
    if (spec !== undefined) {
      this.loadModule(proc, spec, built_, failed);
      return;
    }
    proc.runUserCode(() => {
      const result = factory(info);
      if (isThenable(result)) result.then(built_, (error: unknown) => failed(error));
      else built_(result);
    });
  }

  /**
   * Init of a {@link handlerModule}: loads a fresh instance of the module outside virtual time
   * (the clock stands still until it is loaded, or until its top-level code awaits the
   * simulation), its top-level code running in this environment's process.
   */
  private loadModule(
    proc: RuntimeProcess,
    spec: HandlerModuleSpec,
    built: (handler: unknown) => void,
    failed: (error: unknown, body: ErrorBody) => void,
  ): void {
    // The loader's own file reads and transforms are not the handler's I/O.
    proc.loading = true;
    const loaded = this.fn.world.kernel.outsideTime(
      () => runInScope(proc, () => loadModuleInstance(spec)),
      () => {
        const waits = proc.hasPendingWork();
        if (waits) proc.loading = false;
        return waits;
      },
    );
    loaded.then(
      (namespace) => {
        proc.loading = false;
        const found = exportedHandler(spec, namespace);
        if ('error' in found) failed(undefined, found.error);
        else built(found.handler);
      },
      (error: unknown) => {
        proc.loading = false;
        failed(error, loadErrorBody(error));
      },
    );
  }

  private finishInit(run: Running | undefined, proc: RuntimeProcess, built: unknown): void {
    const kernel = this.fn.world.kernel;
    if (this.initLimit !== undefined) kernel.cancel(this.initLimit);
    this.initLimit = undefined;
    if (typeof built !== 'function') {
      this.initFailed(run, proc, undefined, handlerNotFoundBody(this.fn.config.name, built));
      return;
    }
    const handler = built as Handler;
    if (this.fn.config.runtime === 'nodejs24.x' && handler.length >= 3) {
      this.initFailed(run, proc, undefined, {
        errorType: 'Runtime.CallbackHandlerDeprecated',
        // Observed on AWS (opentelemetry-js-contrib#3251, serverless-adapter#378): an Init error,
        // classified by handler.length >= 3.
        errorMessage:
          'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.',
        trace: [],
      });
      return;
    }
    this.handler = handler;
    this.fn.checkSharedHandler(this, handler);
    this.isAsync = handler.constructor?.name === 'AsyncFunction';
    kernel.record({ kind: 'env.initFinished', env: this.id });
    if (run === undefined) {
      this.becomeIdle();
      return;
    }
    if (!run.finished) this.startHandler(run);
  }

  /** R-ENV-3: Init ran past 10 s; abort it and re-run Init inside the invoke, on its timeout budget. */
  private onInitLimit(run: Running, proc: RuntimeProcess): void {
    this.initLimit = undefined;
    if (this.process !== proc || run.finished) return;
    const kernel = this.fn.world.kernel;
    kernel.record({ kind: 'env.initAborted', env: this.id, reason: 'initLimit' });
    proc.kill();
    this.startInit(run, 'inInvoke');
  }

  /** R-ENV-8: the invoke that needed Init fails; the environment is discarded. */
  private initFailed(run: Running | undefined, proc: RuntimeProcess, error: unknown, body?: ErrorBody): void {
    const kernel = this.fn.world.kernel;
    if (this.initLimit !== undefined) kernel.cancel(this.initLimit);
    this.initLimit = undefined;
    const errorBody = body ?? serializeThrown(error);
    kernel.record({
      kind: 'env.initFailed',
      env: this.id,
      errorType: errorBody.errorType,
    });
    proc.kill();
    this.process = undefined;
    if (run === undefined) {
      this.state = 'gone';
      this.fn.discard(this);
      return;
    }
    this.finish(
      run,
      { kind: 'failed', cause: 'initError', error: errorBody, reset: true, env: this.id },
      'initError',
    );
  }

  // --- Invoke ---------------------------------------------------------------------------------

  private armTimeout(run: Running): void {
    const kernel = this.fn.world.kernel;
    run.deadlineMs = kernel.nowMs + this.fn.config.timeoutMs;
    run.timeout = kernel.at(run.deadlineMs, () => {
      run.timeout = undefined;
      this.finishFailed(run, 'timeout', timeoutBody(run.req.requestId, this.fn.config.timeoutS), 'timeout');
    });
  }

  private startHandler(run: Running): void {
    const { world, config } = this.fn;
    const kernel = world.kernel;
    const proc = this.process!;
    run.phase = 'handler';
    if (run.timeout === undefined) this.armTimeout(run);
    kernel.record({
      kind: 'invoke.started',
      requestId: run.req.requestId,
      fn: config.name,
      env: this.id,
      cold: run.cold,
      attempt: run.req.attempt,
    });
    // Thaw (R-ENV-4): work frozen after the previous invoke resumes now, before the handler is
    // called; if it crashes the process, this invocation fails with it.
    const pending = proc.pendingCount();
    if (proc.frozen && pending > 0) kernel.record({ kind: 'env.thawed', env: this.id, resumed: pending });
    proc.thaw();
    if (run.finished) return;
    if (run.faults.length > 0 && this.applyHandlerFaults(run)) return;
    let completed = false;
    // `callback` waits for an empty event loop (unless told not to); the legacy `context.succeed`
    // / `done` / `fail` answer at once (RIC CallbackContext `done`). Only the first completion
    // counts (R-NODE-2).
    const complete = (error: unknown, result?: unknown, immediate = false) => {
      if (completed || run.finished) return;
      completed = true;
      if (error !== undefined && error !== null)
        this.finishFailed(run, 'error', serializeThrown(error), undefined, error);
      else if (!immediate && run.context!.callbackWaitsForEmptyEventLoop)
        run.pendingResult = { value: result };
      else this.succeed(run, result);
    };
    const callback = (error: unknown, result?: unknown) => complete(error, result);
    const context = createContext({
      config,
      requestId: run.req.requestId,
      deadlineMs: run.deadlineMs,
      nowMs: () => kernel.nowMs,
      logStreamName: this.logStreamName,
      clientContext: run.req.clientContext,
      identity: run.req.identity,
      complete,
    });
    run.context = context;
    const handler = this.handler!;
    const event: unknown = JSON.parse(run.req.payloadJson);
    proc.runUserCode(() => {
      let result: unknown;
      try {
        result = handler(event, context, callback as Callback);
      } catch (error) {
        complete(error); // a synchronous throw is a function error, not a crash (R-ENV-5)
        return;
      }
      if (isThenable(result)) {
        result.then(
          (value) => {
            if (!completed && !run.finished) {
              completed = true;
              this.succeed(run, value);
            }
          },
          (error: unknown) => {
            if (!completed && !run.finished) {
              completed = true;
              // RIC: a rejection goes to context.fail, which reports null/undefined as 'handled'.
              this.finishFailed(run, 'error', serializeThrown(error ?? 'handled'), undefined, error);
            }
          },
        );
      }
    });
  }

  /**
   * Applies the fault plan's handler faults; returns true when the handler must not be called.
   */
  private applyHandlerFaults(run: Running): boolean {
    const faults = this.fn.world.faults;
    for (const fault of run.faults) {
      switch (fault.kind) {
        case 'crashAfterCalls':
          faults.injected(fault);
          if (fault.calls === 0) {
            this.crash(run);
            return true;
          }
          run.crashAfterCalls = fault.calls;
          break;
        case 'handlerTimeout':
          faults.injected(fault);
          run.hung = true;
          return true;
        case 'handlerError': {
          faults.injected(fault);
          // The body the runtime would send for `throw new Error(message)`; its trace names the
          // fault, not lambdasim's frames (and building no Error skips a stack capture per fault).
          const message = fault.message ?? 'Injected handler error (fault plan)';
          const trace = [
            `Error: ${message}`,
            `    at handlerError fault (${fault.fn} invocation ${fault.invocation})`,
          ];
          this.finishFailed(run, 'error', { errorType: 'Error', errorMessage: message, trace }, undefined);
          return true;
        }
        case 'reclaimAfterReturn':
          run.reclaimAfterReturn = fault; // applied when the invocation ends (see finish)
          break;
        case 'coldStart':
        case 'throttle':
          break; // applied by LambdaFunction.acquire
      }
    }
    return false;
  }

  /** The runtime process is killed (signal: killed): Runtime.ExitError, environment reset. */
  private crash(run: Running): void {
    this.finishFailed(run, 'exit', exitBody(run.req.requestId, 'killed'), 'exit');
  }

  /** A call made by `proc` landed at its service (fault plan: crash after N calls): {@link ProcessOwner}. */
  onCallLanded(proc: RuntimeProcess): void {
    const run = this.run;
    if (proc !== this.process || run === undefined || run.finished || run.crashAfterCalls === undefined)
      return;
    run.landedCalls++;
    if (run.landedCalls === run.crashAfterCalls) this.crash(run);
  }

  private succeed(run: Running, value: unknown): void {
    if (run.finished) return;
    let json: string;
    try {
      json = JSON.stringify(value === undefined ? null : value);
    } catch {
      // RIC _trySerializeResponse: the failure is reported as a plain Error.
      this.finishFailed(
        run,
        'unserializable',
        {
          errorType: 'Error',
          errorMessage: 'Unable to stringify response body',
          trace: ['Error: Unable to stringify response body'],
        },
        undefined,
      );
      return;
    }
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > MAX_RESPONSE_BYTES) {
      this.finishFailed(run, 'responseTooLarge', responseTooLargeBody(MAX_RESPONSE_BYTES), undefined);
      return;
    }
    this.finish(run, { kind: 'succeeded', payloadJson: json, bytes, env: this.id }, undefined);
  }

  private finishFailed(
    run: Running,
    cause: FailureCause,
    error: ErrorBody,
    reset: ResetReason | undefined,
    thrown?: unknown,
  ): void {
    this.finish(
      run,
      { kind: 'failed', cause, error, reset: reset !== undefined, env: this.id },
      reset,
      wrappedError(thrown),
    );
  }

  private finish(
    run: Running,
    outcome: InvocationOutcome,
    reset: ResetReason | undefined,
    wrapped?: WrappedError,
  ): void {
    if (run.finished) return;
    run.finished = true;
    const kernel = this.fn.world.kernel;
    if (run.timeout !== undefined) kernel.cancel(run.timeout);
    if (this.initLimit !== undefined) kernel.cancel(this.initLimit);
    this.initLimit = undefined;
    const requestId = run.req.requestId;
    if (outcome.kind === 'succeeded') {
      kernel.record({
        kind: 'invoke.succeeded',
        requestId,
        env: this.id,
        bytes: outcome.bytes,
        digest: contentDigest(outcome.payloadJson),
      });
    } else {
      kernel.record({
        kind: 'invoke.failed',
        requestId,
        env: this.id,
        errorType: outcome.error.errorType,
        cause: outcome.cause,
        digest: contentDigest(String(outcome.error.errorMessage)),
        // Only for a wrapped error, so the trace of any other failure is as it was.
        ...(wrapped === undefined ? {} : { message: wrapped.message, causes: wrapped.causes }),
      });
    }
    // Fault plan: the environment is reclaimed now rather than kept for the next invocation (an
    // Init failure discards it anyway).
    const reclaimFault = reset === 'initError' ? undefined : run.reclaimAfterReturn;
    if (reclaimFault !== undefined) this.fn.world.faults.injected(reclaimFault);
    if (reset !== undefined) {
      if (reset !== 'initError') kernel.record({ kind: 'env.reset', env: this.id, reason: reset });
      this.process?.kill();
      this.process = undefined;
      this.handler = undefined;
    } else if (this.process !== undefined) {
      // R-ENV-4: frozen until the next invocation; requests in flight went out before the freeze
      // or are suspended with it (the fault says which, else a seeded choice per request).
      const pendingWork = this.process.pendingCount();
      if (pendingWork > 0) kernel.record({ kind: 'env.frozen', env: this.id, pendingWork });
      this.process.freeze(reclaimFault?.landed);
    }
    this.run = undefined;
    // A handler that assigned a global (`Math.random = …`) changed it for everyone: put it back.
    restoreReplacedGlobals(this.fn.world, this.id, `when invocation ${requestId} ended`);
    if (reset === 'initError') {
      this.state = 'gone';
      this.fn.discard(this);
    } else {
      this.becomeIdle();
      if (reclaimFault !== undefined) this.reclaim();
    }
    run.slot.ended();
    kernel.wake();
    run.done(outcome);
  }

  private becomeIdle(): void {
    this.state = 'idle';
    this.idleSinceMs = this.fn.world.kernel.nowMs;
  }

  // --- ProcessOwner ---------------------------------------------------------------------------

  initialEnv(): Record<string, string> {
    return this.fn.environmentVariables(this);
  }

  onOutput(proc: RuntimeProcess, source: LogSource, level: LogLevel, message: string): void {
    if (proc !== this.process) return;
    const world = this.fn.world;
    const kernel = world.kernel;
    const line: LogLine = {
      atMs: kernel.nowMs,
      epochMs: world.epochStartMs + kernel.nowMs,
      fn: this.fn.config.name,
      env: this.id,
      // The Node.js runtime prints `undefined` for output of Init, even an Init an invoke waits for.
      requestId: this.run?.phase === 'handler' ? this.currentRequestId : undefined,
      level,
      source,
      message,
      traceIndex: kernel.trace.length,
    };
    world.logs.push(line);
    if (world.logsLive) printLive(formatLogLine(line));
  }

  onUncaught(proc: RuntimeProcess, error: unknown): void {
    this.crashed(proc, serializeThrown(error));
  }

  /** RIC: posts `Runtime.UnhandledPromiseRejection` for the current invoke, then exits (R-ENV-5). */
  onUnhandledRejection(proc: RuntimeProcess, reason: unknown): void {
    this.crashed(proc, unhandledRejectionBody(reason));
  }

  /** A process-level error: an Init failure while Init runs, else a reset (R-ENV-5, R-ENV-8). */
  private crashed(proc: RuntimeProcess, body: ErrorBody): void {
    if (proc !== this.process || !proc.alive) return;
    const run = this.run;
    // No handler yet: Init is running (on demand, in-invoke or provisioned).
    if (this.handler === undefined) {
      this.initFailed(run, proc, undefined, body);
      return;
    }
    if (run === undefined || run.finished) {
      // Background code failed between invocations: the process dies; the next invoke re-inits.
      this.resetIdle('uncaught');
      return;
    }
    // During the invoke, including work resumed by the thaw before the handler is called.
    this.finishFailed(run, 'uncaught', body, 'uncaught');
  }

  onExit(proc: RuntimeProcess, code: number): void {
    if (proc !== this.process || !proc.alive) return;
    const run = this.run;
    if (run === undefined || run.finished) {
      this.resetIdle('exit');
      return;
    }
    this.finishFailed(run, 'exit', exitBody(run.req.requestId, code), 'exit');
  }

  private resetIdle(reason: ResetReason): void {
    const kernel = this.fn.world.kernel;
    kernel.record({ kind: 'env.reset', env: this.id, reason });
    this.process?.kill();
    this.process = undefined;
    this.handler = undefined;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
