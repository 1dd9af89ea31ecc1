import { ConfigError } from '../../errors.js';
import type { LambdaFunction } from '../../lambda/LambdaFunction.js';
import type { World } from '../../world/World.js';
import { type Rng, seededUuid } from '../../sim/Rng.js';
import type { Table } from '../../services/Table.js';
import { DynamoDbStream } from './DynamoDbStream.js';
import { KinesisStream, type KinesisStreamOptions } from './KinesisStream.js';
import {
  type ShardStatus,
  StreamEventSourceMapping,
  type StreamRecordEntry,
} from './StreamEventSourceMapping.js';
import { resolveStreamMappingOptions, type StreamMappingOptions } from './streamMappingOptions.js';

/** The streams part of a simulation: Kinesis streams, tables' DynamoDB streams, and their mappings. */
export class StreamsModel {
  private readonly streams = new Map<string, KinesisStream>();
  private readonly tableStreams = new Map<Table, DynamoDbStream>();
  private readonly mappings: StreamEventSourceMapping[] = [];
  private readonly uuids: Rng;

  constructor(private readonly world: World) {
    this.uuids = world.kernel.rng('streams.mappingUuids');
  }

  /** The names of the streams defined so far. */
  streamNames(): readonly string[] {
    return [...this.streams.keys()];
  }

  /** The names of the tables whose DynamoDB stream is on (each stream is named after its table). */
  tableStreamNames(): readonly string[] {
    return [...this.tableStreams.values()].map((s) => s.name);
  }

  /** Defines a stream; names are unique among the simulation's streams. */
  stream(name: string, options?: KinesisStreamOptions): KinesisStream {
    if (typeof name === 'string' && this.streams.has(name))
      throw new ConfigError(
        'sim.kinesis',
        'name',
        'is already used by another stream in this simulation',
        name,
      );
    const stream = new KinesisStream(this.world, name, options);
    this.streams.set(name, stream);
    return stream;
  }

  /** Turns on a table's DynamoDB stream (its options name a view type). */
  tableStream(table: Table): DynamoDbStream {
    const stream = new DynamoDbStream(this.world, table);
    this.tableStreams.set(table, stream);
    return stream;
  }

  /** The table's DynamoDB stream, if it has one. */
  streamOf(table: Table): DynamoDbStream | undefined {
    return this.tableStreams.get(table);
  }

  /** Creates a stream mapping, validated as `CreateEventSourceMapping` validates it. */
  map(
    source: KinesisStream | Table,
    fn: LambdaFunction,
    options: StreamMappingOptions,
  ): StreamEventSourceMapping {
    let stream: KinesisStream | DynamoDbStream | undefined;
    if (source instanceof KinesisStream) {
      stream = this.streams.get(source.name) === source ? source : undefined;
      if (stream === undefined)
        throw new ConfigError(
          'sim.mapping',
          'stream',
          'must be a stream defined on this simulation with sim.kinesis()',
          source.name,
        );
    } else {
      stream = this.tableStreams.get(source);
      if (stream === undefined)
        throw new ConfigError(
          `sim.mapping(${JSON.stringify(source.name)} → ${JSON.stringify(fn.name)})`,
          'table',
          "must have a DynamoDB stream: define it with sim.table(name, { key, stream: 'NEW_AND_OLD_IMAGES' }) (or KEYS_ONLY, NEW_IMAGE, OLD_IMAGE)",
          source.name,
        );
    }
    const resolved = resolveStreamMappingOptions(this.world, stream, fn, options);
    const existing = this.mappings.find((m) => m.stream === stream && m.fn === fn);
    if (existing !== undefined)
      // As R-SQS-15 for queues: one mapping per source and function (409 ResourceConflictException).
      throw new ConfigError(
        `sim.mapping(${JSON.stringify(stream.name)} → ${JSON.stringify(fn.name)})`,
        'stream',
        `must not be mapped to the same function twice (AWS: 409 ResourceConflictException, existing mapping UUID ${existing.uuid})`,
        stream.name,
      );
    const mapping = new StreamEventSourceMapping(this.world, stream, fn, resolved, seededUuid(this.uuids));
    this.mappings.push(mapping);
    return mapping;
  }

  /** @internal lambdasim's run-end invariants of every mapping. */
  checkRunEnd(quiescent: boolean): void {
    for (const m of this.mappings) m.checkRunEnd(quiescent);
  }

  /** Every record each mapping reads, with how it ended for that mapping, mapping by mapping. */
  records(): readonly StreamRecordEntry[] {
    const out: StreamRecordEntry[] = [];
    for (const m of this.mappings) m.recordEntries(out);
    return Object.freeze(out);
  }

  /** Every mapping's shards (lanes) with their checkpoint and blocked state. */
  shards(): readonly ShardStatus[] {
    return Object.freeze(this.mappings.flatMap((m) => m.shardStatuses()));
  }
}
