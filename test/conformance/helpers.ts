import { expect } from 'vitest';
import type {
  InvokeOptions,
  InvokeResponse,
  LambdaFunction,
  Simulation,
  SimulationResult,
  TraceEvent,
  TraceKind,
} from '../../src/index.js';

/** One trace event kind, narrowed. */
export type EventOf<K extends TraceKind> = Extract<TraceEvent, { kind: K }>;

/** One response kind, narrowed. */
export type ResponseOf<K extends InvokeResponse['kind']> = Extract<InvokeResponse, { kind: K }>;

/** Every trace event of one kind, in trace order. */
export function events<K extends TraceKind>(result: SimulationResult, kind: K): EventOf<K>[] {
  return result.trace.filter((e): e is EventOf<K> => e.kind === kind);
}

/** Every trace event of one kind that names `requestId`. */
export function eventsOf<K extends TraceKind>(
  result: SimulationResult,
  kind: K,
  requestId: string,
): EventOf<K>[] {
  return events(result, kind).filter((e) => 'requestId' in e && e.requestId === requestId);
}

/** The single trace event of one kind for a request (fails the test if there is not exactly one). */
export function only<K extends TraceKind>(result: SimulationResult, kind: K, requestId: string): EventOf<K> {
  const found = eventsOf(result, kind, requestId);
  expect(found, `${kind} events of ${requestId}`).toHaveLength(1);
  return found[0]!;
}

/** Every trace event that names environment `env`, as `kind@atMs` strings (for compact lifecycle asserts). */
export function lifecycle(result: SimulationResult, env: string): string[] {
  return result.trace.filter((e) => 'env' in e && e.env === env).map((e) => `${e.kind}@${e.atMs}`);
}

/** Starts a synchronous invoke at virtual instant `atMs`; resolves with Lambda's answer. */
export function invokeAt(
  sim: Simulation,
  atMs: number,
  fn: LambdaFunction,
  payload: unknown = {},
  options?: InvokeOptions,
): Promise<InvokeResponse> {
  return new Promise((resolve) => {
    sim.at(atMs, () => {
      void sim.invoke(fn, payload, options).then(resolve);
    });
  });
}

/** Starts `count` synchronous invokes at the same virtual instant. */
export function invokeManyAt(
  sim: Simulation,
  atMs: number,
  fn: LambdaFunction,
  count: number,
  payload: unknown = {},
): Promise<InvokeResponse[]> {
  return new Promise((resolve) => {
    sim.at(atMs, () => {
      const pending: Promise<InvokeResponse>[] = [];
      for (let i = 0; i < count; i++) pending.push(sim.invoke(fn, payload));
      void Promise.all(pending).then(resolve);
    });
  });
}

/** Narrows a response to one kind, failing the test with the whole response otherwise. */
export function as<K extends InvokeResponse['kind']>(response: InvokeResponse, kind: K): ResponseOf<K> {
  expect(response.kind, JSON.stringify(response).slice(0, 500)).toBe(kind);
  return response as ResponseOf<K>;
}

/** Virtual sleep, for handler code (timers are virtual inside the simulation). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The exact 429 body of R-SYNC-5. */
export function throttleBody(reason: string): Record<string, string> {
  return { Type: 'User', Reason: reason, message: 'Rate Exceeded.' };
}

/** Counts kinds of responses, e.g. `{ ok: 1000, rejected: 1 }`. */
export function countKinds(responses: readonly InvokeResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of responses) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return counts;
}
