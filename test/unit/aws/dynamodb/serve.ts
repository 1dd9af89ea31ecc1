import { simulationInternals } from '../../../../src/Simulation.js';
import { dynamoDbService } from '../../../../src/aws/dynamodb/dynamoDbService.js';
import type { AwsResources, SimHttpRequest, SimHttpResponse } from '../../../../src/aws/protocol.js';
import type { Simulation, SimulationResult } from '../../../../src/index.js';
import { outboundOf } from '../../../../src/transport/Outbound.js';

/** The resources of a simulation, as the interception layer hands them to `serve`. */
export function resourcesOf(sim: Simulation): AwsResources {
  const outbound = outboundOf(simulationInternals(sim).world);
  if (outbound === undefined) throw new Error('the simulation has no interception layer');
  return outbound.resources;
}

/** A request as the AWS SDK v3 sends a DynamoDB command (JSON protocol 1.0). */
export function dynamoRequest(operation: string, body: unknown): SimHttpRequest {
  return {
    method: 'POST',
    protocol: 'https:',
    hostname: 'dynamodb.us-east-1.amazonaws.com',
    port: undefined,
    path: '/',
    query: {},
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** A response with its body parsed. */
export interface Answer {
  readonly status: number;
  readonly headers: SimHttpResponse['headers'];
  readonly body: Record<string, unknown>;
}

export type Send = (operation: string, body: unknown) => Promise<Answer>;

/** Runs `body` as a simulated caller that sends DynamoDB requests to `serve`; runs the simulation. */
export async function withDynamo(
  sim: Simulation,
  body: (send: Send) => Promise<void>,
): Promise<SimulationResult> {
  const resources = resourcesOf(sim);
  const send: Send = async (operation, requestBody) => {
    const response = await dynamoDbService.serve(dynamoRequest(operation, requestBody), resources);
    return {
      status: response.statusCode,
      headers: response.headers,
      body: JSON.parse(response.body) as Record<string, unknown>,
    };
  };
  let thrown: unknown;
  let settled = false;
  sim.spawn('client', async () => {
    try {
      await body(send);
    } catch (error) {
      thrown = error;
    }
    settled = true;
  });
  const result = await sim.run();
  if (thrown !== undefined) throw thrown;
  if (!settled) throw new Error('the DynamoDB client never finished');
  return result;
}

/** The error type of an answer (from `__type`), or 'OK'. */
export function outcome(answer: Answer): string {
  if (answer.status === 200) return 'OK';
  return String(answer.body.__type).split('#')[1] ?? String(answer.body.__type);
}
