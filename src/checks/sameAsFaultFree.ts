import { ConfigError } from '../errors.js';
import type { ExternalApi } from '../services/ExternalApi.js';
import type { Table } from '../services/Table.js';
import type { Simulation } from '../Simulation.js';
import { withMessage } from './formatViolation.js';
import type { SameAsFaultFreeViolation } from './Violation.js';

/** What {@link sameAsFaultFree} needs: the faulty run's simulation and a way to rerun it without faults (a scenario result). */
export interface RerunnableResult {
  readonly sim: Simulation;
  rerunFaultFree(): Promise<{ readonly sim: Simulation }>;
}

/** Options of {@link sameAsFaultFree}. */
export interface SameAsFaultFreeOptions {
  /** Tables whose final items are compared. @defaultValue every table of `result.sim`, unless `apis` is given (then none) */
  readonly tables?: readonly string[];
  /** External APIs whose effects (op + args, as a multiset) are compared. @defaultValue every API of `result.sim`, unless `tables` is given (then none) */
  readonly apis?: readonly string[];
}

/**
 * The generic idempotency oracle: the final state under faults equals the fault-free run of the
 * same workload. Reruns the scenario without faults (`result.rerunFaultFree()`), then compares
 * each table's final items as a set keyed by the table's key (`stateDiffers`) and each external
 * API's effects as a multiset of `{ op, args }` (`effectsDiffer`); order and timing are ignored.
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
  const faultFree = (await result.rerunFaultFree()).sim;
  const out: SameAsFaultFreeViolation[] = [];
  for (const name of tableNames) {
    const a = findTable(faulty, name);
    const b = findTable(faultFree, name);
    const diff = compareTables(a, b);
    if (diff !== undefined)
      out.push(withMessage({ check: 'sameAsFaultFree', kind: 'stateDiffers', service: name, ...diff }));
  }
  for (const name of apiNames) {
    const diff = compareEffects(findApi(faulty, name), findApi(faultFree, name));
    if (diff !== undefined)
      out.push(withMessage({ check: 'sameAsFaultFree', kind: 'effectsDiffer', service: name, ...diff }));
  }
  return out;
}

interface Diff {
  readonly faulty: readonly unknown[];
  readonly faultFree: readonly unknown[];
  readonly onlyFaulty: readonly unknown[];
  readonly onlyFaultFree: readonly unknown[];
}

function compareTables(faulty: Table, faultFree: Table): Diff | undefined {
  const a = keyed(faulty);
  const b = keyed(faultFree);
  const onlyFaulty = [...a].filter(([k, v]) => b.get(k)?.json !== v.json).map(([, v]) => v.item);
  const onlyFaultFree = [...b].filter(([k, v]) => a.get(k)?.json !== v.json).map(([, v]) => v.item);
  if (onlyFaulty.length === 0 && onlyFaultFree.length === 0) return undefined;
  return {
    faulty: [...a.values()].map((v) => v.item),
    faultFree: [...b.values()].map((v) => v.item),
    onlyFaulty,
    onlyFaultFree,
  };
}

/** A table's items by key (sorted), each with its canonical JSON. */
function keyed(table: Table): Map<string, { item: unknown; json: string }> {
  const entries = table
    .snapshot()
    .map((item) => [canonicalJson(item[table.keyAttribute]), { item, json: canonicalJson(item) }] as const);
  entries.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return new Map(entries);
}

function compareEffects(faulty: ExternalApi, faultFree: ExternalApi): Diff | undefined {
  const a = multiset(faulty);
  const b = multiset(faultFree);
  const onlyFaulty = excess(a, b);
  const onlyFaultFree = excess(b, a);
  if (onlyFaulty.length === 0 && onlyFaultFree.length === 0) return undefined;
  return { faulty: expand(a), faultFree: expand(b), onlyFaulty, onlyFaultFree };
}

/** An API's effects as `{ op, args }` → count, sorted by canonical JSON. */
function multiset(api: ExternalApi): Map<string, { value: unknown; count: number }> {
  const counts = new Map<string, { value: unknown; count: number }>();
  for (const e of api.effects()) {
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
