import { ConfigError, checkName, checkOptions, nonNegativeInt } from '../../errors.js';
import type { LambdaFunction } from '../../lambda/LambdaFunction.js';
import type { World } from '../../world/World.js';
import type { AsyncModel } from '../async/AsyncModel.js';
import { scheduledEvent } from './eventBridgeEvent.js';
import { nextFiring, parseScheduleExpression, type ScheduleExpression } from './scheduleExpression.js';

/** Options of {@link Simulation.schedule}. */
export interface ScheduleOptions {
  /** Virtual instant the schedule is created; a rate schedule first fires one period later. @defaultValue 0 */
  readonly startMs?: number;
  /** Last virtual instant the schedule may fire at. @defaultValue the run's `untilMs` */
  readonly endMs?: number;
}

/** One firing of a schedule. */
export interface ScheduleFiring {
  readonly atMs: number;
  /** The async request id of the invoke (rejections are not expected: the event is small). */
  readonly requestId: string;
}

/**
 * An EventBridge schedule (a scheduled rule) that invokes a function asynchronously with a
 * `Scheduled Event` at each firing, in virtual time (UTC, from the simulation's start epoch).
 * It fires forever, so a run with a schedule needs a bound: `endMs` here or `untilMs` on
 * `sim.run()`.
 *
 * @example
 * ```ts
 * sim.schedule('nightly', 'cron(0 2 * * ? *)', report);
 * await sim.run({ untilMs: 3 * 24 * 3_600_000 }); // three firings
 * ```
 */
export class Schedule {
  readonly expression: ScheduleExpression;
  readonly startMs: number;
  readonly endMs: number | undefined;
  private readonly log: ScheduleFiring[] = [];

  /** @internal Use {@link Simulation.schedule}. */
  constructor(
    private readonly world: World,
    private readonly model: AsyncModel,
    readonly name: string,
    readonly expressionText: string,
    readonly fn: LambdaFunction,
    options: ScheduleOptions = {},
  ) {
    const api = `schedule(${JSON.stringify(name)})`;
    checkName(
      'sim.schedule',
      'name',
      name,
      /^[.\-_A-Za-z0-9]{1,64}$/,
      'must be 1-64 letters, digits, dots, hyphens or underscores',
    );
    this.expression = parseScheduleExpression(api, expressionText);
    checkOptions(api, options, new Set(['startMs', 'endMs']));
    this.startMs = nonNegativeInt(api, 'startMs', options.startMs ?? 0);
    this.endMs = options.endMs === undefined ? undefined : nonNegativeInt(api, 'endMs', options.endMs);
    if (this.endMs !== undefined && this.endMs < this.startMs)
      throw new ConfigError(api, 'endMs', `must not be before startMs (${this.startMs})`, this.endMs);
  }

  /** Every firing so far. */
  get firings(): readonly ScheduleFiring[] {
    return this.log;
  }

  /** Throws unless the schedule ends: it has an `endMs` or the run an `untilMs`. */
  checkBounded(untilMs: number | undefined): void {
    if (this.endMs === undefined && untilMs === undefined)
      throw new ConfigError(
        'sim.run',
        'untilMs',
        `must be set while schedule ${JSON.stringify(this.name)} (${this.expressionText}) fires forever: pass sim.run({ untilMs }) or sim.schedule(..., { endMs })`,
        untilMs,
      );
  }

  /** Arms the first firing; called when the run starts, with its time limit. */
  arm(untilMs: number | undefined): void {
    const endMs = Math.min(this.endMs ?? Number.POSITIVE_INFINITY, untilMs ?? Number.POSITIVE_INFINITY);
    this.armAfter(this.startMs, endMs);
  }

  /** Schedules the first firing strictly after `afterMs` (never at the creation instant itself). */
  private armAfter(afterMs: number, endMs: number): void {
    const epoch = this.world.epochStartMs;
    const next = nextFiring(this.expression, epoch + this.startMs, epoch + afterMs);
    if (next === undefined) return;
    const atMs = next - epoch;
    if (atMs > endMs) return;
    this.world.kernel.at(atMs, () => {
      this.fire();
      this.armAfter(atMs, endMs);
    });
  }

  private fire(): void {
    const kernel = this.world.kernel;
    const event = scheduledEvent({
      ruleName: this.name,
      timeEpochMs: this.world.epochStartMs + kernel.nowMs,
    });
    const json = JSON.stringify(event);
    const response = this.model.invokeJson(
      this.fn,
      json,
      Buffer.byteLength(json, 'utf8'),
      `schedule:${this.name}`,
    );
    kernel.record({
      kind: 'schedule.fired',
      schedule: this.name,
      fn: this.fn.name,
      requestId: response.requestId,
    });
    this.log.push({ atMs: kernel.nowMs, requestId: response.requestId });
  }
}
