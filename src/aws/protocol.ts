import type { LambdaFunction } from '../lambda/LambdaFunction.js';
import type { World } from '../world/World.js';
import type { AsyncInvokeResponse } from '../models/async/AsyncModel.js';
import type { SnsTopic } from '../models/sources/SnsTopic.js';
import type { SqsQueue } from '../models/sqs/SqsQueue.js';
import type { InvokeOptions, InvokeResponse } from '../models/sync.js';
import type { Bucket } from '../models/sources/Bucket.js';
import type { EventBus } from '../models/sources/EventBus.js';
import type { Table } from '../services/Table.js';

/**
 * One outbound HTTP request made by user code inside a simulation, as the interception layer hands
 * it to a simulated service (an AWS protocol service or a `sim.api`). Header names are lower-case.
 */
export interface SimHttpRequest {
  readonly method: string;
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port: number | undefined;
  /** The path without the query string, e.g. `/` or `/2015-03-31/functions/Checkout/invocations`. */
  readonly path: string;
  /** The query string parsed; a repeated name holds every value in order. */
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text (AWS protocols are JSON, XML or form-encoded); `''` when there is none. */
  readonly body: string;
}

/** What a simulated service answers; the interception layer turns it into the client's response. */
export interface SimHttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The simulation's resources an AWS protocol service may serve, by resource name. */
export interface AwsResources {
  readonly world: World;
  table(name: string): Table | undefined;
  tableNames(): readonly string[];
  queue(name: string): SqsQueue | undefined;
  queueNames(): readonly string[];
  snsTopic(name: string): SnsTopic | undefined;
  snsTopicNames(): readonly string[];
  fn(name: string): LambdaFunction | undefined;
  fnNames(): readonly string[];
  /** `sim.invoke`'s model: a `RequestResponse` or `DryRun` invoke, one more sync input. */
  invoke(fn: LambdaFunction, payload: unknown, options: InvokeOptions): Promise<InvokeResponse>;
  /** `sim.invokeAsync`'s model: an `Event` invoke from `source`, one more async input. */
  invokeEvent(fn: LambdaFunction, payload: unknown, source: string): AsyncInvokeResponse;
  eventBus(name: string): EventBus | undefined;
  eventBusNames(): readonly string[];
  bucket(name: string): Bucket | undefined;
  bucketNames(): readonly string[];
}

/**
 * A simulated AWS service reached over its wire protocol (DESIGN §9). The interception layer picks
 * it by the request's endpoint prefix (the host's first label: `dynamodb.us-east-1.amazonaws.com`)
 * and calls `serve` inside the calling handler's scope, so that `callService` attributes the call
 * to its invocation and applies latency and faults in virtual time.
 */
export interface AwsProtocolService {
  /** The endpoint prefix: `dynamodb`, `sqs`, `sns`, `lambda`, `events`, `s3`. */
  readonly endpointPrefix: string;
  /** The service as users name it in messages: `DynamoDB`, `SQS`, … */
  readonly serviceName: string;
  serve(request: SimHttpRequest, resources: AwsResources): Promise<SimHttpResponse>;
  /**
   * The service's error response for `code` (an injected `callError` fault: `ThrottlingException`,
   * `ServiceUnavailable`, …), as its protocol encodes errors. Optional: the interception layer
   * encodes it as the AWS JSON protocols do (`x-amzn-ErrorType` and `__type`), see
   * {@link awsJsonError} in `awsJson.ts`.
   */
  errorResponse?(statusCode: number, code: string, message: string): SimHttpResponse;
}
