import { SqsError } from '../models/sqs/SqsError.js';
import type { Lease, SendMessageOptions, SqsQueue } from '../models/sqs/SqsQueue.js';
import { md5OfAttributes } from '../models/sqs/records.js';
import type { DeliveredAttribute } from '../models/DeliveryTarget.js';
import { callService } from '../services/callService.js';
import { currentScope } from '../sim/VirtualScope.js';
import { UnroutedRequestError } from './UnroutedRequestError.js';
import { awsJsonError, awsJsonResponse, jsonTarget } from './awsJson.js';
import type { AwsProtocolService, AwsResources, SimHttpRequest, SimHttpResponse } from './protocol.js';

/**
 * SQS over the AWS JSON 1.0 protocol that current SDKs use (`x-amz-target: AmazonSQS.<Op>`,
 * "Making query API requests using AWS JSON protocol in Amazon SQS",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html),
 * served by the simulation's `sim.sqs` queues: the queue name is the last segment of the
 * `QueueUrl`. Sends are the queue's own `send`/`sendBatch` (its latency, faults aimed at the queue
 * by name, the trace's `sqs.sent`); receives hand out leases whose receipt handles DeleteMessage
 * and ChangeMessageVisibility take.
 */
const NAMESPACE = 'com.amazonaws.sqs';
const SUPPORTED = [
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'DeleteMessage',
  'ChangeMessageVisibility',
  'GetQueueUrl',
] as const;
/** The most ReceiveMessage hands out (MaxNumberOfMessages 1–10). */
const MAX_RECEIVE = 10;

type Json = Record<string, unknown>;

/** Receipt handle → the lease it came with, per queue (what DeleteMessage needs). */
const leases = new WeakMap<SqsQueue, Map<string, Lease>>();

export const sqsService: AwsProtocolService = {
  endpointPrefix: 'sqs',
  serviceName: 'SQS',
  async serve(request: SimHttpRequest, resources: AwsResources): Promise<SimHttpResponse> {
    const op = jsonTarget(request.headers);
    if (!(SUPPORTED as readonly string[]).includes(op))
      throw new UnroutedRequestError(
        `SQS ${op || '(no x-amz-target)'}: not simulated by lambdasim (SQS commands simulated: ${SUPPORTED.join(', ')})`,
      );
    const input = JSON.parse(request.body || '{}') as Json;
    const queue = queueOf(op, input, resources);
    try {
      return awsJsonResponse(await run(op, input, queue));
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      return sqsError(error.code, error.message, error.senderFault);
    }
  },
  errorResponse: (statusCode, code, message) => sqsError(code, message, statusCode < 500, statusCode),
};

function queueOf(op: string, input: Json, resources: AwsResources): SqsQueue {
  const name =
    op === 'GetQueueUrl'
      ? String(input.QueueName)
      : String(input.QueueUrl ?? '')
          .split('/')
          .filter((s) => s !== '')
          .pop();
  const queue = name === undefined ? undefined : resources.queue(name);
  if (queue === undefined) {
    const names = resources.queueNames();
    throw new UnroutedRequestError(
      `SQS ${op} on queue ${JSON.stringify(name ?? input.QueueUrl)}: no queue ${JSON.stringify(name)} in this simulation (${names.length === 0 ? 'no queues' : `queues: ${names.join(', ')}`})`,
    );
  }
  return queue;
}

async function run(op: string, input: Json, queue: SqsQueue): Promise<Json> {
  switch (op) {
    case 'SendMessage': {
      const sent = await queue.send(String(input.MessageBody ?? ''), sendOptions(input));
      return {
        MessageId: sent.messageId,
        MD5OfMessageBody: sent.md5OfMessageBody,
        ...attributesDigest(input),
        ...(sent.sequenceNumber === undefined ? {} : { SequenceNumber: sent.sequenceNumber }),
      };
    }
    case 'SendMessageBatch': {
      const entries = (input.Entries as Json[] | undefined) ?? [];
      const byId = new Map(entries.map((e) => [String(e.Id), e]));
      const result = await queue.sendBatch(
        entries.map((e) => ({ id: String(e.Id), body: String(e.MessageBody ?? ''), ...sendOptions(e) })),
      );
      return {
        Successful: result.successful.map((s) => ({
          Id: s.id,
          MessageId: s.messageId,
          MD5OfMessageBody: s.md5OfMessageBody,
          ...attributesDigest(byId.get(s.id) ?? {}),
          ...(s.sequenceNumber === undefined ? {} : { SequenceNumber: s.sequenceNumber }),
        })),
        Failed: result.failed.map((f) => ({
          Id: f.id,
          SenderFault: f.senderFault,
          Code: f.code,
          Message: f.message,
        })),
      };
    }
    case 'ReceiveMessage':
      return receive(queue, input);
    case 'DeleteMessage':
      return call(queue, op, () => {
        const lease = leaseOf(queue, input);
        lease.queue.delete(lease.lease, lease.index, 'processed');
        return {};
      });
    case 'ChangeMessageVisibility':
      return call(queue, op, () => {
        const seconds = Number(input.VisibilityTimeout);
        if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200)
          throw new SqsError(
            'InvalidParameterValue',
            `Value ${String(input.VisibilityTimeout)} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`,
          );
        const { lease } = leaseOf(queue, input);
        if (!queue.changeVisibility(lease, seconds * 1000))
          throw new SqsError(
            'AWS.SimpleQueueService.MessageNotInflight',
            `Value ${String(input.ReceiptHandle)} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
          );
        return {};
      });
    default: // GetQueueUrl
      return call(queue, op, () => ({ QueueUrl: queue.url }));
  }
}

/** A call to the queue that is not a send: its latency, its faults, attributed to the caller. */
function call(queue: SqsQueue, op: string, apply: () => Json): Promise<Json> {
  return callService(queue.world, {
    service: queue.name,
    op,
    latencyMs: queue.options.latencyMs,
    inFlightAtDeath: 'lands',
    apply: () => ({ value: apply() }),
  });
}

async function receive(queue: SqsQueue, input: Json): Promise<Json> {
  const max = input.MaxNumberOfMessages === undefined ? 1 : Number(input.MaxNumberOfMessages);
  if (!Number.isInteger(max) || max < 1 || max > MAX_RECEIVE)
    throw new SqsError(
      'InvalidParameterValue',
      `Value ${String(input.MaxNumberOfMessages)} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
    );
  const visibilityS =
    input.VisibilityTimeout === undefined
      ? queue.options.visibilityTimeoutS
      : Number(input.VisibilityTimeout);
  const names = new Set([
    ...((input.AttributeNames as string[] | undefined) ?? []),
    ...((input.MessageSystemAttributeNames as string[] | undefined) ?? []),
  ]);
  const take = (): Json =>
    receiveNow(
      queue,
      max,
      visibilityS * 1000,
      names,
      (input.MessageAttributeNames as string[] | undefined) ?? [],
    );
  const first = await call(queue, 'ReceiveMessage', take);
  const waitS = Number(input.WaitTimeSeconds ?? 0);
  if ((first.Messages as unknown[]).length > 0 || !(waitS > 0)) return first;
  // Long polling, simplified: wait the whole WaitTimeSeconds in virtual time, then look again.
  await new Promise<void>((resolve) => currentScope()!.setTimer(resolve, waitS * 1000, false));
  return call(queue, 'ReceiveMessage', take);
}

function receiveNow(
  queue: SqsQueue,
  max: number,
  visibilityMs: number,
  names: ReadonlySet<string>,
  attributeNames: readonly string[],
): Json {
  const byReceipt = leases.get(queue) ?? new Map<string, Lease>();
  leases.set(queue, byReceipt);
  const messages: Json[] = [];
  // One lease per message, so that ChangeMessageVisibility moves that message only.
  while (messages.length < max) {
    const lease = queue.receive(1, Number.POSITIVE_INFINITY, visibilityMs);
    if (lease === undefined) break;
    const m = lease.messages[0]!;
    const receipt = lease.receipts[0]!;
    byReceipt.set(receipt, lease);
    const all = names.has('All');
    const system: Record<string, string> = {};
    const put = (name: string, value: string | undefined): void => {
      if (value !== undefined && (all || names.has(name))) system[name] = value;
    };
    put('SenderId', m.senderId);
    put('SentTimestamp', String(queue.world.epochStartMs + m.sentAtMs));
    put('ApproximateReceiveCount', String(m.receiveCount));
    put('ApproximateFirstReceiveTimestamp', String(queue.world.epochStartMs + m.firstReceiveAtMs));
    put('MessageGroupId', m.messageGroupId);
    put('MessageDeduplicationId', m.messageDeduplicationId);
    put('SequenceNumber', m.sequenceNumber);
    const attributes = pickAttributes(m.attributes, attributeNames);
    messages.push({
      MessageId: m.messageId,
      ReceiptHandle: receipt,
      MD5OfBody: m.md5OfBody,
      Body: m.body,
      ...(Object.keys(system).length === 0 ? {} : { Attributes: system }),
      ...(attributes === undefined
        ? {}
        : {
            MessageAttributes: wireAttributes(attributes),
            MD5OfMessageAttributes: md5OfAttributes(attributes),
          }),
    });
  }
  return { Messages: messages };
}

function pickAttributes(
  attributes: Readonly<Record<string, DeliveredAttribute>>,
  wanted: readonly string[],
): Record<string, DeliveredAttribute> | undefined {
  const all = wanted.includes('All') || wanted.includes('.*');
  const picked = Object.fromEntries(
    Object.entries(attributes).filter(
      ([name]) =>
        all || wanted.some((w) => w === name || (w.endsWith('.*') && name.startsWith(w.slice(0, -1)))),
    ),
  );
  return Object.keys(picked).length === 0 ? undefined : picked;
}

function leaseOf(queue: SqsQueue, input: Json): { queue: SqsQueue; lease: Lease; index: number } {
  const lease = leases.get(queue)?.get(String(input.ReceiptHandle));
  if (lease === undefined)
    throw new SqsError(
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${String(input.ReceiptHandle)}" is not a valid receipt handle.`,
    );
  return { queue, lease, index: 0 };
}

function sendOptions(input: Json): SendMessageOptions {
  const attributes = input.MessageAttributes as Record<string, Json> | undefined;
  return {
    ...(input.DelaySeconds === undefined ? {} : { delayS: Number(input.DelaySeconds) }),
    ...(attributes === undefined ? {} : { messageAttributes: simAttributes(attributes) }),
    ...(input.MessageGroupId === undefined ? {} : { messageGroupId: String(input.MessageGroupId) }),
    ...(input.MessageDeduplicationId === undefined
      ? {}
      : { messageDeduplicationId: String(input.MessageDeduplicationId) }),
  };
}

function simAttributes(wire: Record<string, Json>): Record<string, DeliveredAttribute> {
  const out: Record<string, DeliveredAttribute> = {};
  for (const [name, a] of Object.entries(wire)) {
    const dataType = String(a.DataType ?? 'String');
    const base = dataType.startsWith('Binary')
      ? 'Binary'
      : dataType.startsWith('Number')
        ? 'Number'
        : 'String';
    out[name] = {
      dataType: base,
      stringValue: String(base === 'Binary' ? (a.BinaryValue ?? '') : (a.StringValue ?? '')),
    };
  }
  return out;
}

function wireAttributes(attributes: Readonly<Record<string, DeliveredAttribute>>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [name, a] of Object.entries(attributes))
    out[name] =
      a.dataType === 'Binary'
        ? { DataType: a.dataType, BinaryValue: a.stringValue }
        : { DataType: a.dataType, StringValue: a.stringValue };
  return out;
}

function attributesDigest(input: Json): Json {
  const attributes = input.MessageAttributes as Record<string, Json> | undefined;
  if (attributes === undefined || Object.keys(attributes).length === 0) return {};
  return { MD5OfMessageAttributes: md5OfAttributes(simAttributes(attributes)) };
}

/**
 * An SQS error in the JSON protocol: the short code in `__type` (the SDK's exception class:
 * `QueueDoesNotExist`, `RequestThrottled`, …) and the query-compatible code in
 * `x-amzn-query-error` (`AWS.SimpleQueueService.NonExistentQueue;Sender`), which the SDK puts in
 * the error's `Code`.
 */
function sqsError(
  code: string,
  message: string,
  senderFault: boolean,
  statusCode = senderFault ? 400 : 500,
): SimHttpResponse {
  const short = code.replace(/^AWS\.SimpleQueueService\./, '');
  return awsJsonError(statusCode, short, message, NAMESPACE, {
    'x-amzn-query-error': `${code};${senderFault ? 'Sender' : 'Receiver'}`,
  });
}
