import { formatScenario, loadScenario } from '../scenario/scenarioFile.js';
import type { CliIo } from './CliIo.js';
import { describeScenario } from './describeScenario.js';

/**
 * `lambdasim show <scenario.json>`: validates the file as {@link loadScenario} does and prints a
 * one-line summary comment, then the scenario as a literal ({@link formatScenario}).
 *
 * @returns the exit code, 0.
 * @throws ConfigError for an unreadable or invalid file.
 */
export function showCommand(scenarioPath: string, io: CliIo): number {
  const scenario = loadScenario(scenarioPath);
  io.out(`// ${scenarioPath}: ${describeScenario(scenario)}`);
  io.out(formatScenario(scenario));
  return 0;
}
