import { type Simulation, simulationInternals } from '../../src/Simulation.js';

/**
 * What `scheduleItemWrites` is given outside a scenario run: each record's event index goes to the
 * simulation's ledger (as a scenario's `noteEvent` does), refused writes into `refused`.
 */
export function ledgerNotes(sim: Simulation) {
  const refused: { index: number; error: unknown }[] = [];
  const eventIndex = simulationInternals(sim).scenarioEventIndex;
  return {
    refused,
    noteEvent: (inputId: string, index: number) => void eventIndex.set(inputId, index),
    refuse: (index: number, error: unknown) => void refused.push({ index, error }),
  };
}
