export type { ClientInvokeResult, LambdaClientOptions } from './callers/LambdaClient.js';
export { LambdaClient } from './callers/LambdaClient.js';
export { ConfigError } from './errors.js';
export type { EnvironmentInfo, Handler, HandlerFactory, InvocationOutcome } from './lambda/Environment.js';
export type { ErrorBody } from './lambda/errorBodies.js';
export type { FunctionOptions, NodeRuntime, ResolvedFunctionConfig } from './lambda/FunctionConfig.js';
export type { LambdaFunction } from './lambda/LambdaFunction.js';
export type { DeterminismError } from './lambda/World.js';
export type { Alb, AlbCause, AlbOptions, AlbResponse } from './models/alb.js';
export { ALB_MAX_BYTES } from './models/alb.js';
export type {
  ApiGateway,
  ApiGatewayCause,
  ApiGatewayOptions,
  ApiGatewayResponse,
} from './models/apiGateway.js';
export {
  DEFAULT_INTEGRATION_TIMEOUT_MS,
  MAX_LONG_INTEGRATION_TIMEOUT_MS,
  MIN_INTEGRATION_TIMEOUT_MS,
} from './models/apiGateway.js';
export type { AlbEventInit, ApiGatewayEventInit } from './models/frontDoorEvents.js';
export { albEvent, apiGatewayEvent, DEFAULT_EVENT_EPOCH_MS } from './models/frontDoorEvents.js';
export type {
  InvocationType,
  InvokeOptions,
  InvokeResponse,
  InvokeResponseKind,
  RequestRecord,
  ServiceError,
} from './models/sync.js';
export type { TimelineOptions } from './report/timeline.js';
export { formatTime, formatTimeline } from './report/timeline.js';
export type { CallerRecord, SimulationOptions, SimulationResult } from './Simulation.js';
export { createSimulation, Simulation } from './Simulation.js';
export type { CallSite, InFlightFate } from './services/callService.js';
export type { Condition, ConditionKind } from './services/conditions.js';
export { when } from './services/conditions.js';
export type { Effect, ExternalApiOptions, Responder } from './services/ExternalApi.js';
export { ExternalApi } from './services/ExternalApi.js';
export type { ItemChanges, TableKey, TableOptions, WriteOptions } from './services/Table.js';
export {
  ConditionalCheckFailedException,
  MAX_ITEM_BYTES,
  Table,
  ValidationException,
} from './services/Table.js';
export type { RunEnd, RunEndKind, RunLimits } from './sim/Kernel.js';
export type {
  FailureCause,
  FrontDoorCause,
  RequestVia,
  ResetReason,
  ThrottleReason,
  TraceEvent,
  TraceKind,
} from './TraceEvent.js';
