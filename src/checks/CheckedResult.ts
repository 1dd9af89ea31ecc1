import type { ScenarioResult } from '../scenario/Scenario.js';
import type { SimulationResult } from '../Simulation.js';

/**
 * What the run checks read: a simulation's result, optionally with the scenario and simulation a
 * {@link ScenarioResult} carries (they let a check read configured settings).
 */
export type CheckedResult = SimulationResult & Partial<Pick<ScenarioResult, 'sim' | 'scenario'>>;
