import { types } from 'node:util';

/** The JSON error body Lambda returns for a function error (Node.js runtime shape). */
export interface ErrorBody {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

function looksLikeError(v: unknown): v is { name: string; message: string; stack: string } {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.name === 'string' &&
    o.name !== '' &&
    typeof o.message === 'string' &&
    o.message !== '' &&
    typeof o.stack === 'string' &&
    o.stack !== ''
  );
}

/**
 * Serialises a thrown value as the Node.js runtime does (R-NODE-1): an Error (or anything with a
 * non-empty name, message and stack) gives `{errorType: name, errorMessage: message, trace:
 * stack lines}`; any other value gives `{errorType: typeof v, errorMessage: String(v), trace: []}`.
 */
export function serializeThrown(value: unknown): ErrorBody {
  try {
    if (types.isNativeError(value)) return nativeErrorBody(value);
    if (looksLikeError(value))
      return { errorType: value.name, errorMessage: value.message, trace: value.stack.split('\n') };
    // `null`/`undefined` have no toString: the runtime's own attempt throws and it falls back below.
    return { errorType: typeof value, errorMessage: (value as { toString(): string }).toString(), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

/**
 * The body of a native Error, its `trace` read on first use: V8 formats a stack only when it is
 * read, and formatting (through source maps, under tsx or vitest) is most of what a throwing
 * handler costs a run, while a stream or queue mapping reads only `errorType`. The frames were
 * captured when the error was made, so the lines are the same whenever they are read.
 */
function nativeErrorBody(e: Error): ErrorBody {
  const body = { errorType: e.name, errorMessage: e.message } as {
    -readonly [K in keyof ErrorBody]: ErrorBody[K];
  };
  Object.defineProperty(body, 'trace', {
    enumerable: true,
    configurable: true,
    get(): readonly string[] {
      let stack: string | undefined;
      try {
        stack = e.stack;
      } catch {
        stack = undefined;
      }
      const trace = (stack ?? '').split('\n');
      Object.defineProperty(body, 'trace', {
        value: trace,
        enumerable: true,
        configurable: true,
        writable: true,
      });
      return trace;
    },
  });
  return body;
}

/** What the trace keeps of a wrapped error: its message and its causes, outermost first. */
export interface WrappedError {
  readonly message: string;
  /** `Type: message` of each cause (`error.cause`, then its cause, …), at most {@link CAUSES_MAX}. */
  readonly causes: readonly string[];
}

/** Causes kept of one wrapped error: enough for a chain of wrappers, bounded against cycles. */
const CAUSES_MAX = 5;
/** Characters kept of a message: its first line, then an ellipsis. */
const MESSAGE_CHARS_MAX = 160;

/**
 * The message and causes of a thrown value that wraps others (`new Error(m, { cause })`, an
 * `AggregateError`, a batch processor's error gathering its records' errors), for the timeline;
 * undefined for a value that wraps nothing.
 * Lambda's error body leaves the cause out (R-NODE-1), so a timeline that showed only
 * `errorType` would say `FullBatchFailureError` and hide why.
 *
 * @example
 * ```ts
 * wrappedError(new Error('all failed', { cause: new TypeError('bad amount') }));
 * // { message: 'all failed', causes: ['TypeError: bad amount'] }
 * ```
 */
export function wrappedError(value: unknown): WrappedError | undefined {
  if (innerOf(value) === undefined) return undefined;
  const causes: string[] = [];
  const seen = new Set<unknown>([value]);
  let at: unknown = value;
  while (causes.length < CAUSES_MAX) {
    const inner = innerOf(at);
    if (inner === undefined || seen.has(inner.error)) break;
    seen.add(inner.error);
    const body = serializeThrown(inner.error);
    const more = inner.others > 0 ? ` (and ${inner.others} more)` : '';
    causes.push(`${body.errorType}: ${firstLine(body.errorMessage)}${more}`);
    at = inner.error;
  }
  return { message: firstLine(serializeThrown(value).errorMessage), causes };
}

/**
 * What an error wraps: its `cause`, else the first of the errors it gathers — `errors` of an
 * `AggregateError`, `recordErrors` of Powertools' `FullBatchFailureError` (every record of a batch
 * failed) — with how many others there are.
 */
function innerOf(value: unknown): { error: unknown; others: number } | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as { cause?: unknown; errors?: unknown; recordErrors?: unknown };
  if (v.cause !== undefined) return { error: v.cause, others: 0 };
  for (const list of [v.errors, v.recordErrors])
    if (Array.isArray(list) && list.length > 0) return { error: list[0], others: list.length - 1 };
  return undefined;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > MESSAGE_CHARS_MAX ? `${line.slice(0, MESSAGE_CHARS_MAX - 1)}…` : line;
}

/** R-SYNC-6: the current timeout body; `timeoutS` is the configured timeout. */
export function timeoutBody(requestId: string, timeoutS: number): ErrorBody {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutS.toFixed(2)} seconds`,
  };
}

/** R-SYNC-3: the runtime process died (process.exit, OOM, kill). */
export function exitBody(requestId: string, exitCode: number | 'killed'): ErrorBody {
  const reason =
    exitCode === 'killed'
      ? 'Runtime exited with error: signal: killed'
      : exitCode === 0
        ? 'Runtime exited without providing a reason'
        : `Runtime exited with error: exit status ${exitCode}`;
  return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: ${reason}` };
}

/** R-SYNC-3 / OBS-RESP: the serialised response is larger than 6,291,556 bytes. */
export function responseTooLargeBody(limitBytes: number): ErrorBody {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size exceeded maximum allowed payload size (${limitBytes} bytes).`,
  };
}

/** RIC `NodeJsExit`: an async handler's promise never settled and the event loop emptied. */
export function nodeJsExitBody(): ErrorBody {
  return {
    errorType: 'Runtime.NodeJsExit',
    errorMessage:
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled.',
    trace: [],
  };
}

/** RIC `Errors.UnhandledPromiseRejection`: `new (reason)`, named on the prototype as the RIC does. */
class UnhandledPromiseRejection extends Error {}
UnhandledPromiseRejection.prototype.name = 'Runtime.UnhandledPromiseRejection';

/**
 * R-ENV-5 / RIC `index.mjs`: what the Node runtime posts for an unhandled rejection. The message
 * is the reason as a string (an Error reason reads `Error: boom`). The RIC's trace is the stack of
 * its own error (frames in `/var/runtime`); only its first line is kept, so that no simulator
 * path leaks into the body.
 */
export function unhandledRejectionBody(reason: unknown): ErrorBody {
  let error: Error;
  try {
    error = new UnhandledPromiseRejection(reason as string);
  } catch {
    // e.g. a Symbol or an object whose toString throws: Error() cannot convert it.
    error = new UnhandledPromiseRejection(Object.prototype.toString.call(reason));
  }
  const body = serializeThrown(error);
  return { ...body, trace: (body.trace ?? []).slice(0, 1) };
}

/** The factory resolved to something that is not a function. */
export function handlerNotFoundBody(functionName: string, got: unknown): ErrorBody {
  return {
    errorType: 'Runtime.HandlerNotFound',
    errorMessage: `${functionName}: the handler factory returned ${got === null ? 'null' : typeof got}, not a function.`,
    trace: [],
  };
}
