/**
 * The HTML timeline as a string: what it holds (lanes, attempts, faults, effects, payloads, the
 * scenario and the replay command), that it needs no network, that user data cannot break out of
 * it, and that it is deterministic. test/e2e/timelineHtml.browser.test.ts opens it in Chromium.
 */
import { describe, expect, it } from 'vitest';
import { welcomeEmail } from '../../../fixtures/examples/welcomeEmail.js';
import { createSimulation, formatScenario, timelineHtml } from '../../../src/index.js';
import { replayScenarioFile } from '../../../src/vitest/index.js';

const WELCOME = 'fixtures/regressions/welcomeEmail/seed-20261123.json';

async function welcomeResult() {
  return replayScenarioFile(WELCOME, welcomeEmail.buggy as never);
}

/** The JSON the page's script reads (the one `application/json` script of the page). */
function pageData(html: string): {
  events: { kind: string; lane: number; payloads: { label: string; value: unknown }[] }[];
  lanes: { name: string; group: string }[];
} {
  const match = /<script type="application\/json" id="lambdasim-data">([^<]*)<\/script>/.exec(html);
  if (match?.[1] === undefined) throw new Error('no data script in the page');
  return JSON.parse(match[1]) as ReturnType<typeof pageData>;
}

describe('timelineHtml', () => {
  it('draws a lane per function, environment and service, with attempts, the fault and the effects marked', async () => {
    const result = await welcomeResult();
    const html = timelineHtml(result, { title: 'welcomeEmail' });
    const lanes = [...html.matchAll(/<div class="lane-name ([a-z]+)"[^>]*>([^<]*)</g)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    expect(lanes).toEqual(['function:Handler', 'environment:Handler#1', 'service:mailer']);
    // Two attempts of the event on Handler#1: the first timed out, the retry succeeded.
    expect(
      [...html.matchAll(/<button class="bar (\w+)"[^>]*>([^<]*)</g)].map((m) => `${m[1]} ${m[2]}`),
    ).toEqual(['failed attempt 1 (cold) · Sandbox.Timedout', 'succeeded attempt 2 (cold)']);
    expect(html.match(/<button class="ev fault"[^>]*data-kind="fault.injected"/g)).toHaveLength(1);
    expect(html.match(/<button class="ev effect"[^>]*data-kind="call.landed"/g)).toHaveLength(2);
    expect(html).toContain('<h1>welcomeEmail</h1>');
  });

  it('carries the payload of each input and the arguments of each call for the click panel', async () => {
    const result = await welcomeResult();
    const data = pageData(timelineHtml(result));
    const accepted = data.events.find((e) => e.kind === 'async.accepted');
    expect(accepted?.payloads).toEqual([
      { label: 'payload', value: { eventId: 'evt-1', email: 'ada@example.com' } },
    ]);
    const sent = data.events.filter((e) => e.kind === 'call.sent');
    expect(sent).toHaveLength(2);
    for (const call of sent)
      expect(call.payloads).toContainEqual({
        label: 'mailer.send arguments',
        value: { eventId: 'evt-1', to: 'ada@example.com', template: 'welcome' },
      });
    expect(data.lanes[data.events.find((e) => e.kind === 'fault.injected')!.lane]?.name).toBe('mailer');
  });

  it('puts the scenario, the replay command and the violations at the top', async () => {
    const result = await welcomeResult();
    const violations = await welcomeEmail.check(result as never);
    const html = timelineHtml(result, {
      replay: `lambdasim replay ${WELCOME} --setup fixtures/examples/index.ts#welcomeEmail.buggy`,
      violations,
    });
    const top = html.slice(0, html.indexOf('class="lanes"'));
    expect(top).toContain(
      'lambdasim replay fixtures/regressions/welcomeEmail/seed-20261123.json --setup fixtures/examples/index.ts#welcomeEmail.buggy',
    );
    expect(top).toContain(escape(formatScenario(result.scenario)));
    expect(top).toMatch(/\[exactlyOnce\] mailer\.send ran 2 times/);
    // Without a replay command, a scenario run says how to rerun the scenario it shows.
    expect(timelineHtml(result)).toContain('await runScenario(scenario, setup)');
  });

  it('needs no network: no external resource, and a policy that forbids any', async () => {
    const html = timelineHtml(await welcomeResult());
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/<link|@import|url\(/i);
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/]+=*'">/,
    );
  });

  it('escapes user data everywhere: a body that closes the script and injects an element stays text', async () => {
    const evil = `</script><img src=x onerror="alert(1)"><b>&amp;`;
    const sim = createSimulation({ seed: 1 });
    const api = sim.api('notes', { latencyMs: 5 });
    const fn = sim.fn('Echo', () => async (event: { text: string }) => {
      await api.call(`op</div><i>`, { text: event.text });
      return event;
    });
    void sim.invoke(fn, { text: evil });
    const result = await sim.run();
    const html = timelineHtml(result, { title: evil, replay: evil });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    // One script element that ends the data, one the code: nothing else closes a script.
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;b&gt;&amp;amp;');
    const data = pageData(html);
    const received = data.events.find((e) => e.kind === 'request.received');
    expect(received?.payloads).toEqual([{ label: 'payload', value: { text: evil } }]);
    expect(data.events.find((e) => e.kind === 'call.landed')?.payloads).toEqual([
      { label: 'notes.op</div><i> arguments', value: { text: evil } },
    ]);
  });

  it('is the same page for the same run, and caps the events it draws', async () => {
    const a = timelineHtml(await welcomeResult());
    const b = timelineHtml(await welcomeResult());
    expect(a).toBe(b);
    const capped = timelineHtml(await welcomeResult(), { maxEvents: 5 });
    expect(pageData(capped).events).toHaveLength(5);
    expect(capped).toContain('first 5 of 19 events');
  });

  it('rejects bad options with a ConfigError naming the field', async () => {
    const result = await welcomeResult();
    expect(() => timelineHtml(result, { maxEvents: 0 })).toThrow(/timelineHtml: maxEvents must be/);
    expect(() => timelineHtml(result, { colour: 'red' } as never)).toThrow(
      /timelineHtml: colour is not a known option/,
    );
    expect(() => timelineHtml({} as never)).toThrow(/timelineHtml: result must be/);
  });
});

function escape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
