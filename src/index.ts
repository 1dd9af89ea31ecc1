export { LambdaClient } from './callers/LambdaClient.js';
export type { ClientInvokeResult, LambdaClientOptions } from './callers/LambdaClient.js';
export { ConfigError } from './errors.js';
export type {
  EnvironmentInfo,
  Handler,
  HandlerFactory,
  InvocationOutcome,
} from './lambda/Environment.js';
export type { ErrorBody } from './lambda/errorBodies.js';
export type { FunctionOptions, NodeRuntime, ResolvedFunctionConfig } from './lambda/FunctionConfig.js';
export type { LambdaFunction } from './lambda/LambdaFunction.js';
export type { DeterminismError } from './lambda/World.js';
export type {
  InvocationType,
  InvokeOptions,
  InvokeResponse,
  InvokeResponseKind,
  RequestRecord,
  ServiceError,
} from './models/sync.js';
export type { CallerRecord, SimulationOptions, SimulationResult } from './Simulation.js';
export { formatTime, formatTimeline } from './report/timeline.js';
export type { TimelineOptions } from './report/timeline.js';
export { createSimulation, Simulation } from './Simulation.js';
export type { RunEnd, RunEndKind, RunLimits } from './sim/Kernel.js';
export type {
  FailureCause,
  RequestVia,
  ResetReason,
  ThrottleReason,
  TraceEvent,
  TraceKind,
} from './TraceEvent.js';
