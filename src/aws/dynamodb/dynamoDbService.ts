import { callService } from '../../services/callService.js';
import type { Table } from '../../services/Table.js';
import { UnroutedRequestError } from '../UnroutedRequestError.js';
import type { AwsProtocolService, AwsResources, SimHttpRequest, SimHttpResponse } from '../protocol.js';
import { DynamoDbError, dynamoDbErrorResponse } from './DynamoDbError.js';
import { deleteItem, getItem, type Landing, putItem, updateItem } from './itemOperations.js';
import {
  batchGetItem,
  batchWriteItem,
  requestItemTables,
  transactTables,
  transactWriteItems,
} from './multiTableOperations.js';
import { query, scan } from './readOperations.js';
import { type Body, tableName } from './request.js';

/** The `X-Amz-Target` prefix of DynamoDB's JSON protocol (API version 2012-08-10). */
const TARGET_PREFIX = 'DynamoDB_20120810.';

/** One DynamoDB operation: the tables a request names, and its validation and effect. */
interface Operation {
  /** The tables, in request order; the first carries the call (latency, faults, call count). */
  tables(body: Body): string[];
  /** Validates the request (throwing a DynamoDbError) and returns what happens when the call lands. */
  prepare(body: Body, tables: ReadonlyMap<string, Table>): Landing;
}

function singleTable(prepare: (body: Body, table: Table) => Landing): Operation {
  return {
    tables: (body) => [tableName(body.TableName)],
    prepare: (body, tables) => prepare(body, [...tables.values()][0]!),
  };
}

/** The operations the DynamoDB door serves, by name (one registry, looped over by `serve`). */
const OPERATIONS: Readonly<Record<string, Operation>> = {
  GetItem: singleTable(getItem),
  PutItem: singleTable(putItem),
  UpdateItem: singleTable(updateItem),
  DeleteItem: singleTable(deleteItem),
  Query: singleTable(query),
  Scan: singleTable(scan),
  BatchGetItem: { tables: requestItemTables, prepare: batchGetItem },
  BatchWriteItem: { tables: requestItemTables, prepare: batchWriteItem },
  TransactWriteItems: { tables: transactTables, prepare: transactWriteItems },
};

/** The DynamoDB operations lambdasim serves, e.g. for a "supported commands" table. */
export const DYNAMODB_OPERATIONS: readonly string[] = Object.keys(OPERATIONS);

/**
 * DynamoDB at the protocol level (DESIGN §9): answers the AWS SDK's JSON-protocol requests
 * (`X-Amz-Target: DynamoDB_20120810.<Operation>`, `application/x-amz-json-1.0`) from the same
 * store as `sim.table`: one table, two doors; the table name is the resource name. Each request
 * is one simulated call through `callService` (service = the table, op = the operation name),
 * so latency, call faults, attribution and crash semantics are those of `sim.table`. A request
 * naming several tables (BatchGetItem, BatchWriteItem, TransactWriteItems) is carried by the
 * first table it names.
 *
 * Answers: 200 with the operation's JSON; DynamoDB's errors as the SDK parses them (status, the
 * `x-amzn-errortype` header and `{"__type": "com.amazonaws.dynamodb.v20120810#<Type>", "message"}`);
 * an injected call fault as DynamoDB's throttling or server error (see `dynamoDbFaultType`). A
 * table the simulation lacks, or an operation lambdasim does not serve, is not a DynamoDB answer
 * but a mistake in the simulation's setup: `serve` rejects at once with an
 * {@link UnroutedRequestError} naming the operation and the tables the simulation has (or the
 * supported operations), which the interception layer records as a determinism error at the
 * handler's line (issue 12 item 5: nothing unsimulated passes silently). So is a request using a
 * feature lambdasim does not simulate: a secondary index, a parallel scan, a legacy parameter.
 *
 * Gotchas: numbers are JavaScript numbers in the store (a number with no exact double value is a
 * ValidationException); no 1 MB pages, no reserved-word check, no ClientRequestToken idempotency.
 *
 * @example
 * ```ts
 * const response = await dynamoDbService.serve(
 *   {
 *     method: 'POST', protocol: 'https:', hostname: 'dynamodb.us-east-1.amazonaws.com', port: undefined,
 *     path: '/', query: {},
 *     headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem', 'content-type': 'application/x-amz-json-1.0' },
 *     body: JSON.stringify({ TableName: 'orders', Item: { orderId: { S: 'o-1' } } }),
 *   },
 *   resources, // inside a handler of the simulation
 * );
 * response.statusCode; // 200
 * ```
 */
export const dynamoDbService: AwsProtocolService = {
  endpointPrefix: 'dynamodb',
  serviceName: 'DynamoDB',
  serve,
};

async function serve(request: SimHttpRequest, resources: AwsResources): Promise<SimHttpResponse> {
  const target = request.headers['x-amz-target'] ?? '';
  const opName = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
  const operation =
    opName !== undefined && Object.hasOwn(OPERATIONS, opName) ? OPERATIONS[opName] : undefined;
  if (operation === undefined || opName === undefined)
    throw new UnroutedRequestError(
      `DynamoDB ${opName ?? (target === '' ? '(no X-Amz-Target header)' : target)}: not simulated by lambdasim (DynamoDB operations simulated: ${DYNAMODB_OPERATIONS.join(', ')})`,
    );
  let body: Body;
  try {
    body = JSON.parse(request.body === '' ? '{}' : request.body) as Body;
  } catch {
    body = undefined as unknown as Body;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return answer(
      new DynamoDbError('SerializationException', 'Start of structure or map found where not expected'),
    );
  let names: string[];
  try {
    names = operation.tables(body);
  } catch (error) {
    return answer(error);
  }
  const tables = new Map<string, Table>();
  for (const name of names) {
    const table = resources.table(name);
    if (table === undefined) {
      const names = resources.tableNames();
      throw new UnroutedRequestError(
        `DynamoDB ${opName} on table ${JSON.stringify(name)}: no table ${JSON.stringify(name)} in this simulation (${names.length === 0 ? 'no tables' : `tables: ${names.join(', ')}`})`,
      );
    }
    tables.set(name, table);
  }
  let landing: Landing;
  try {
    landing = operation.prepare(body, tables);
  } catch (error) {
    if (error instanceof UnroutedRequestError)
      throw new UnroutedRequestError(
        `DynamoDB ${opName} on ${names.length === 1 ? 'table' : 'tables'} ${names.map((n) => JSON.stringify(n)).join(', ')}: ${error.message}`,
      );
    if (!(error instanceof DynamoDbError)) throw error;
    // A malformed request is refused by the service: after the call's latency, like DynamoDB.
    landing = () => {
      throw error;
    };
  }
  return call(resources, tables.get(names[0]!)!, opName, request.body, landing);
}

async function call(
  resources: AwsResources,
  table: Table,
  opName: string,
  requestText: string,
  landing: Landing,
): Promise<SimHttpResponse> {
  let requestId: string | undefined;
  let bug: unknown;
  // Outside a simulation callService throws at once: that reaches the caller as it is.
  const pending = callService(
    resources.world,
    table.callSpec(opName, requestText, (site) => {
      requestId = `lambdasim-${site.callId}`;
      try {
        const text = JSON.stringify(landing());
        return { value: text, text };
      } catch (error) {
        if (!(error instanceof DynamoDbError)) bug = error;
        throw error;
      }
    }),
  );
  try {
    const text = await pending;
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId! },
      body: text,
    };
  } catch (error) {
    if (error === bug) throw error; // lambdasim's own bug: never disguised as a service error
    return dynamoDbErrorResponse(error, requestId);
  }
}

function answer(error: unknown): Promise<SimHttpResponse> {
  if (!(error instanceof DynamoDbError)) return Promise.reject(error);
  return Promise.resolve(dynamoDbErrorResponse(error));
}
