import type { SNSMessageAttributes } from 'aws-lambda';
import { ConfigError } from '../errors.js';
import type { SnsTopic } from '../models/sources/SnsTopic.js';
import { callService } from '../services/callService.js';
import { UnroutedRequestError } from './UnroutedRequestError.js';
import type { AwsProtocolService, AwsResources, SimHttpRequest, SimHttpResponse } from './protocol.js';

/** Virtual time one SNS API call takes, request to response; it lands halfway. */
const SNS_LATENCY_MS = 20;
const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const SUPPORTED = ['Publish'] as const;

/**
 * SNS over the AWS query protocol its SDK client uses (a form-encoded `Action=Publish&…` request,
 * an XML response; "Publish", Amazon SNS API Reference,
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html), served by `sim.snsTopic` topics:
 * the topic name is the last field of the `TopicArn`. A publish fans out to the subscriptions as
 * `topic.publish` does, at the instant it lands.
 */
export const snsService: AwsProtocolService = {
  endpointPrefix: 'sns',
  serviceName: 'SNS',
  serve(request: SimHttpRequest, resources: AwsResources): Promise<SimHttpResponse> {
    const form = new URLSearchParams(request.body);
    const op = form.get('Action') ?? '';
    if (!(SUPPORTED as readonly string[]).includes(op))
      throw new UnroutedRequestError(
        `SNS ${op || '(no Action)'}: not simulated by lambdasim (SNS commands simulated: ${SUPPORTED.join(', ')})`,
      );
    const arn = form.get('TopicArn') ?? form.get('TargetArn') ?? '';
    const name = arn.split(':').pop() ?? '';
    const topic = resources.snsTopic(name);
    if (topic === undefined) {
      const names = resources.snsTopicNames();
      throw new UnroutedRequestError(
        `SNS Publish on topic ${JSON.stringify(name)}: no topic ${JSON.stringify(name)} in this simulation (${names.length === 0 ? 'no topics' : `topics: ${names.join(', ')}`})`,
      );
    }
    return callService(topic.world, {
      service: topic.name,
      op,
      latencyMs: SNS_LATENCY_MS,
      inFlightAtDeath: 'lands',
      apply: () => ({ value: publish(topic, form) }),
    });
  },
  errorResponse: (statusCode, code, message) => queryError(statusCode, code, message),
};

function publish(topic: SnsTopic, form: URLSearchParams): SimHttpResponse {
  const subject = form.get('Subject');
  let messageId: string;
  try {
    messageId = topic.publish(form.get('Message') ?? '', {
      ...(subject === null ? {} : { subject }),
      messageAttributes: attributesOf(form),
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return queryError(400, 'InvalidParameter', `Invalid parameter: Message (${error.message})`);
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${messageId}</RequestId></ResponseMetadata></PublishResponse>`,
  };
}

/** `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` (or `BinaryValue`). */
function attributesOf(form: URLSearchParams): SNSMessageAttributes {
  const out: SNSMessageAttributes = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const prefix = `MessageAttributes.entry.${n}`;
    out[form.get(`${prefix}.Name`)!] = {
      Type: form.get(`${prefix}.Value.DataType`) ?? 'String',
      Value: form.get(`${prefix}.Value.StringValue`) ?? form.get(`${prefix}.Value.BinaryValue`) ?? '',
    };
  }
  return out;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An AWS query protocol error, which the SDK maps to its exception class named `code`. */
function queryError(statusCode: number, code: string, message: string): SimHttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${statusCode < 500 ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>lambdasim</RequestId></ErrorResponse>`,
  };
}
