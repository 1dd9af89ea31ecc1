import { formatViolations } from '../../checks/formatViolation.js';
import type { Violation } from '../../checks/Violation.js';
import { checkOptions, ConfigError, intInRange } from '../../errors.js';
import type { ScenarioResult } from '../../scenario/Scenario.js';
import { formatScenario } from '../../scenario/scenarioFile.js';
import type { SimulationResult } from '../../Simulation.js';
import { formatTime } from '../timeline.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { PAGE_CSP, PAGE_CSS, PAGE_SCRIPT } from './pageAssets.js';
import { buildTimelineModel, type TimelineEvent, type TimelineModel } from './timelineModel.js';

/** Options of {@link timelineHtml}. */
export interface TimelineHtmlOptions {
  /** The page's heading and title. @defaultValue `'lambdasim timeline'` */
  readonly title?: string;
  /**
   * How to run it again, shown at the top (e.g. the `FC_SEED=… npx vitest run …` line or a
   * `lambdasim replay` command). @defaultValue for a scenario run, `await runScenario(scenario,
   * setup)` with the scenario the page shows; for a simulation, its seed.
   */
  readonly replay?: string;
  /** Violations of the run's checks, listed at the top. @defaultValue none */
  readonly violations?: readonly Violation[];
  /** The most events drawn (the first ones; the page says how many it left out). @defaultValue 5000 */
  readonly maxEvents?: number;
}

const API = 'timelineHtml';
const KNOWN: ReadonlySet<string> = new Set(['title', 'replay', 'violations', 'maxEvents']);
const DEFAULT_MAX_EVENTS = 5000;

/** Width of one mark, and the most an idle stretch of virtual time takes on the axis, in pixels. */
const MARK_PX = 15;
const MAX_GAP_PX = 120;

/**
 * One self-contained HTML page for a run: a swimlane per function, execution environment,
 * queue (and SQS mapping, topic), service and caller on a virtual-time axis; each attempt drawn as
 * a bar from its start to how it ended, faults, effects and failures marked; clicking an event
 * (or its row in the table below) shows its payload or the call's arguments and its fields. The
 * scenario, the violations and the replay command are at the top.
 *
 * The page needs no network: its style and script are inline, it loads no font or image, and its
 * Content-Security-Policy forbids any fetch. Every piece of user data (payloads, names, messages)
 * is escaped, and the script only writes text. Same result, same page.
 *
 * Gotcha: the axis is not linear. Each instant takes the room its events need side by side, and
 * the idle time between two instants is drawn on a log scale (at most 120 px): read the times on
 * the axis, not the distances.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * const result = await runScenario(scenario, setup);
 * writeFileSync('timeline.html', timelineHtml(result, { title: 'welcome email sent twice' }));
 * ```
 * @throws ConfigError for an unknown option or an invalid value, or a `result` that is not a run's result.
 */
export function timelineHtml(result: SimulationResult, options: TimelineHtmlOptions = {}): string {
  const resolved = resolveOptions(result, options);
  const model = buildTimelineModel(result, resolved.maxEvents);
  const scenario = isScenarioResult(result) ? result.scenario : undefined;
  const endMs = result.end.atMs;
  const summary = [
    scenario === undefined
      ? `simulation, seed ${result.seed}`
      : `${scenario.model} scenario, seed ${scenario.seed}`,
    model.events.length < model.totalEvents
      ? `first ${model.events.length} of ${model.totalEvents} events drawn`
      : `${model.totalEvents} events`,
    `run ended ${result.end.kind} at ${formatTime(endMs)}`,
    `trace hash ${result.traceHash}`,
  ].join(' · ');
  const replay = resolved.replay ?? defaultReplay(result, scenario);
  const top = [
    `<h1>${escapeHtml(resolved.title)}</h1>`,
    `<p class="summary">${escapeHtml(summary)}</p>`,
    resolved.violations.length === 0
      ? ''
      : `<section class="violations"><h2>Violations</h2><pre>${escapeHtml(formatViolations(resolved.violations))}</pre></section>`,
    `<section class="replay"><h2>Replay</h2><pre>${escapeHtml(replay)}</pre></section>`,
    scenario === undefined
      ? ''
      : `<details class="scenario" open><summary>Scenario</summary><pre>${escapeHtml(scenarioText(scenario))}</pre></details>`,
  ].join('\n');
  const data = {
    lanes: model.lanes,
    events: model.events,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(resolved.title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
${top}
${LEGEND}
${renderLanes(model)}
${renderTable(model.events)}
</main>
<aside><h2 id="details-title">Details</h2><div id="details-body"><p class="hint">Click an event, an attempt or a row to see its payload, the call's arguments and its fields.</p></div></aside>
<script type="application/json" id="lambdasim-data">${jsonForScript(data)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

interface ResolvedOptions {
  readonly title: string;
  readonly replay: string | undefined;
  readonly violations: readonly Violation[];
  readonly maxEvents: number;
}

function resolveOptions(result: unknown, options: TimelineHtmlOptions): ResolvedOptions {
  if (
    result === null ||
    typeof result !== 'object' ||
    !Array.isArray((result as { trace?: unknown }).trace) ||
    !Array.isArray((result as { inputs?: unknown }).inputs)
  )
    throw new ConfigError(
      API,
      'result',
      'must be a run result (what runScenario / sim.run() resolve to)',
      result,
    );
  const o = checkOptions(
    API,
    options,
    KNOWN,
    'must be an object { title?, replay?, violations?, maxEvents? }',
  );
  for (const field of ['title', 'replay'] as const)
    if (o[field] !== undefined && typeof o[field] !== 'string')
      throw new ConfigError(API, field, 'must be a string', o[field]);
  if (o.violations !== undefined && !Array.isArray(o.violations))
    throw new ConfigError(API, 'violations', 'must be a Violation[] (what checks.* return)', o.violations);
  return {
    title: options.title ?? 'lambdasim timeline',
    replay: options.replay,
    violations: options.violations ?? [],
    maxEvents:
      options.maxEvents === undefined
        ? DEFAULT_MAX_EVENTS
        : intInRange(API, 'maxEvents', options.maxEvents, 1, Number.MAX_SAFE_INTEGER),
  };
}

function isScenarioResult(result: SimulationResult): result is ScenarioResult {
  return 'scenario' in result && typeof (result as { scenario?: unknown }).scenario === 'object';
}

function scenarioText(scenario: ScenarioResult['scenario']): string {
  try {
    return formatScenario(scenario);
  } catch {
    return JSON.stringify(scenario, null, 2);
  }
}

function defaultReplay(result: SimulationResult, scenario: ScenarioResult['scenario'] | undefined): string {
  if (scenario === undefined)
    return `createSimulation({ seed: ${result.seed} }) with the same setup and workload, then sim.run()`;
  return [
    'const scenario = <the scenario below>;',
    'const result = await runScenario(scenario, setup);',
    "or save it (saveScenario('scenario.json', scenario)) and run: lambdasim replay scenario.json --setup <module>#<export>",
  ].join('\n');
}

const LEGEND = `<div class="legend">${(
  [
    ['attempt', 'attempt started (bar: until it ended)'],
    ['fault', 'fault injected'],
    ['effect', 'effect (a call landed)'],
    ['replay', 'answered from an idempotency key'],
    ['error', 'failure, throttle, loss'],
    ['info', 'other event'],
  ] as const
)
  .map(([tone, words]) => `<span><i class="ev ${tone}"></i>${words}</span>`)
  .join('')}</div>`;

/** x of each event, and the track's width: each instant as wide as its busiest lane needs. */
function layout(model: TimelineModel): { x: number[]; ticks: { x: number; atMs: number }[]; width: number } {
  const x: number[] = [];
  const ticks: { x: number; atMs: number }[] = [];
  let cursor = 8;
  let i = 0;
  let previousMs: number | undefined;
  while (i < model.events.length) {
    const atMs = model.events[i]!.atMs;
    if (previousMs !== undefined) cursor += gapPx(atMs - previousMs);
    ticks.push({ x: cursor, atMs });
    const used = new Map<number, number>();
    let widest = 1;
    for (; i < model.events.length && model.events[i]!.atMs === atMs; i++) {
      const lane = model.events[i]!.lane;
      const k = used.get(lane) ?? 0;
      used.set(lane, k + 1);
      widest = Math.max(widest, k + 1);
      x.push(cursor + k * MARK_PX);
    }
    cursor += widest * MARK_PX;
    previousMs = atMs;
  }
  return { x, ticks, width: cursor + 40 };
}

/** Idle virtual time on the axis: 1 ms ≈ 15 px, 1 s ≈ 80 px, a minute ≈ 120 px. */
function gapPx(dtMs: number): number {
  return dtMs <= 0 ? 0 : Math.min(MAX_GAP_PX, Math.round(8 + 24 * Math.log10(1 + dtMs)));
}

function renderLanes(model: TimelineModel): string {
  const { x, ticks, width } = layout(model);
  const axis: string[] = [];
  let lastLabel = -Infinity;
  for (const tick of ticks) {
    if (tick.x - lastLabel < 76) continue;
    lastLabel = tick.x;
    axis.push(`<span class="tick" style="left:${tick.x}px">${escapeHtml(formatTime(tick.atMs))}</span>`);
  }
  const rows = model.lanes.map(() => [] as string[]);
  for (const a of model.attempts) {
    const left = x[a.start]!;
    const right = a.end === undefined ? width - 8 : x[a.end]! + MARK_PX;
    const start = model.events[a.start]!;
    rows[a.lane]!.push(
      `<button class="bar ${a.outcome}" data-i="${a.start}" style="left:${left}px;width:${Math.max(right - left, MARK_PX)}px" title="${escapeHtml(`${start.time} ${start.what}`)}">${escapeHtml(a.label)}</button>`,
    );
  }
  model.events.forEach((e, i) => {
    rows[e.lane]!.push(
      `<button class="ev ${e.tone}" data-i="${i}" data-kind="${escapeHtml(e.kind)}" style="left:${x[i]}px" title="${escapeHtml(`${e.time} ${e.who} ${e.kind} ${e.what}`.trimEnd())}"></button>`,
    );
  });
  const lanes = model.lanes.map(
    (lane, i) =>
      `<div class="lane"><div class="lane-name ${lane.group}" data-group="${GROUP_TAGS[lane.group]}" title="${escapeHtml(`${lane.group} ${lane.name}`)}">${escapeHtml(lane.name)}</div><div class="track" style="width:${width}px">${rows[i]!.join('')}</div></div>`,
  );
  return `<div class="lanes">
<div class="axis"><div class="axis-name">virtual time</div><div class="track" style="width:${width}px">${axis.join('')}</div></div>
${lanes.join('\n')}
</div>`;
}

const GROUP_TAGS: Readonly<Record<TimelineModel['lanes'][number]['group'], string>> = {
  function: 'fn',
  environment: 'env',
  queue: 'queue',
  service: 'svc',
  caller: 'call',
  source: 'src',
  other: '',
};

function renderTable(events: readonly TimelineEvent[]): string {
  const rows = events.map(
    (e, i) =>
      `<tr class="tone-${e.tone}" data-i="${i}"><td>${escapeHtml(e.time)}</td><td>${escapeHtml(e.who)}</td><td>${escapeHtml(e.kind)}</td><td>${escapeHtml(e.what)}</td></tr>`,
  );
  return `<h2>Events</h2>
<table class="events"><thead><tr><th>time</th><th>who</th><th>event</th><th>what</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}
