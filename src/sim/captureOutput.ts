import { formatWithOptions } from 'node:util';
import { currentScope } from './VirtualScope.js';

/** A log line's level, as the Node.js runtime names them in CloudWatch (`console.log` is INFO). */
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Where a line was written: a `console` method, or `process.stdout` / `process.stderr` directly. */
export type LogSource = 'console' | 'stdout' | 'stderr';

/** A scope that takes the output of the code running in it (a simulated runtime process). */
export interface OutputSink {
  /** Takes one line of output; returns false to let it through to the real output. */
  output(source: LogSource, level: LogLevel, message: string): boolean;
}

/** The console methods the Node.js runtime tags with a level (RIC `LogPatch`), and theirs. */
const CONSOLE_LEVELS: Readonly<Record<string, LogLevel>> = {
  log: 'INFO',
  info: 'INFO',
  debug: 'DEBUG',
  warn: 'WARN',
  error: 'ERROR',
  trace: 'TRACE',
};

const CAPTURING = Symbol('lambdasim.captureOutput');

type AnyFn = (...args: unknown[]) => unknown;

/** The real output functions, as they were before capture (for printing logs live, warnings). */
let realLog: AnyFn = console.log.bind(console);
let realWarn: AnyFn = console.warn.bind(console);

/**
 * Routes what code in a simulated runtime process writes with `console.log/info/debug/warn/error/trace`
 * or `process.stdout.write` / `process.stderr.write` (Powertools Logger writes there) to that
 * process, as Lambda sends it to CloudWatch, instead of the terminal. Code outside (the test, the
 * workload) writes as before. Called when a run starts, so that a console a test runner put in
 * place after lambdasim was imported (vitest's) is the one wrapped; idempotent per object.
 */
export function captureOutput(): void {
  const c = console as unknown as Record<string | symbol, unknown>;
  if (c[CAPTURING] !== true) {
    realLog = (c.log as AnyFn).bind(console);
    realWarn = (c.warn as AnyFn).bind(console);
    for (const [method, level] of Object.entries(CONSOLE_LEVELS)) {
      const original = c[method] as AnyFn;
      c[method] = function captured(this: unknown, ...args: unknown[]) {
        const sink = sinkOf();
        if (sink !== undefined && sink.output('console', level, format(method, args))) return;
        return original.apply(this, args);
      };
    }
    c[CAPTURING] = true;
  }
  wrapStream(process.stdout, 'stdout', 'INFO');
  wrapStream(process.stderr, 'stderr', 'ERROR');
}

/** True while {@link printLive} prints: its own writes pass through. */
let printing = false;

/** Prints a captured line to the terminal (`LAMBDASIM_LOGS=live`), through the real console. */
export function printLive(text: string, stream: 'log' | 'warn' = 'log'): void {
  printing = true;
  try {
    (stream === 'log' ? realLog : realWarn)(text);
  } finally {
    printing = false;
  }
}

function wrapStream(stream: NodeJS.WriteStream, source: LogSource, level: LogLevel): void {
  const s = stream as unknown as Record<string | symbol, unknown>;
  if (s[CAPTURING] === true) return;
  const original = stream.write as AnyFn;
  s.write = function write(this: unknown, chunk: unknown, ...rest: unknown[]) {
    const sink = sinkOf();
    if (sink !== undefined) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
      let taken = true;
      for (const line of lines) taken = sink.output(source, level, line) && taken;
      if (taken) {
        // Node's contract: the callback (last argument) runs once the data is handled.
        const callback = rest[rest.length - 1];
        if (typeof callback === 'function') queueMicrotask(() => (callback as () => void)());
        return true;
      }
    }
    return original.call(this, chunk, ...rest);
  };
  s[CAPTURING] = true;
}

function sinkOf(): OutputSink | undefined {
  if (printing) return undefined;
  const scope = currentScope() as Partial<OutputSink> | undefined;
  return typeof scope?.output === 'function' ? (scope as OutputSink) : undefined;
}

/** The text a console method prints (`console.trace` prefixes `Trace: ` and adds the stack). */
function format(method: string, args: readonly unknown[]): string {
  const text = formatWithOptions({ colors: false }, ...args);
  if (method !== 'trace') return text;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, format);
  const stack = (holder.stack ?? '').split('\n').slice(2).join('\n');
  return `Trace: ${text}${stack === '' ? '' : `\n${stack}`}`;
}
