import { syncBuiltinESMExports } from 'node:module';

/** A property that holds one of lambdasim's virtual globals, e.g. `Math.random`. */
export interface GlobalSlot {
  readonly owner: object;
  readonly key: string;
  /** How a user names it: `Math.random`, `node:timers setTimeout`. */
  readonly name: string;
}

/**
 * Keeps the virtual globals in place for one run. Globals are shared by every environment, every
 * simulation and the test runner, so code that assigns one (`Math.random = …`, `globalThis.Date =
 * …`) would change them all, for good. {@link GlobalsGuard.capture} notes what each slot holds
 * when the run starts; {@link GlobalsGuard.restore} puts back whatever was replaced since and
 * names it. An identity check per slot: cheap enough to run at the end of every invocation.
 */
export class GlobalsGuard {
  private readonly values: unknown[];
  private capturedInPlace = false;

  /**
   * @param slots where the virtual globals live.
   * @param inPlace true when every slot holds lambdasim's own version (an unrolled identity check;
   * the fast path when nothing was stubbed before the run and nothing replaced since).
   */
  constructor(
    private readonly slots: readonly GlobalSlot[],
    private readonly inPlace: () => boolean,
  ) {
    this.values = new Array<unknown>(slots.length);
  }

  /** Notes the slots' current values as the ones to keep (at the start of a run). */
  capture(): void {
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      this.values[i] = Reflect.get(slot.owner, slot.key);
    }
    this.capturedInPlace = this.inPlace();
  }

  /** Restores every slot replaced since {@link capture}; returns their names, or undefined if none. */
  restore(): string[] | undefined {
    if (this.capturedInPlace && this.inPlace()) return undefined;
    let replaced: string[] | undefined;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      if (Reflect.get(slot.owner, slot.key) === this.values[i]) continue;
      put(slot, this.values[i]);
      (replaced ??= []).push(slot.name);
    }
    // `import { setTimeout } from 'node:timers'` bindings follow the module objects.
    if (replaced !== undefined) syncBuiltinESMExports();
    return replaced;
  }
}

/** Assigns back; a slot redefined as an accessor or read-only is redefined as a plain property. */
function put(slot: GlobalSlot, value: unknown): void {
  if (Reflect.set(slot.owner, slot.key, value) && Reflect.get(slot.owner, slot.key) === value) return;
  const enumerable = Object.getOwnPropertyDescriptor(slot.owner, slot.key)?.enumerable ?? true;
  Reflect.defineProperty(slot.owner, slot.key, { value, writable: true, enumerable, configurable: true });
}
