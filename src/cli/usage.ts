/** The help pages of the CLI: the main page and one per command. */
export type HelpTopic = 'main' | 'demo' | 'show' | 'replay';

/** One usage line per command, printed after a usage error. */
export const USAGE: Readonly<Record<HelpTopic, string>> = {
  main: 'Usage: lambdasim <demo|show|replay> [file] [options]   (lambdasim --help)',
  demo: 'Usage: lambdasim demo [--all] [--example <name>] [--seed <n>] [--out <dir>]',
  show: 'Usage: lambdasim show <scenario.json|trace.json> [--max-lines <n>] [--all-calls] [--sender-ids]',
  replay:
    'Usage: lambdasim replay <scenario.json> --setup <module>[#export] [--check <name>]... [--key <path>] [--service <api>] [--op <op>] [--max-lines <n>] [--all-calls] [--sender-ids] [--json]',
};

/** The names `--check` accepts, and the check each one runs. */
export const CHECK_NAMES = {
  'exactly-once': 'exactlyOnce',
  'no-lost-events': 'noLostEvents',
  'retry-policy': 'retryPolicyHonored',
  'same-as-fault-free': 'sameAsFaultFree',
} as const;

const MAIN_HELP = `lambdasim: replay saved lambdasim scenarios and traces from the command line.

Usage:
  lambdasim demo [--all] [--example <name>] [--seed <n>]  the bundled examples: bugs found, shrunk, fixed
  lambdasim show <scenario.json|trace.json>               validate a scenario file and print it, or
                                                          print a saved trace as a timeline
  lambdasim replay <scenario.json> --setup <module>[#export] [options]
                                                          run it and print the timeline and trace hash
  lambdasim <command> --help                              help on one command
  lambdasim --version                                     the lambdasim version

A scenario file is what saveScenario writes (a shrunk counterexample, say, or what a campaign's
LAMBDASIM_COUNTEREXAMPLES directory holds); the setup module is the ScenarioSetup your property
test runs: (sim) => handler factory.

Exit codes: 0 done; 1 a --check found violations (replay), or an example's bug was not found or
its fixed twin failed (demo); 2 usage error, unreadable or invalid file, or a setup module that
cannot be loaded or run.`;

/** The summary comment `show` prints, as the help page shows it (test/unit/cli/runCli.test.ts keeps it true). */
export const SHOW_EXAMPLE_SUMMARY =
  '// regression.json: async scenario, seed 0: 1 event at +0.000s, 1 fault (crashAfterCalls)';

const SHOW_HELP = `${USAGE.show}

A scenario file: validates it as loadScenario does (its shape, fault plan and configuration) and
prints it as a literal to paste into a test, after a one-line summary comment:

  ${SHOW_EXAMPLE_SUMMARY}
  { model: 'async', seed: 0, ... }

A trace file (JSON with a "trace" array of trace events, and its "traceHash", as the golden traces
hold; or the array itself): prints it as a timeline, after a comment saying whether the hash
matches the entries.

Options (trace files):
  --max-lines <n>   at most n timeline lines (default 400)
  --all-calls       show call.sent / call.returned lines (hidden by default)
  --sender-ids      show the SenderId of each message code sent to SQS (hidden by default)

Exit codes: 0 valid; 2 usage error, unreadable or invalid file (the reason on stderr).`;

const DEMO_HELP = `${USAGE.demo}

Runs the bundled examples (fixtures/examples): for each, its property against the buggy handler
(fast-check finds and shrinks a counterexample) and against its fixed twin. Shows one example in
full (the shrunk scenario, the violation, the timeline of its key events, the fix as a diff from
its twin, the twin passing, and a one-line replay of the counterexample saved as a scenario file)
and the others one line each. The examples are not in the published package: run it from a clone
of the lambdasim repository. A progress line is shown on stderr when stderr is a terminal.

Options:
  --all              every example in full
  --example <name>   this example in full (default: the first, welcomeEmail)
  --seed <n>         the search seed (default: LAMBDASIM_SEED, else from the clock)
  --out <dir>        where the counterexamples are saved (default: <tmpdir>/lambdasim-demo)

Exit codes: 0 every bug found, each the bug its headline names, every twin passed; 1 otherwise;
2 usage error, or not run from a clone of the repository.`;

const REPLAY_HELP = `${USAGE.replay}

Runs a saved scenario with runScenario, as the property test did, and prints the timeline of the
run, a summary (how it ended, requests, async events, queues, calls, faults), the noLostEvents
violations and the trace hash: the same scenario and setup give the same hash in any process.
Effects (charges, emails) are checked only with --check exactly-once --key <path>; without it
replay says so, and lists the arguments the effects have.

Options:
  --setup <module>[#export]  the module holding the ScenarioSetup (sim) => handler factory, a path
                             from the current directory: the export named after # (a dotted
                             path such as #welcomeEmail.buggy reaches into an object), else its
                             default export if a function, else its export named setup
                             (exports.setup in CommonJS). A .ts/.mts/.cts module is loaded
                             with tsx (install it, or pass the compiled JavaScript).
  --check <name>             judge the run: exit 1 when the check finds violations. Repeatable;
                             names: ${Object.keys(CHECK_NAMES).join(', ')}
                             (same-as-fault-free reruns the scenario without faults).
                             Without --check, noLostEvents is reported but not judged.
  --key <path>               with --check exactly-once: what makes two effects the same, a path
                             into the call (args.orderId, args.order.id, requestId,
                             idempotencyKey). Checks both directions with the input ledger: no
                             key has two effects, and no input acknowledged as processed (SQS
                             message deleted, async event succeeded, 200) lacks its effect.
  --service <api>            the external api (sim.api) whose effects to check; needed only
                             when several apis made effects
  --op <op>                  only the effects of this operation (e.g. charge)
  --max-lines <n>            at most n timeline lines (default 400); 0 hides the timeline
  --all-calls                show call.sent / call.returned lines (hidden by default)
  --sender-ids               show the SenderId of each message code sent to SQS (hidden by default)
  --json                     print one JSON object instead: { scenario, setup, traceHash, end,
                             summary, checks, violations, determinismErrors }

Exit codes: 0 the run completed (the CLI reports, it does not judge); 1 a --check found
violations; 2 usage error, invalid scenario, or a setup module that cannot be loaded or run.`;

/** The help page of a topic. */
export function helpText(topic: HelpTopic): string {
  switch (topic) {
    case 'main':
      return MAIN_HELP;
    case 'demo':
      return DEMO_HELP;
    case 'show':
      return SHOW_HELP;
    case 'replay':
      return REPLAY_HELP;
    default: {
      const never: never = topic;
      return String(never);
    }
  }
}
