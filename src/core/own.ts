/**
 * Names are data. A tool, parameter, server, template or rule may be called `constructor`,
 * `toString`, `hasOwnProperty` or `__proto__`: an object keyed by such names is built with `dict()`
 * (no prototype, so `__proto__` is an ordinary key and nothing is inherited) and read with `has` and
 * `own` (own properties only), whoever built it. `name in obj` and `obj[name]` on a plain object see
 * `Object.prototype`; `obj[name] = v` on one drops `__proto__` (it sets the prototype instead).
 */

/** An empty object without a prototype: every key, `__proto__` included, is an own data property. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A null-prototype copy of `entries` (a later duplicate key wins, as in `Object.fromEntries`). */
export function dictFrom<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out = dict<T>();
  for (const [key, value] of entries) out[key] = value;
  return out;
}

/** Whether `key` is an own property of `record` (never one inherited from `Object.prototype`). */
export function has(record: object | null | undefined, key: string): boolean {
  return record !== null && record !== undefined && Object.hasOwn(record, key);
}

/** `record[key]` when `key` is an own property of `record`, else undefined. */
export function own<T>(record: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return record !== null && record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets `record[key]` as an own data property, also when `record` has a prototype and `key` is `__proto__`. */
export function put<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}
