import type { Callback, Context } from 'aws-lambda';

/** A Lambda handler: async (`(event, context) => Promise`) or callback style (Node.js <= 22). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers are typed by the user; any event shape goes in.
export type Handler<TEvent = any, TResult = any> = (
  event: TEvent,
  context: Context,
  callback: Callback<TResult>,
) => void | Promise<TResult> | TResult;

/** What a handler factory learns about the environment it initialises. */
export interface EnvironmentInfo {
  /** Stable id within the run, e.g. `ProcessOrder#2`. */
  readonly id: string;
  readonly functionName: string;
  readonly memoryMB: number;
  /** True for provisioned-concurrency environments, initialised before traffic. */
  readonly provisioned: boolean;
}

/**
 * Builds a handler. Called once per execution environment, during Init (a cold start), so state
 * the factory closes over behaves like module-level state in Lambda: kept across warm
 * invocations, lost on a new environment or after a reset.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see Handler.
export type HandlerFactory<TEvent = any, TResult = any> = (
  env: EnvironmentInfo,
) => Handler<TEvent, TResult> | Promise<Handler<TEvent, TResult>>;
