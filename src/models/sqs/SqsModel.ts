import { ConfigError } from '../../errors.js';
import { checkOwned } from '../../lambda/ownership.js';
import type { LambdaFunction } from '../../lambda/LambdaFunction.js';
import type { World } from '../../world/World.js';
import { invariant } from '../../sim/invariant.js';
import { type Rng, seededUuid } from '../../sim/Rng.js';
import {
  resolveSqsMappingOptions,
  SqsEventSourceMapping,
  type SqsMappingOptions,
} from './SqsEventSourceMapping.js';
import { type MessageRecord, type QueueAccounting, SqsQueue, type SqsQueueOptions } from './SqsQueue.js';

/** The SQS part of a simulation: its queues and event source mappings. */
export class SqsModel {
  private readonly queues = new Map<string, SqsQueue>();
  private readonly mappings: SqsEventSourceMapping[] = [];
  private readonly uuids: Rng;

  constructor(private readonly world: World) {
    this.uuids = world.kernel.rng('sqs.mappingUuids');
  }

  /** The names of the queues defined so far. */
  queueNames(): readonly string[] {
    return [...this.queues.keys()];
  }

  /** The queue named `name`, if defined. */
  get(name: string): SqsQueue | undefined {
    return this.queues.get(name);
  }

  /** The queues defined so far, by name, with whether each is FIFO. */
  queueKinds(): ReadonlyMap<string, { readonly fifo: boolean }> {
    return new Map([...this.queues].map(([name, q]) => [name, { fifo: q.fifo }]));
  }

  /** Defines a queue; names are unique among the simulation's queues. */
  queue(name: string, options?: SqsQueueOptions): SqsQueue {
    if (typeof name === 'string' && this.queues.has(name))
      throw new ConfigError('sim.sqs', 'name', 'is already used by another queue in this simulation', name);
    const queue = new SqsQueue(this.world, name, options);
    this.queues.set(name, queue);
    return queue;
  }

  /** Creates an event source mapping, validated as `CreateEventSourceMapping` validates it. */
  map(queue: SqsQueue, fn: LambdaFunction, options?: SqsMappingOptions): SqsEventSourceMapping {
    checkOwned(this.world, 'sim.mapping: queue', queue);
    if (!(queue instanceof SqsQueue) || this.queues.get(queue.name) !== queue)
      throw new ConfigError(
        'sim.mapping',
        'queue',
        'must be a queue defined on this simulation with sim.sqs()',
        queue?.name ?? queue,
      );
    const resolved = resolveSqsMappingOptions(queue, fn, options);
    const existing = this.mappings.find((m) => m.queue === queue && m.fn === fn);
    if (existing !== undefined)
      // R-SQS-15: 409 ResourceConflictException (AWS-REC text).
      throw new ConfigError(
        `sim.mapping(${JSON.stringify(queue.name)} → ${JSON.stringify(fn.name)})`,
        'queue',
        `must not be mapped to the same function twice (AWS: 409 ResourceConflictException "An event source mapping with SQS arn (" ${queue.arn} ") and function (" ${fn.name} ") already exists. Please update or delete the existing mapping with UUID ${existing.uuid}")`,
        queue.name,
      );
    const mapping = new SqsEventSourceMapping(this.world, queue, fn, resolved, seededUuid(this.uuids));
    this.mappings.push(mapping);
    return mapping;
  }

  /** @internal lambdasim's run-end invariants of every queue and mapping (see their `checkRunEnd`). */
  checkRunEnd(quiescent: boolean): void {
    for (const q of this.queues.values()) q.checkRunEnd(quiescent);
    for (const m of this.mappings) m.checkRunEnd(quiescent);
    // Redrive moves a message, never loses or copies it: what a DLQ took in is what its sources
    // dead-lettered to it.
    const redriven = new Map<SqsQueue, number>();
    for (const q of this.queues.values()) {
      const dlq = q.options.redrive?.deadLetter;
      if (dlq !== undefined) redriven.set(dlq, (redriven.get(dlq) ?? 0) + q.redriveCounts.deadLettered);
    }
    for (const q of this.queues.values()) {
      const expected = redriven.get(q) ?? 0;
      invariant(
        q.redriveCounts.redrivenIn === expected,
        () =>
          `run end: queue ${q.name} took in ${q.redriveCounts.redrivenIn} redriven message(s), its source queues dead-lettered ${expected} to it`,
      );
    }
  }

  /** At the end of a run: messages past retention count as expired (R-SQS-8). */
  settle(): void {
    for (const q of this.queues.values()) q.settle();
  }

  /** Every message of every queue (a DLQ holds a second record of a dead-lettered message). */
  messages(): readonly MessageRecord[] {
    const out: MessageRecord[] = [];
    for (const q of this.queues.values()) q.snapshotInto(out);
    return Object.freeze(out);
  }

  /** Accounting of every queue, in definition order. */
  accounting(): readonly QueueAccounting[] {
    return Object.freeze([...this.queues.values()].map((q) => q.accounting()));
  }
}
