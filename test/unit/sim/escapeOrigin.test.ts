/**
 * Which real resources are not the handler's escapes: the continuation of work Node started
 * earlier (every frame Node's own) and a module loader's transform-cache I/O (tsx on Node 22+
 * writes its cache after a handlerModule instance has loaded; seen failing the CLI's handlerModule
 * replay on a clean CI machine). A resource started by user code is always reported.
 */
import { describe, expect, it } from 'vitest';
import { LAMBDASIM_DIR } from '../../../src/sim/stackFrames.js';
import { continuesNodeWork, startedByModuleLoader } from '../../../src/sim/VirtualScope.js';

const TSX_CACHE_WRITE = [
  'Error',
  '    at FSReqCallback.emitInitNative (node:internal/async_hooks:206:43)',
  '    at Object.writeFile (node:fs:2360:3)',
  '    at new Promise (<anonymous>)',
  '    at file:///repo/node_modules/tsx/dist/index-DE3OBZuV.mjs:13:9944',
  '    at file:///repo/node_modules/tsx/dist/index-DE3OBZuV.mjs:13:9464',
].join('\n');
/** As CI printed it on Node 22: lambdasim's fs interception between Node and tsx. */
const TSX_CACHE_WRITE_THROUGH_LAMBDASIM = [
  'Error',
  '    at FSReqCallback.emitInitNative (node:internal/async_hooks:206:43)',
  '    at Object.writeFile (node:fs:2360:3)',
  `    at writeFile (file://${LAMBDASIM_DIR}transport/lambdaAwsEnv.ts:40:7)`,
  '    at file:///repo/node_modules/tsx/dist/index-DE3OBZuV.mjs:13:9944',
].join('\n');
const USER_WRITE = [
  'Error',
  '    at FSReqCallback.emitInitNative (node:internal/async_hooks:206:43)',
  '    at Object.writeFile (node:fs:2360:3)',
  '    at handler (file:///repo/src/handler.ts:12:5)',
  '    at file:///repo/node_modules/tsx/dist/index-DE3OBZuV.mjs:13:9464',
].join('\n');
const NODE_CONTINUATION = [
  'Error',
  '    at FileHandleCloseReq.emitInitNative (node:internal/async_hooks:206:43)',
  '    at close (node:internal/fs/promises:252:23)',
  '    at node:internal/fs/promises:430:38',
].join('\n');

describe('escape origin', () => {
  it("leaves out a module loader's own I/O, and only that", () => {
    expect(startedByModuleLoader(TSX_CACHE_WRITE)).toBe(true);
    expect(startedByModuleLoader(TSX_CACHE_WRITE_THROUGH_LAMBDASIM)).toBe(true);
    expect(startedByModuleLoader(USER_WRITE)).toBe(false);
    expect(startedByModuleLoader(NODE_CONTINUATION)).toBe(false);
  });

  it('leaves out work whose every frame is Node’s own, and only that', () => {
    expect(continuesNodeWork(NODE_CONTINUATION)).toBe(true);
    expect(continuesNodeWork(USER_WRITE)).toBe(false);
    expect(continuesNodeWork(TSX_CACHE_WRITE)).toBe(false);
  });
});
