import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../../src/index.js';

async function localViews(): Promise<{ hours: number; offset: number; parsed: number; text: string }> {
  const sim = createSimulation({ seed: 1, startEpochMs: Date.UTC(2026, 5, 1, 12, 0, 0) });
  let views: { hours: number; offset: number; parsed: number; text: string } | undefined;
  const fn = sim.fn(
    'Tz',
    () => async () => {
      const now = new Date();
      views = {
        hours: now.getHours(),
        offset: now.getTimezoneOffset(),
        parsed: new Date('2026-06-01T12:00:00').getTime(), // no offset: local time
        text: now.toString(),
      };
    },
    { initDurationMs: 0 },
  );
  void sim.invoke(fn, {});
  await sim.run();
  return views!;
}

describe('time zone inside a run', () => {
  it('is UTC as in Lambda, whatever the host zone, and the host zone comes back after the run', async () => {
    const before = process.env.TZ;
    process.env.TZ = 'America/St_Johns'; // UTC-02:30 in June
    try {
      const views = await localViews();
      expect(views.hours).toBe(12);
      expect(views.offset).toBe(0);
      expect(views.parsed).toBe(Date.UTC(2026, 5, 1, 12, 0, 0));
      expect(views.text).toContain('GMT+0000');
      expect(process.env.TZ).toBe('America/St_Johns');
      expect(new Date(Date.UTC(2026, 5, 1, 12)).getTimezoneOffset()).toBe(150);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('is UTC for the whole process from sim.run() until its promise settles (README "Time zone")', async () => {
    const before = process.env.TZ;
    process.env.TZ = 'America/St_Johns';
    try {
      const sim = createSimulation({ seed: 1 });
      sim.spawn('waiter', () => new Promise((resolve) => setTimeout(resolve, 10)));
      const offset = () => new Date(Date.UTC(2026, 5, 1, 12)).getTimezoneOffset();
      expect([process.env.TZ, offset()]).toEqual(['America/St_Johns', 150]);
      const running = sim.run();
      // Code beside the run (here: the test body before it awaits) sees the process zone: UTC.
      expect([process.env.TZ, offset()]).toEqual(['UTC', 0]);
      await running;
      expect([process.env.TZ, offset()]).toEqual(['America/St_Johns', 150]);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});
