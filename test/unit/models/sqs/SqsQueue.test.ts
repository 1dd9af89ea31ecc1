import { describe, expect, it } from 'vitest';
import { createSimulation, SqsError } from '../../../../src/index.js';

const ALLOWED =
  'the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].';

async function rejection(promise: Promise<unknown>): Promise<SqsError> {
  try {
    await promise;
  } catch (error) {
    return error as SqsError;
  }
  throw new Error('expected a rejection');
}

describe('SqsQueue message body characters (SendMessage: InvalidMessageContents)', () => {
  it('refuses a body with a character outside the XML set, from test code and in a batch', async () => {
    const sim = createSimulation({ seed: 1 });
    const q = sim.sqs('orders');
    for (const [body, hex] of [
      ['a\u0000b', '#x0'],
      ['bell\u0007', '#x7'],
      ['\uFFFE', '#xFFFE'],
      ['lone \uD800 surrogate', '#xD800'],
    ] as const) {
      const error = await rejection(q.send(body));
      expect(error).toBeInstanceOf(SqsError);
      expect(error.code).toBe('InvalidMessageContents');
      expect(error.message).toBe(
        `Invalid binary character '${hex}' was found in the message body, ${ALLOWED}`,
      );
    }
    const batch = await q.sendBatch([
      { id: 'ok', body: 'fine' },
      { id: 'bad', body: 'x\u001Fy' },
    ]);
    expect(batch.successful.map((s) => s.id)).toEqual(['ok']);
    expect(batch.failed).toEqual([
      {
        id: 'bad',
        code: 'InvalidMessageContents',
        message: `Invalid binary character '#x1F' was found in the message body, ${ALLOWED}`,
        senderFault: true,
      },
    ]);
    // Allowed: tab, LF, CR, the BMP up to U+FFFD outside surrogates, and astral characters (pairs).
    await expect(q.send('tab\there\nline\r\u00e9\uFFFD \u{1F600}')).resolves.toMatchObject({
      messageId: expect.any(String),
    });
    await expect(q.send({ text: 'a\u0000b' })).resolves.toMatchObject({ messageId: expect.any(String) }); // JSON escapes it
    const result = await sim.run();
    expect(result.queues[0]).toMatchObject({ sent: 3 });
  });

  it("a handler's send rejects with the SqsError after the call's latency", async () => {
    const sim = createSimulation({ seed: 2 });
    const q = sim.sqs('out');
    const seen: string[] = [];
    const fn = sim.fn('Producer', () => async () => {
      await q.send('nul\u0000').catch((e: SqsError) => seen.push(e.code));
    });
    void sim.invoke(fn, {});
    const result = await sim.run();
    expect(seen).toEqual(['InvalidMessageContents']);
    expect(result.queues[0]).toMatchObject({ sent: 0 });
  });
});
