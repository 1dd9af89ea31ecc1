/**
 * `Omit` applied to each member of a union on its own, so a discriminated union stays one: for
 * `{ kind: 'a'; x: number } | { kind: 'b'; y: string }`, `Omit<U, 'x'>` keeps only the keys the
 * members share (`kind`), while `DistributiveOmit<U, 'x'>` is `{ kind: 'a' } | { kind: 'b'; y: string }`.
 *
 * @example
 * ```ts
 * type Fact = DistributiveOmit<TraceEvent, 'atMs'>; // a trace event before the kernel stamps it
 * ```
 */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
