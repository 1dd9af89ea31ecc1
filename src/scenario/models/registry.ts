import { asyncModel } from './async.js';
import { dynamodbStreamsModel } from './dynamodbStreams.js';
import { kinesisModel } from './kinesis.js';
import type { ScenarioModel } from '../Scenario.js';
import type { ScenarioModelDescriptor } from './ScenarioModelDescriptor.js';
import { sqsModel } from './sqs.js';
import { syncModel } from './sync.js';

/**
 * The built-in scenario models, one descriptor each, in the order error messages list them. A new
 * model is a file `src/scenario/models/<model>.ts` exporting its descriptor, one line here, and its
 * `scenarios.<model>` entry (see README.md beside this file), and its name in `ScenarioModel`
 * (Scenario.ts; checked against this list below).
 */
export const SCENARIO_MODEL_DESCRIPTORS = [
  syncModel,
  asyncModel,
  sqsModel,
  kinesisModel,
  dynamodbStreamsModel,
] as const;

/** Compile-time: the public `ScenarioModel` union names exactly the models listed above. */
type RegisteredModel = (typeof SCENARIO_MODEL_DESCRIPTORS)[number]['model'];
type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const registryMatchesScenarioModel: SameSet<RegisteredModel, ScenarioModel> = true;
void registryMatchesScenarioModel;

/** Models registered at run time (tests, a model in development): not part of the public API. */
const registered = new Map<string, ScenarioModelDescriptor>();

/** Every model a scenario may name: the built-ins, then those registered. */
export function scenarioModels(): readonly ScenarioModelDescriptor[] {
  return [...SCENARIO_MODEL_DESCRIPTORS, ...registered.values()];
}

/** The descriptor of model `name`, or undefined for a name no model has. */
export function scenarioModel(name: unknown): ScenarioModelDescriptor | undefined {
  return scenarioModels().find((d) => d.model === name);
}

/**
 * @internal Registers a model beside the built-ins (the seam test's toy model; a model being
 * written before it gets its registry line) and returns the function that removes it again.
 * @throws Error when a model of that name exists.
 */
export function registerScenarioModel(descriptor: ScenarioModelDescriptor): () => void {
  if (scenarioModel(descriptor.model) !== undefined)
    throw new Error(`registerScenarioModel: a model named ${descriptor.model} exists`);
  registered.set(descriptor.model, descriptor);
  return () => {
    registered.delete(descriptor.model);
  };
}
