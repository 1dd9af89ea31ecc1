/**
 * The "Your real handler" example of the README runs as written: the production handler (module-
 * scope DocumentClient and SQS client, fetch) unchanged, and the test's setup and result.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe("README's real-handler example", () => {
  it('runs as written and ends with the item it shows', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Your real handler'));
    const [handler, test] = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(handler).toContain('DynamoDBDocumentClient.from(new DynamoDBClient({})); // module scope');
    const expected = /orders\.peek\('o-1'\); \/\/ (.*)\n/.exec(test!)?.[1];
    expect(expected).toBeDefined();
    // Inside the repository, so that the SDK packages resolve from its node_modules.
    const dir = mkdtempSync(join(root, '.readme-real-handler-'));
    try {
      writeFileSync(join(dir, 'checkout.ts'), handler!);
      const script = test!
        .replace("from 'lambdasim'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`)
        .replace("'../src/checkout.js'", "'./checkout.ts'")
        .replace(/orders\.peek\('o-1'\);.*\n/, "console.log(JSON.stringify(orders.peek('o-1')));\n");
      writeFileSync(join(dir, 'run.ts'), script);
      const out = execFileSync(process.execPath, ['--import', 'tsx', join(dir, 'run.ts')], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      // The comment in the README is the item, as a JavaScript object literal.
      const shown = new Function(`return (${expected!});`)() as unknown;
      expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual(shown);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
