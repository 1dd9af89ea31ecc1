import { dynamoDbService } from './dynamodb/dynamoDbService.js';
import { eventBridgeService } from './eventBridgeService.js';
import { lambdaService } from './lambdaService.js';
import type { AwsProtocolService } from './protocol.js';
import { s3Service } from './s3Service.js';
import { snsService } from './snsService.js';
import { sqsService } from './sqsService.js';

/**
 * The AWS services lambdasim simulates at the protocol level, by endpoint prefix (signing name).
 * A request for any other AWS service fails at once, naming it and listing these. A new service is
 * one {@link AwsProtocolService} added here.
 */
export const AWS_SERVICES: readonly AwsProtocolService[] = [
  dynamoDbService,
  sqsService,
  snsService,
  lambdaService,
  eventBridgeService,
  s3Service,
];
