import { describe, expect, it } from 'vitest';
import { checks, createSimulation } from '../../../../src/index.js';

// More than the ~125,000 arguments a spread into push(...) can pass before V8's stack overflows.
const BULK = 130_001;

describe('SqsModel at scale', () => {
  it('result.messages, result.queues and checks.noLostEvents read a queue holding 130,001 messages', async () => {
    const sim = createSimulation({ seed: 1 });
    // No consumer: the messages stay until retention (60 s) ends them, so noLostEvents judges each.
    const bulk = sim.sqs('bulk', { messageRetentionS: 60 });
    const tail = sim.sqs('tail');
    for (let i = 0; i < BULK; i++) void bulk.send(i);
    void tail.send('first');
    void tail.send('late', { delayS: 900 }); // its timer carries the run past the bulk's retention
    const result = await sim.run();

    const messages = result.messages;
    expect(messages).toHaveLength(BULK + 2);
    // Queue definition order, then send order within a queue.
    expect(messages[0]).toMatchObject({ queue: 'bulk', body: '0', status: 'expired' });
    expect(messages[BULK - 1]).toMatchObject({ queue: 'bulk', body: String(BULK - 1), status: 'expired' });
    expect(messages.slice(BULK).map((m) => [m.queue, m.body, m.status])).toEqual([
      ['tail', 'first', 'visible'],
      ['tail', 'late', 'visible'],
    ]);
    expect(Object.isFrozen(messages) && Object.isFrozen(messages[BULK])).toBe(true);
    expect(result.messages).toBe(messages);

    expect(result.queues.map((q) => [q.queue, q.sent, q.expired, q.visible])).toEqual([
      ['bulk', BULK, BULK, 0],
      ['tail', 2, 0, 2],
    ]);

    const lost = checks.noLostEvents(result);
    expect(lost).toHaveLength(BULK);
    expect(lost[BULK - 1]).toMatchObject({
      kind: 'lost',
      model: 'sqs',
      where: 'bulk',
      state: 'expired',
      input: messages[BULK - 1]!.messageId,
    });
  });
});
