#!/usr/bin/env node
/**
 * The `lambdasim` command: replays saved scenarios (what `saveScenario` writes, e.g. a shrunk
 * counterexample) and prints saved traces outside the test runner; runs the bundled demo.
 *
 * ```
 * lambdasim demo [--all] [--example <name>] [--seed <n>] [--out <dir>]
 *     The bundled examples (fixtures/demo, in a clone of the repository): one bug in full, the
 *     others one line each; a progress line on stderr when stderr is a terminal.
 *
 * lambdasim show <scenario.json|trace.json> [--max-lines <n>] [--all-calls] [--sender-ids]
 *     Validate a scenario file (shape, fault plan, configuration) and print it as a literal,
 *     after a one-line summary comment (model, seed, events, faults); or print a saved trace
 *     as a timeline, after a comment saying whether its traceHash matches its entries.
 *
 * lambdasim replay <scenario.json> --setup <module>[#export] [options]
 *     Run it with runScenario and print the timeline, a summary (how the run ended, requests,
 *     async events, queues, calls, faults injected), the noLostEvents violations and the trace
 *     hash: the same scenario and setup give the same hash in any process.
 *
 *     --setup <module>[#export]  the ScenarioSetup `(sim) => handler factory`: the export after
 *                                `#` (a dotted path reaches into objects: #welcomeEmail.buggy),
 *                                else the module's default export if a function, else its
 *                                export `setup` (`exports.setup` in CommonJS).
 *                                A .ts/.mts/.cts module is loaded with tsx (install it, or pass
 *                                the compiled JavaScript).
 *     --check <name>             judge the run: exit 1 on violations. Repeatable: exactly-once,
 *                                no-lost-events, retry-policy, same-as-fault-free (reruns
 *                                without faults).
 *     --key <path>               with exactly-once: the effect's key, a path into the call
 *                                (args.orderId, requestId, idempotencyKey); both directions
 *                                with the input ledger. Without exactly-once, replay says
 *                                effects were not checked.
 *     --service <api>, --op <op> with exactly-once: which api (when several made effects) and op
 *     --max-lines <n>            at most n timeline lines (default 400; 0 hides the timeline)
 *     --all-calls                also show call.sent / call.returned lines
 *     --sender-ids               show the SenderId on each sqs.sent
 *     --json                     one JSON object: { scenario, setup, traceHash, end, summary,
 *                                checks, violations, determinismErrors }
 *
 * lambdasim --help | lambdasim <command> --help | lambdasim --version
 *
 * Exit codes: 0 done (the CLI reports, it does not judge); 1 a --check found violations, or
 * the demo missed a bug, showed another, or a fixed twin failed; 2 usage error, unreadable or
 * invalid scenario or trace, setup module missing, without the export, not a function, or
 * throwing (its error is shown with its own stack), demo outside a clone of the repository.
 * ```
 *
 * Examples, in this repository (`npx tsx src/cli/main.ts` in place of `lambdasim`):
 * ```
 * lambdasim show fixtures/regressions/welcomeEmail/seed-20261123.json
 * lambdasim replay fixtures/regressions/welcomeEmail/seed-20261123.json \
 *   --setup fixtures/examples/welcomeEmail.ts#welcomeEmail.buggy --check no-lost-events
 * lambdasim replay fixtures/regressions/sqsChargeBatch/seed-20261123.json \
 *   --setup fixtures/examples/sqsChargeBatch.ts#sqsChargeBatch.buggy --check exactly-once --key args.orderId
 * ```
 */
import { runCli } from './runCli.js';

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // `lambdasim replay … | head`: the reader went away, nothing left to say.
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  // A status line rewritten in place (`\r`, erase to the end): only on a terminal.
  ...(process.stderr.isTTY ? { progress: (text: string) => process.stderr.write(`\r\x1b[K${text}`) } : {}),
});
// Exit once the output is written, even if handler code left real handles open (they are
// reported as determinism errors).
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
