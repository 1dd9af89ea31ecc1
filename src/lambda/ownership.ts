import { ConfigError } from '../errors.js';
import type { World } from '../world/World.js';

/**
 * Every API field that takes a resource of the simulation (a function, queue, topic, sink or
 * API), as `api: field`. Each is checked with {@link checkOwned}, which takes one of these keys,
 * so a new resource-taking API adds its line here; the ownership test enumerates this list and
 * feeds each field a resource of another simulation.
 */
export const RESOURCE_FIELDS = [
  'sim.invoke: fn',
  'sim.invokeAsync: fn',
  'sim.schedule: fn',
  'sim.apiGateway: fn',
  'sim.alb: fn',
  'sim.client: fn',
  'sim.mapping: fn',
  'sim.mapping: queue',
  'sim.mapping: stream',
  'sim.mapping: onFailure',
  'sim.sqs: redrive.deadLetter',
  'sim.fn: async.onSuccess',
  'sim.fn: async.onFailure',
  'sim.fn: async.deadLetter',
  'snsTopic.subscribe: subscriber',
  'sim.bucket: notify',
  'result.effects: service',
  'result.replays: service',
] as const;

/** One entry of {@link RESOURCE_FIELDS}. */
export type ResourceField = (typeof RESOURCE_FIELDS)[number];

interface Owner {
  readonly world: World;
  /** How the resource was made, e.g. `sim.sqs("dlq")`: the fix the error message suggests. */
  readonly recipe: string;
  readonly name: string;
}

// Keyed weakly: a resource (and its simulation) is collected as usual.
const owners = new WeakMap<object, Owner>();

/**
 * Records that `resource` belongs to the simulation of `world`; `recipe` is how it was made
 * (`sim.sqs("dlq")`), quoted when another simulation is handed it.
 */
export function claim<T extends object>(world: World, resource: T, recipe: string, name: string): T {
  owners.set(resource, { world, recipe, name });
  return resource;
}

/**
 * Throws a ConfigError when `value` is a resource made by another simulation (another
 * `createSimulation()`): its messages, invocations and effects would land in that simulation's
 * result, not this one's. A value that is no claimed resource (a hand-made delivery target, a
 * wrong type) passes: the field's own validation judges it. `api` overrides the API named in the
 * message (e.g. `sqs("orders")` for `sim.sqs: redrive.deadLetter`).
 */
export function checkOwned(world: World, use: ResourceField, value: unknown, api?: string): void {
  if (value === null || typeof value !== 'object') return;
  const owner = owners.get(value);
  if (owner === undefined || owner.world === world) return;
  const colon = use.indexOf(': ');
  throw new ConfigError(
    api ?? use.slice(0, colon),
    use.slice(colon + 2),
    `belongs to another simulation (created by a different createSimulation()); create it with this simulation: ${owner.recipe}`,
    owner.name,
  );
}
