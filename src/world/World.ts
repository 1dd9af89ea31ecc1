import type { FaultInjector } from '../faults/FaultInjector.js';
import { stackFrames } from '../sim/stackFrames.js';
import type { GlobalsGuard } from '../sim/GlobalsGuard.js';
import type { Kernel } from '../sim/Kernel.js';
import { realGlobals } from '../sim/realGlobals.js';
import type { Rng } from '../sim/Rng.js';
import type { TraceEvent } from '../TraceEvent.js';
import type { LogLine } from './LogLine.js';

/** Real I/O or a real timer started on behalf of a simulation: the run is no longer replayable. */
export interface DeterminismError {
  readonly atMs: number;
  /** Who started it: an environment id (`ProcessOrder#1`) or a caller name. */
  readonly by: string;
  /**
   * The Node async resource type, e.g. `TCPWRAP`, `FSREQCALLBACK`, `Timeout`; or, for a virtual
   * global that user code replaced (and lambdasim put back), `global ` and its name:
   * `global Math.random`.
   */
  readonly resource: string;
  /** Where it was started (stack, first frames outside node internals). Not part of the trace hash. */
  readonly site: string;
  readonly message: string;
}

/** What the lambda layer, services and models share within one simulation. */
export interface World {
  readonly kernel: Kernel<TraceEvent>;
  /** Epoch milliseconds at virtual time 0. */
  readonly epochStartMs: number;
  /** Handler-visible `Math.random()` values. */
  readonly userRandom: Rng;
  /** Handler-visible `crypto.randomUUID()` values. */
  readonly userUuids: Rng;
  /** Request ids and other lambdasim-made ids. */
  readonly ids: Rng;
  readonly determinismErrors: DeterminismError[];
  /** The run's fault plan, applied at deterministic points. */
  readonly faults: FaultInjector;
  /** Per-run counters (never module-level: two runs in one process must not share them). */
  readonly counters: { calls: number };
  /** Keeps the virtual globals in place: captured when the run starts, checked after each invocation. */
  readonly globals: GlobalsGuard;
  /**
   * Misuse lambdasim noticed that is not an error (e.g. one handler object serving two
   * environments at once), one message each, in the order found.
   */
  readonly warnings: string[];
  /** What handlers wrote (console, stdout, stderr), in order. */
  readonly logs: LogLine[];
  /** Print each log line as it is written (`LAMBDASIM_LOGS=live`), besides keeping it. */
  readonly logsLive: boolean;
  /** Real timers started inside the run (determinism escapes), cancelled when the run ends. */
  readonly realTimers: Array<{ readonly type: string; readonly resource: object }>;
  // The router of the run's outbound HTTP requests lives above, in the transport layer
  // (`outboundOf(world)` in transport/Outbound.ts): the world does not know of it.
}

/** Records an escape (see {@link recordEscape}) and keeps a real timer to cancel at the run's end. */
export function recordEscapedResource(
  world: World,
  by: string,
  type: string,
  stack: string,
  resource: object,
): void {
  if (type === 'Timeout' || type === 'Immediate') world.realTimers.push({ type, resource });
  recordEscape(world, by, type, stack);
}

/**
 * Cancels the real timers started inside the run, so that none fires into the test process after
 * it (they stay reported as determinism errors).
 */
export function cancelRealTimers(world: World): void {
  for (const { type, resource } of world.realTimers) {
    if (type === 'Immediate') realGlobals.clearImmediate(resource as NodeJS.Immediate);
    else realGlobals.clearTimeout(resource as NodeJS.Timeout);
  }
  world.realTimers.length = 0;
}

/**
 * Puts back every virtual global replaced since the run started (`Math.random = …` in a handler)
 * and reports each as a determinism error by `by`, found `when` (e.g. `when invocation … ended`).
 * Globals are process-wide: left replaced, they would change every other environment, simulation
 * and the test runner.
 */
export function restoreReplacedGlobals(world: World, by: string, when: string): void {
  const replaced = world.globals.restore();
  if (replaced === undefined) return;
  for (const name of replaced) {
    const resource = `global ${name}`;
    const site = `(found ${when})`;
    if (world.determinismErrors.some((e) => e.by === by && e.resource === resource)) continue;
    const message = `${by} replaced the global ${name} (found ${when}); lambdasim put its virtual ${name} back. Globals are shared by every environment, simulation and the test runner, and a replaced one escapes virtual time: inject the dependency instead, or stub it in the test before sim.run().`;
    world.determinismErrors.push({ atMs: world.kernel.nowMs, by, resource, site, message });
    world.kernel.record({ kind: 'determinism.violated', by, resource });
  }
}

/**
 * Where a stack says something started: its innermost frames outside lambdasim and Node (the
 * user's code or the dependency it called), or `(unknown site)`.
 */
export function siteOf(stack: string): string {
  const frames = stackFrames(Object.assign(new Error(), { stack }));
  return (
    frames
      .filter((frame) => frame.owner === 'user' || frame.owner === 'dependency')
      .slice(0, 3)
      .map((frame) => frame.location)
      .join(' <- ') || '(unknown site)'
  );
}

/**
 * Where user code made a request: its innermost frame in the user's code (below a client
 * library's own frames, e.g. the AWS SDK's middleware), else {@link siteOf}.
 */
export function userSiteOf(stack: string): string {
  const frames = stackFrames(Object.assign(new Error(), { stack }));
  return frames.find((frame) => frame.owner === 'user')?.location ?? siteOf(stack);
}

export function recordEscape(world: World, by: string, resource: string, stack: string): void {
  const site = siteOf(stack);
  // One report per place: a single fs.readFile starts several resources of the same type.
  if (world.determinismErrors.some((e) => e.by === by && e.resource === resource && e.site === site)) return;
  const message = `${by} started real ${describeResource(resource)} (${resource}) inside the simulation at ${site}. Real I/O and real timers run outside virtual time, so this run cannot be replayed from its seed: route it through a simulated service (sim.api / sim.table) or inject the dependency.`;
  recordDeterminismError(world, { atMs: world.kernel.nowMs, by, resource, site, message });
}

/** Records a determinism error in the run's list and its trace. */
export function recordDeterminismError(world: World, error: DeterminismError): void {
  world.determinismErrors.push(error);
  world.kernel.record({ kind: 'determinism.violated', by: error.by, resource: error.resource });
}

function describeResource(type: string): string {
  if (type === 'Timeout' || type === 'Immediate') return 'timer';
  if (type.startsWith('FS') || type === 'FILEHANDLE' || type === 'STATWATCHER') return 'file system I/O';
  if (
    type.startsWith('TCP') ||
    type.startsWith('TLS') ||
    type.startsWith('HTTP') ||
    type.startsWith('GETADDRINFO') ||
    type === 'UDPWRAP' ||
    type.startsWith('PIPE')
  )
    return 'network I/O';
  return 'async work';
}
