import { ConfigError } from '../errors.js';
import { type InputRecord, isAcknowledged } from '../results/InputRecord.js';
import type { Effect, ExternalApi } from '../services/ExternalApi.js';
import type { Table } from '../services/Table.js';
import type { Simulation } from '../Simulation.js';
import { withMessage } from './formatViolation.js';
import type { SameAsFaultFreeStateViolation, SameAsFaultFreeViolation } from './Violation.js';

/**
 * What {@link sameAsFaultFree} needs: the faulty run's simulation and a way to rerun it without
 * faults (a scenario result). With the input ledgers of both runs (`inputs`, which a scenario
 * result has) it compares like with like; without them, the whole final states.
 */
export interface RerunnableResult {
  readonly sim: Simulation;
  readonly inputs?: readonly InputRecord[];
  rerunFaultFree(): Promise<{ readonly sim: Simulation; readonly inputs?: readonly InputRecord[] }>;
}

/** Options of {@link sameAsFaultFree}. */
export interface SameAsFaultFreeOptions {
  /** Tables whose final items are compared. @defaultValue every table of `result.sim`, unless `apis` is given (then none) */
  readonly tables?: readonly string[];
  /** External APIs whose effects (op + args, as a multiset) are compared. @defaultValue every API of `result.sim`, unless `tables` is given (then none) */
  readonly apis?: readonly string[];
  /**
   * Inputs that completed in one run but not in the other (dead-lettered, discarded, sent to an
   * on-failure destination, failed, still pending under faults; completed fault-free) are left
   * out of the comparison: `'leaveOut'` only lists them (`leftOut` of the other violations);
   * `'report'` also makes each an `inputNotCompleted` violation. Needs both ledgers.
   * @defaultValue 'leaveOut'
   */
  readonly notCompleted?: 'leaveOut' | 'report';
}

/**
 * The generic idempotency oracle: the final state under faults equals the fault-free run of the
 * same workload. Reruns the scenario without faults (`result.rerunFaultFree()`), then compares
 * each table's final items as a set keyed by the table's key (`stateDiffers`) and each external
 * API's effects as a multiset of `{ op, args }` (`effectsDiffer`); order and timing are ignored.
 *
 * Like with like: with both runs' input ledgers (a scenario result has them), inputs are matched
 * by scenario event index (else by model, target and body). Only inputs that completed in both
 * runs are compared: an input dead-lettered, discarded or otherwise not completed under faults
 * did not do its work there by design, which is no repeat. Such inputs are left out (listed in
 * `leftOut`; `notCompleted: 'report'` makes each an `inputNotCompleted` violation): the effects
 * their attempts made (an SQS batch's effects go with every message of it) and the table items
 * whose key value occurs in their body (an `orders` item keyed by the body's `orderId`), even
 * when an input compared shares it (its difference may be the left-out input's). Whether such an input may end so is for `noLostEvents`
 * and your redrive settings to say. Violations name the inputs involved in each difference.
 *
 * Gotcha: anything that legitimately depends on time or on the attempt (a timestamp, a random
 * id, a retry counter) differs between the two runs; keep it out of the compared services or
 * compare only the services that should match.
 *
 * @example
 * ```ts
 * const result = await runScenario(scenario, setup);
 * assertNoViolations(await checks.sameAsFaultFree(result, { tables: ['orders'], apis: ['payments'] }));
 * ```
 */
export async function sameAsFaultFree(
  result: RerunnableResult,
  options?: SameAsFaultFreeOptions & { readonly notCompleted?: 'leaveOut' },
): Promise<SameAsFaultFreeStateViolation[]>;
export async function sameAsFaultFree(
  result: RerunnableResult,
  options: SameAsFaultFreeOptions,
): Promise<SameAsFaultFreeViolation[]>;
export async function sameAsFaultFree(
  result: RerunnableResult,
  options: SameAsFaultFreeOptions = {},
): Promise<SameAsFaultFreeViolation[]> {
  const defined = result.sim.definedServices();
  const all = options.tables === undefined && options.apis === undefined;
  const tableNames = options.tables ?? (all ? defined.tables.map((t) => t.name) : []);
  const apiNames = options.apis ?? (all ? defined.apis.map((a) => a.name) : []);
  const faulty = result.sim;
  // Resolve the names before the rerun: a misspelt name fails at once.
  for (const name of tableNames) findTable(faulty, name);
  for (const name of apiNames) findApi(faulty, name);
  const notCompleted = options.notCompleted ?? 'leaveOut';
  if (notCompleted !== 'leaveOut' && notCompleted !== 'report')
    throw new ConfigError(
      'checks.sameAsFaultFree',
      'notCompleted',
      "must be 'leaveOut' or 'report'",
      notCompleted,
    );
  const rerun = await result.rerunFaultFree();
  const faultFree = rerun.sim;
  const like = likeWithLike(result.inputs, rerun.inputs);
  const out: SameAsFaultFreeViolation[] = [];
  if (notCompleted === 'report')
    for (const unit of like.leftOut)
      out.push(
        withMessage({
          check: 'sameAsFaultFree',
          kind: 'inputNotCompleted',
          input: unit.faulty[0] ?? unit.faultFree[0]!,
          faultyState: stateOf(unit.faulty),
          faultFreeState: stateOf(unit.faultFree),
        }),
      );
  const leftOut = like.leftOut.map((u) => u.faulty[0] ?? u.faultFree[0]!);
  for (const name of tableNames) {
    const a = findTable(faulty, name);
    const b = findTable(faultFree, name);
    const diff = compareTables(a, b, like);
    if (diff !== undefined)
      out.push(
        withMessage({ check: 'sameAsFaultFree', kind: 'stateDiffers', service: name, ...diff, leftOut }),
      );
  }
  for (const name of apiNames) {
    const diff = compareEffects(findApi(faulty, name), findApi(faultFree, name), like);
    if (diff !== undefined)
      out.push(
        withMessage({ check: 'sameAsFaultFree', kind: 'effectsDiffer', service: name, ...diff, leftOut }),
      );
  }
  return out;
}

/** The inputs of one workload event in each run (a client's retries are several inputs of one event). */
interface Unit {
  readonly faulty: InputRecord[];
  readonly faultFree: InputRecord[];
}

/** How the two runs' inputs line up: which are left out, and what belongs to them. */
interface LikeWithLike {
  readonly leftOut: readonly Unit[];
  /** Inputs compared, for naming them in messages: faulty run's and fault-free run's. */
  readonly compared: { readonly faulty: readonly InputRecord[]; readonly faultFree: readonly InputRecord[] };
  /** Call ids of effects made by left-out inputs, per run. */
  readonly leftOutCalls: { readonly faulty: ReadonlySet<number>; readonly faultFree: ReadonlySet<number> };
  /** Canonical JSON of the scalar body values of left-out inputs. */
  readonly leftOutValues: ReadonlySet<string>;
}

const NOTHING_LEFT_OUT: LikeWithLike = {
  leftOut: [],
  compared: { faulty: [], faultFree: [] },
  leftOutCalls: { faulty: new Set(), faultFree: new Set() },
  leftOutValues: new Set(),
};

function likeWithLike(
  faulty: readonly InputRecord[] | undefined,
  faultFree: readonly InputRecord[] | undefined,
): LikeWithLike {
  if (faulty === undefined || faultFree === undefined) return NOTHING_LEFT_OUT;
  const units = new Map<string, Unit>();
  const add = (inputs: readonly InputRecord[], side: keyof Unit) => {
    const seen = new Map<string, number>();
    for (const input of inputs) {
      let id: string;
      if (input.eventIndex !== undefined) id = `#${input.eventIndex}`;
      else {
        const base = `${input.model}\u0000${input.where}\u0000${canonicalJson(input.body)}`;
        const n = (seen.get(base) ?? 0) + 1;
        seen.set(base, n);
        id = `${base}\u0000${n}`;
      }
      let unit = units.get(id);
      if (unit === undefined) units.set(id, (unit = { faulty: [], faultFree: [] }));
      unit[side].push(input);
    }
  };
  add(faulty, 'faulty');
  add(faultFree, 'faultFree');
  const leftOut: Unit[] = [];
  const compared = { faulty: [] as InputRecord[], faultFree: [] as InputRecord[] };
  for (const unit of units.values()) {
    if (unit.faulty.some(isAcknowledged) === unit.faultFree.some(isAcknowledged)) {
      compared.faulty.push(...unit.faulty);
      compared.faultFree.push(...unit.faultFree);
    } else leftOut.push(unit);
  }
  if (leftOut.length === 0) return { ...NOTHING_LEFT_OUT, compared };
  const leftOutValues = new Set<string>();
  for (const unit of leftOut)
    for (const input of [...unit.faulty, ...unit.faultFree]) scalarsOf(input.body, leftOutValues);
  const callsOf = (inputs: readonly InputRecord[]) =>
    new Set(inputs.flatMap((i) => i.effects.map((e) => e.callId)));
  return {
    leftOut,
    compared,
    leftOutCalls: {
      faulty: callsOf(leftOut.flatMap((u) => u.faulty)),
      faultFree: callsOf(leftOut.flatMap((u) => u.faultFree)),
    },
    leftOutValues,
  };
}

/** The scalar leaves of a body (an SQS body's JSON parsed), as canonical JSON, into `into`. */
function scalarsOf(body: unknown, into: Set<string>): void {
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as unknown;
      if (typeof parsed === 'object' && parsed !== null) {
        scalarsOf(parsed, into);
        return;
      }
    } catch {
      // a plain string: a value itself
    }
  }
  if (body !== null && typeof body === 'object') {
    for (const value of Object.values(body)) scalarsOf(value, into);
    return;
  }
  if (body !== undefined && body !== null) into.add(canonicalJson(body));
}

/** Where a unit's inputs ended: the first acknowledged state, else the last input's. */
function stateOf(inputs: readonly InputRecord[]): string {
  const input = inputs.find(isAcknowledged) ?? inputs[inputs.length - 1];
  if (input === undefined) return 'absent';
  switch (input.state) {
    case 'deadLettered':
      return `deadLettered to ${input.target}`;
    case 'discarded':
      return `discarded (${input.reason})`;
    case 'sentToDestination':
      return `sent to ${input.role === 'onSuccess' ? 'its on-success' : 'its on-failure'} destination (${input.condition})`;
    case 'pending':
      return `still ${input.status} when the run ended`;
    case 'rejected':
      return `rejected (${input.statusCode} ${input.errorType})`;
    case 'failed':
      return `failed (${input.errorType})`;
    case 'completed':
      return 'completed';
    default:
      return assertNever(input);
  }
}

function assertNever(value: never): never {
  throw new Error(`sameAsFaultFree: unexpected input ${JSON.stringify(value)}`);
}

interface Diff {
  readonly faulty: readonly unknown[];
  readonly faultFree: readonly unknown[];
  readonly onlyFaulty: readonly unknown[];
  readonly onlyFaultFree: readonly unknown[];
  /** The compared inputs involved in the differences (faulty run's ledger, then fault-free's). */
  readonly inputs: readonly InputRecord[];
}

function compareTables(faulty: Table, faultFree: Table, like: LikeWithLike): Diff | undefined {
  const a = keyed(faulty, like.leftOutValues);
  const b = keyed(faultFree, like.leftOutValues);
  const onlyFaultyKeys = [...a.keys()].filter((k) => b.get(k)?.json !== a.get(k)!.json);
  const onlyFaultFreeKeys = [...b.keys()].filter((k) => a.get(k)?.json !== b.get(k)!.json);
  if (onlyFaultyKeys.length === 0 && onlyFaultFreeKeys.length === 0) return undefined;
  const keys = new Set([...onlyFaultyKeys, ...onlyFaultFreeKeys]);
  const involved = (inputs: readonly InputRecord[]) =>
    inputs.filter((input) => {
      const values = new Set<string>();
      scalarsOf(input.body, values);
      return [...keys].some((k) => values.has(k));
    });
  return {
    faulty: [...a.values()].map((v) => v.item),
    faultFree: [...b.values()].map((v) => v.item),
    onlyFaulty: onlyFaultyKeys.map((k) => a.get(k)!.item),
    onlyFaultFree: onlyFaultFreeKeys.map((k) => b.get(k)!.item),
    inputs: distinct([...involved(like.compared.faulty), ...involved(like.compared.faultFree)]),
  };
}

/** A table's items by key (sorted), each with its canonical JSON; items of left-out inputs left out. */
function keyed(table: Table, leftOut: ReadonlySet<string>): Map<string, { item: unknown; json: string }> {
  const entries = table
    .snapshot()
    .map((item) => [canonicalJson(item[table.keyAttribute]), { item, json: canonicalJson(item) }] as const)
    .filter(([key]) => !leftOut.has(key));
  entries.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return new Map(entries);
}

function compareEffects(faulty: ExternalApi, faultFree: ExternalApi, like: LikeWithLike): Diff | undefined {
  const a = multiset(faulty.effects(), like.leftOutCalls.faulty);
  const b = multiset(faultFree.effects(), like.leftOutCalls.faultFree);
  const onlyFaulty = excess(a, b);
  const onlyFaultFree = excess(b, a);
  if (onlyFaulty.length === 0 && onlyFaultFree.length === 0) return undefined;
  const differing = new Set([...onlyFaulty, ...onlyFaultFree].map(canonicalJson));
  const involved = (inputs: readonly InputRecord[]) =>
    inputs.filter((input) =>
      input.effects.some((e) => differing.has(canonicalJson({ op: e.op, args: e.args }))),
    );
  return {
    faulty: expand(a),
    faultFree: expand(b),
    onlyFaulty,
    onlyFaultFree,
    inputs: distinct([...involved(like.compared.faulty), ...involved(like.compared.faultFree)]),
  };
}

/** Inputs by event (a faulty run's input first): one per scenario event index, or per id. */
function distinct(inputs: readonly InputRecord[]): InputRecord[] {
  const seen = new Set<string>();
  return inputs.filter((input) => {
    const id = input.eventIndex === undefined ? `${input.model}:${input.id}` : `#${input.eventIndex}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Effects as `{ op, args }` → count, sorted by canonical JSON; effects of left-out inputs left out. */
function multiset(
  effects: readonly Effect[],
  leftOut: ReadonlySet<number>,
): Map<string, { value: unknown; count: number }> {
  const counts = new Map<string, { value: unknown; count: number }>();
  for (const e of effects) {
    if (leftOut.has(e.callId)) continue;
    const value = { op: e.op, args: e.args };
    const json = canonicalJson(value);
    const found = counts.get(json);
    if (found === undefined) counts.set(json, { value, count: 1 });
    else found.count++;
  }
  return new Map([...counts].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

function excess(
  a: ReadonlyMap<string, { value: unknown; count: number }>,
  b: ReadonlyMap<string, { value: unknown; count: number }>,
): unknown[] {
  const out: unknown[] = [];
  for (const [json, { value, count }] of a)
    for (let i = b.get(json)?.count ?? 0; i < count; i++) out.push(value);
  return out;
}

function expand(m: ReadonlyMap<string, { value: unknown; count: number }>): unknown[] {
  const out: unknown[] = [];
  for (const { value, count } of m.values()) for (let i = 0; i < count; i++) out.push(value);
  return out;
}

function findTable(sim: Simulation, name: string): Table {
  const table = sim.definedServices().tables.find((t) => t.name === name);
  if (table === undefined)
    throw new ConfigError(
      'checks.sameAsFaultFree',
      'tables',
      `must name tables defined on the simulation (defined: ${list(sim.definedServices().tables)})`,
      name,
    );
  return table;
}

function findApi(sim: Simulation, name: string): ExternalApi {
  const api = sim.definedServices().apis.find((a) => a.name === name);
  if (api === undefined)
    throw new ConfigError(
      'checks.sameAsFaultFree',
      'apis',
      `must name APIs defined on the simulation (defined: ${list(sim.definedServices().apis)})`,
      name,
    );
  return api;
}

function list(services: readonly { readonly name: string }[]): string {
  return services.length === 0 ? 'none' : services.map((s) => s.name).join(', ');
}

/** JSON with object keys sorted, so equal data gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
