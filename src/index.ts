// First, before any other module: modules loaded after lambdasim capture the virtual globals.
import './installAtImport.js';
export type { ClientInvokeResult, LambdaClientOptions } from './callers/LambdaClient.js';
export { LambdaClient } from './callers/LambdaClient.js';
export type {
  AtLeastOnceOptions,
  AtLeastOnceViolation,
  AttemptRef,
  BatchResponsesResult,
  CheckedResult,
  CustomViolation,
  EffectKeyOf,
  EffectLabelOptions,
  ExactlyOnceOptions,
  ExactlyOnceViolation,
  HonestBatchResponsesOptions,
  HonestBatchResponsesViolation,
  InputKeyOf,
  InputModel,
  InputNotCompletedViolation,
  NoLostEventsOptions,
  NoLostEventsViolation,
  NoRepeatAfterSuccessOptions,
  NoRepeatAfterSuccessViolation,
  OrderedPerKeyViolation,
  RerunnableResult,
  RetryPolicyOptions,
  RetryPolicyViolation,
  SameAsFaultFreeOptions,
  SameAsFaultFreeStateViolation,
  SameAsFaultFreeViolation,
  Violation,
  ViolationData,
} from './checks/index.js';
export {
  assertNoViolations,
  CheckFailedError,
  checks,
  customViolation,
  formatViolation,
  formatViolations,
} from './checks/index.js';
export type {
  CallFault,
  Fault,
  FaultFieldType,
  FaultKind,
  FaultPlan,
  FaultShape,
  InvocationFault,
} from './faults/Fault.js';
export type { UnreachedFault } from './faults/UnreachedFault.js';
export { callFaultArb, faultPlanArb, invocationFaultArb } from './faults/arbitraries.js';
export type {
  CallFaultArbOptions,
  FaultPlanArbOptions,
  FaultTargets,
  InvocationFaultArbOptions,
} from './faults/arbitraries.js';
// --- coverage ---
export type {
  CoverageCase,
  CoverageCount,
  CoverageFinding,
  CoverageFindingsOptions,
  CoverageSummary,
  CoverageTableOptions,
  TracedResult,
} from './coverage/index.js';
export {
  casesReached,
  COVERAGE_CASES,
  CoverageCollector,
  coverageFindings,
  formatCoverageFinding,
  formatCoverageTable,
  isCoverageCase,
  recordCoverage,
  requireReached,
  sometimes,
  withCoverage,
} from './coverage/index.js';
// --- end coverage ---
export { ConfigError } from './errors.js';
export type { EnvironmentInfo, Handler, HandlerFactory } from './lambda/Environment.js';
export type { ErrorBody } from './lambda/errorBodies.js';
export { handlerModule } from './lambda/handlerModule.js';
export { formatLogLine } from './world/LogLine.js';
export type { LogLine } from './world/LogLine.js';
export type { LogLevel, LogSource } from './sim/captureOutput.js';
export type { FunctionRuntimeOptions, NodeRuntime, ResolvedFunctionConfig } from './lambda/FunctionConfig.js';
export type { FunctionOptions } from './models/FunctionOptions.js';
export type { LambdaFunction } from './lambda/LambdaFunction.js';
export type { DeterminismError } from './world/World.js';
export type { Alb, AlbCause, AlbOptions, AlbResponse, ResolvedAlbOptions } from './models/alb.js';
export type {
  ApiGateway,
  ApiGatewayCause,
  ApiGatewayOptions,
  ApiGatewayResponse,
  ResolvedApiGatewayOptions,
} from './models/apiGateway.js';
export type { AlbEventInit, ApiGatewayEventInit } from './models/frontDoorEvents.js';
export type {
  AsyncDestination,
  AsyncOptions,
  AsyncSimulationOptions,
  ResolvedAsyncConfig,
  ResolvedAsyncSimulationOptions,
} from './models/async/AsyncConfig.js';
export type {
  AsyncEventRecord,
  AsyncEventState,
  AsyncInvokeResponse,
  AsyncModel,
  DeliveryRecord,
  InvokeAsyncOptions,
} from './models/async/AsyncModel.js';
export type { EventSink, EventSinkOptions, SinkKind, SinkMessage } from './models/async/EventSink.js';
export type { FunctionTarget } from './models/async/FunctionTarget.js';
export type { InvocationRecord, RecordCondition } from './models/async/invocationRecord.js';
export type {
  DeliveredAttribute,
  DeliveredMessage,
  DeliveryResult,
  DeliveryTarget,
  DeliveryTargetKind,
} from './models/DeliveryTarget.js';
export { albEvent, apiGatewayEvent } from './models/frontDoorEvents.js';
export type { CloudWatchLogsEventInit, LogLineInit } from './models/sources/cloudWatchLogsEvent.js';
export { cloudWatchLogsEvent } from './models/sources/cloudWatchLogsEvent.js';
export type { EventBridgeEventInit, ScheduledEventInit } from './models/sources/eventBridgeEvent.js';
export { eventBridgeEvent, scheduledEvent } from './models/sources/eventBridgeEvent.js';
export type { S3EventInit } from './models/sources/s3Event.js';
export { s3Event } from './models/sources/s3Event.js';
export type { Schedule, ScheduleFiring, ScheduleOptions } from './models/sources/Schedule.js';
export type { ScheduleExpression } from './models/sources/scheduleExpression.js';
export type { SnsEventInit } from './models/sources/snsEvent.js';
export { snsEvent } from './models/sources/snsEvent.js';
export type { SnsPublished, SnsPublishOptions, SnsTopic } from './models/sources/SnsTopic.js';
export type { FilterMatcher, FilterPattern } from './models/mapping/filterPattern.js';
export type {
  ResolvedSqsMappingOptions,
  SqsEventSourceMapping,
  SqsMappingOptions,
} from './models/sqs/SqsEventSourceMapping.js';
export { SqsError } from './models/sqs/SqsError.js';
export type {
  MessageRecord,
  MessageStatus,
  QueueAccounting,
  RedrivePolicy,
  ResolvedSqsQueueOptions,
  SendBatchEntry,
  SendBatchResult,
  SendMessageOptions,
  SendMessageResult,
  SqsQueue,
  SqsQueueOptions,
} from './models/sqs/SqsQueue.js';
export type {
  KinesisStream,
  KinesisStreamOptions,
  PutRecordOptions,
  PutRecordResult,
  PutRecordsEntry,
  PutRecordsResult,
  ResolvedKinesisStreamOptions,
  Shard,
  StreamRecord,
} from './models/streams/KinesisStream.js';
export type { SourceShard, StreamModel, StreamSource } from './models/streams/StreamSource.js';
export { KinesisError } from './models/streams/KinesisStream.js';
export type {
  ShardStatus,
  StreamEventSourceMapping,
  StreamRecordEntry,
  StreamRecordFate,
} from './models/streams/StreamEventSourceMapping.js';
export type {
  ResolvedStreamMappingOptions,
  StartingPosition,
  StreamMappingOptions,
} from './models/streams/streamMappingOptions.js';
export type {
  InvocationType,
  InvokeOptions,
  InvokeResponse,
  RequestRecord,
  ServiceError,
} from './models/sync.js';
export type { TimelineOptions } from './report/timeline.js';
export { formatTimeline } from './report/timeline.js';
export type { TimelineHtmlOptions } from './report/html/timelineHtml.js';
export { timelineHtml } from './report/html/timelineHtml.js';
export type {
  DynamoDbStreamsScenarioArbOptions,
  KinesisScenarioArbOptions,
  ScenarioArbOptions,
  SqsScenarioArbOptions,
} from './scenario/arbitraries.js';
export type { ItemWrite, TtlRange } from './scenario/dynamodbStreamsWorkload.js';
export { scenarios } from './scenario/arbitraries.js';
export { checkDeterminism } from './scenario/checkDeterminism.js';
export type { TraceDivergence } from './scenario/DeterminismCheckError.js';
export { DeterminismCheckError } from './scenario/DeterminismCheckError.js';
export type { RunScenarioOptions } from './scenario/runScenario.js';
export { runScenario } from './scenario/runScenario.js';
export type {
  Scenario,
  ScenarioConfig,
  ScenarioDelivery,
  ScenarioEvent,
  ScenarioModel,
  ScenarioResult,
  ScenarioSetup,
  EventScenarioSetup,
  SqsScenarioSetup,
  KinesisScenarioSetup,
  DynamoDbStreamsScenarioSetup,
  AnyScenarioSetup,
} from './scenario/Scenario.js';
export { SCENARIO_FUNCTION_NAME } from './scenario/Scenario.js';
export { formatScenario, loadScenario, saveScenario } from './scenario/scenarioFile.js';
export {
  SCENARIO_DLQ_NAME,
  SCENARIO_FAILURES_NAME,
  SCENARIO_QUEUE_NAME,
  SCENARIO_TABLE_NAME,
} from './scenario/wireScenario.js';
export type {
  DiscardReason,
  InjectedFault,
  InputAttempt,
  InputBatch,
  InputRecord,
} from './results/InputRecord.js';
export { isAcknowledged } from './results/InputRecord.js';
export type { CallerRecord, SimulationOptions, SimulationResult } from './Simulation.js';
export { createSimulation, Simulation } from './Simulation.js';
export type {
  BucketNotification,
  BucketOptions,
  PutObjectOptions,
  S3NotificationEvent,
  StoredObject,
} from './models/sources/Bucket.js';
export { Bucket } from './models/sources/Bucket.js';
export type { CallSite, InFlightFate } from './services/callService.js';
export type { UpdateAction } from './services/change.js';
export { change } from './services/change.js';
export type { AttributeTypeName, Condition, SizeComparator } from './services/conditions.js';
export { when } from './services/conditions.js';
export type {
  Effect,
  ExternalApiOptions,
  IdempotencyKeyOf,
  Replay,
  ResolvedExternalApiOptions,
  Responder,
} from './services/ExternalApi.js';
export { ExternalApi, IdempotencyError } from './services/ExternalApi.js';
export type { BusEvent, EventBusOptions } from './models/sources/EventBus.js';
export { EventBus } from './models/sources/EventBus.js';
export type { FittedLatency, LatencyMs, LatencyShape } from './services/latency.js';
export type {
  ItemChanges,
  ResolvedTableOptions,
  StreamViewType,
  TableKey,
  TableOptions,
  WriteOptions,
} from './services/Table.js';
export { ConditionalCheckFailedException, Table, ValidationException } from './services/Table.js';
export type { RunEnd, RunLimits } from './sim/Kernel.js';
export type {
  DeliveryRole,
  DiscardCondition,
  FailureCause,
  FrontDoorCause,
  RequestVia,
  ResetReason,
  ShardBlockCause,
  StreamDiscardCondition,
  ThrottleReason,
  TraceEvent,
  TraceKind,
} from './TraceEvent.js';
// --- real handlers: the HTTP interception layer (DESIGN §9) ---
export type { HttpHandlerClass } from './transport/interceptHttp.js';
export { interceptHttpHandler } from './transport/interceptHttp.js';
export { UnroutedRequestError } from './aws/UnroutedRequestError.js';
export type { SimHttpResponse } from './aws/protocol.js';
export { DeterminismEscapeError } from './checks/determinismGate.js';
