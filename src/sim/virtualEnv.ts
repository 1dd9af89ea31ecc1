import { inspect } from 'node:util';
import { currentScope } from './VirtualScope.js';

/**
 * `process.env` as lambdasim installs it: a proxy over the process's own environment that, inside
 * a {@link VirtualScope} with an environment of its own (a simulated Lambda runtime process),
 * reads and writes that scope's variables instead. So a handler's `process.env.X = …` (including
 * `TZ`) is seen by its own process only, not by other environments, other simulations or the test
 * runner; outside any scope everything goes to the real environment, with Node's own behaviour
 * (a `TZ` write there still changes the process time zone).
 *
 * Inside a scope the semantics are Node's: values are stored as strings (`env.N = 1` reads `'1'`,
 * a Symbol value throws), `delete`, `in`, `Object.keys` and spreading see the scope's variables,
 * and `Object.defineProperty` accepts only a configurable, writable, enumerable data descriptor.
 * Symbol keys always go to the real object (Node rejects them there).
 *
 * The proxy's target is an empty stand-in, not the real object: with the real one V8 would query
 * Node's environment again after every trap to check proxy invariants (a read would cost about
 * four times a plain `process.env.X`). The stand-in has the real object's prototype and an
 * `util.inspect` hook, so `console.log(process.env)` prints the variables the caller sees.
 */
export function makeVirtualEnv(realEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const scopeEnv = (key: string | symbol): Record<string, string> | undefined =>
    typeof key === 'string' ? currentScope()?.env() : undefined;
  const standIn = Object.create(Object.getPrototypeOf(realEnv) as object) as NodeJS.ProcessEnv;
  // Node's inspect formats a proxy's target, calling its custom hook with the proxy as `this`.
  Object.defineProperty(standIn, inspect.custom, {
    configurable: true,
    value(this: NodeJS.ProcessEnv, _depth: number, options: object) {
      return inspect({ ...this }, options);
    },
  });
  return new Proxy(standIn, {
    get(_target, key) {
      const vars = scopeEnv(key);
      return vars === undefined ? Reflect.get(realEnv, key) : vars[key as string];
    },
    set(_target, key, value) {
      const vars = scopeEnv(key);
      if (vars === undefined) return Reflect.set(realEnv, key, value);
      store(vars, key as string, value);
      return true;
    },
    has(_target, key) {
      const vars = scopeEnv(key);
      return vars === undefined ? Reflect.has(realEnv, key) : key in vars;
    },
    deleteProperty(_target, key) {
      const vars = scopeEnv(key);
      if (vars === undefined) return Reflect.deleteProperty(realEnv, key);
      delete vars[key as string];
      return true;
    },
    ownKeys() {
      const vars = currentScope()?.env();
      return Reflect.ownKeys(vars ?? realEnv);
    },
    getOwnPropertyDescriptor(_target, key) {
      const vars = scopeEnv(key);
      return Reflect.getOwnPropertyDescriptor(vars ?? realEnv, key);
    },
    defineProperty(_target, key, descriptor) {
      const vars = scopeEnv(key);
      if (vars === undefined) return Reflect.defineProperty(realEnv, key, descriptor);
      if (descriptor.get !== undefined || descriptor.set !== undefined)
        throw invalidDefine("'process.env' does not accept an accessor(getter/setter) descriptor");
      if (!descriptor.configurable || !descriptor.writable || !descriptor.enumerable)
        throw invalidDefine(
          "'process.env' only accepts a configurable, writable, and enumerable data descriptor",
        );
      store(vars, key as string, descriptor.value);
      return true;
    },
  });
}

/** Stores `value` as Node does: as a string; a Symbol throws its TypeError. */
function store(vars: Record<string, string>, key: string, value: unknown): void {
  // Defined, not assigned, so that a key such as `__proto__` is a plain variable.
  Object.defineProperty(vars, key, {
    value: `${value as string}`,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

function invalidDefine(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_OBJECT_DEFINE_PROPERTY' });
}
