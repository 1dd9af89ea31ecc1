import { ConfigError } from '../errors.js';
import type { Kernel } from '../sim/Kernel.js';
import type { TraceEvent } from '../TraceEvent.js';
import {
  CALL_FAULT_KINDS,
  type CallFault,
  type Fault,
  FAULT_KINDS,
  type FaultPlan,
  type InvocationFault,
} from './Fault.js';

const NONE: readonly never[] = Object.freeze([]);

/**
 * Applies a {@link FaultPlan} during a run: counts invocation tries per function and calls per
 * service, and answers which faults aim at the current one. Every fault applied is recorded in
 * the trace as `fault.injected`.
 */
export class FaultInjector {
  private readonly invocationFaults = new Map<string, InvocationFault[]>();
  private readonly callFaults = new Map<string, CallFault[]>();
  private readonly calls = new Map<string, number>();

  constructor(
    private readonly kernel: Kernel<TraceEvent>,
    readonly plan: FaultPlan,
  ) {
    for (const fault of plan) {
      if ('fn' in fault) push(this.invocationFaults, `${fault.fn}#${fault.invocation}`, fault);
      else push(this.callFaults, `${fault.service}#${fault.call}`, fault);
    }
  }

  /** True when the plan holds no fault (the fast path skips all lookups). */
  get empty(): boolean {
    return this.plan.length === 0;
  }

  /** The faults aimed at try `n` of function `fn`. */
  forInvocation(fn: string, n: number): readonly InvocationFault[] {
    if (this.plan.length === 0) return NONE;
    return this.invocationFaults.get(`${fn}#${n}`) ?? NONE;
  }

  /** Counts one more call to `service`; returns the faults aimed at it. */
  nextCall(service: string): readonly CallFault[] {
    if (this.plan.length === 0) return NONE;
    const n = (this.calls.get(service) ?? 0) + 1;
    this.calls.set(service, n);
    return this.callFaults.get(`${service}#${n}`) ?? NONE;
  }

  /** Records that `fault` took effect now. */
  injected(fault: Fault): void {
    const target = 'fn' in fault ? fault.fn : fault.service;
    const at = 'fn' in fault ? fault.invocation : fault.call;
    this.kernel.record({ atMs: this.kernel.nowMs, kind: 'fault.injected', fault: fault.kind, target, at });
  }

  /**
   * Checks that every fault names a function or service of the simulation (called when the run
   * starts, once everything is defined).
   */
  checkTargets(functions: ReadonlySet<string>, services: ReadonlySet<string>): void {
    this.plan.forEach((fault, i) => {
      if ('fn' in fault) {
        if (!functions.has(fault.fn))
          throw new ConfigError(
            'sim.run',
            `faults[${i}].fn`,
            `must name a function of this simulation (${list(functions)})`,
            fault.fn,
          );
      } else if (!services.has(fault.service)) {
        throw new ConfigError(
          'sim.run',
          `faults[${i}].service`,
          `must name a service of this simulation (${list(services)})`,
          fault.service,
        );
      }
    });
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function list(names: ReadonlySet<string>): string {
  return names.size === 0 ? 'none defined' : `defined: ${[...names].join(', ')}`;
}

const FIELDS: Record<
  Fault['kind'],
  Record<string, 'string' | 'index' | 'count' | 'ms' | 'boolean' | 'string?'>
> = {
  handlerError: { fn: 'string', invocation: 'index', message: 'string?' },
  handlerTimeout: { fn: 'string', invocation: 'index' },
  crashAfterCalls: { fn: 'string', invocation: 'index', calls: 'count' },
  coldStart: { fn: 'string', invocation: 'index' },
  throttle: { fn: 'string', invocation: 'index' },
  callError: { service: 'string', call: 'index', errorName: 'string?', message: 'string?' },
  callTimeout: { service: 'string', call: 'index', landed: 'boolean' },
  callLatency: { service: 'string', call: 'index', addMs: 'ms' },
};

/**
 * Validates a fault plan (e.g. one read from a saved scenario file) and returns it frozen.
 * Errors name the entry, the field and the rule: `createSimulation: faults[1].invocation must be
 * an integer >= 1, got 0`.
 */
export function resolveFaultPlan(plan: unknown, api = 'createSimulation'): FaultPlan {
  if (plan === undefined) return NONE;
  if (!Array.isArray(plan)) throw new ConfigError(api, 'faults', 'must be an array of faults', plan);
  return Object.freeze(
    plan.map((raw: unknown, i) => {
      const at = `faults[${i}]`;
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
        throw new ConfigError(api, at, 'must be a fault object with a kind', raw);
      const fault = raw as Record<string, unknown>;
      const kind = fault.kind;
      if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind))
        throw new ConfigError(api, `${at}.kind`, `must be one of ${FAULT_KINDS.join(', ')}`, kind);
      const fields = FIELDS[kind as Fault['kind']];
      for (const key of Object.keys(fault)) {
        if (key !== 'kind' && !(key in fields))
          throw new ConfigError(
            api,
            `${at}.${key}`,
            `is not a field of a ${kind} fault (fields: ${Object.keys(fields).join(', ')})`,
            fault[key],
          );
      }
      for (const [key, type] of Object.entries(fields)) {
        const value = fault[key];
        const field = `${at}.${key}`;
        if (type === 'string?') {
          if (value !== undefined && typeof value !== 'string')
            throw new ConfigError(api, field, 'must be a string when given', value);
        } else if (type === 'string') {
          if (typeof value !== 'string' || value === '')
            throw new ConfigError(api, field, 'must be a non-empty string', value);
        } else if (type === 'boolean') {
          if (typeof value !== 'boolean') throw new ConfigError(api, field, 'must be a boolean', value);
        } else {
          const min = type === 'count' ? 0 : 1;
          if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
            throw new ConfigError(api, field, `must be an integer >= ${min}`, value);
        }
      }
      return Object.freeze({ ...fault }) as Fault;
    }),
  );
}

/** True for faults aimed at service calls. */
export function isCallFault(fault: Fault): fault is CallFault {
  return (CALL_FAULT_KINDS as readonly string[]).includes(fault.kind);
}
