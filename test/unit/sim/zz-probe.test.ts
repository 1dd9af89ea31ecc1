import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { createSimulation } from '../../../src/index.js';

async function runWith(body: () => Promise<unknown>) {
  const sim = createSimulation({ seed: 1 });
  const f = sim.fn('Probe', () => async () => body());
  const p = sim.invoke(f, {});
  const r = await sim.run();
  return { r, resp: await p };
}

describe('probe', () => {
  it('console', async () => {
    const { r, resp } = await runWith(async () => { console.log('hello from handler'); console.error('err'); return 1; });
    console.log(JSON.stringify(r.determinismErrors, null, 1), resp.kind);
  });
  it('misc', async () => {
    const { r, resp } = await runWith(async () => { zlib.gzipSync('abc'); structuredClone({a:1}); new AbortController(); fs.readFileSync('package.json'); return 1; });
    console.log(JSON.stringify(r.determinismErrors.map(e=>e.resource)), resp.kind);
  });
  it('stdout', async () => {
    const { r, resp } = await runWith(async () => { process.stdout.write('x\n'); process.stderr.write('y\n'); return 1; });
    console.log(JSON.stringify(r.determinismErrors.map(e=>e.resource)), resp.kind);
  });
});
