/**
 * Minimal assertions for the tests (JSR's @std/assert is not reachable here), with the same
 * names and argument order as @std/assert so the tests read the same.
 *
 * `assertEquals` compares deeply: object key order does not matter, an own property whose value
 * is `undefined` counts as absent (as in @std/assert), and Maps, Sets, Dates, RegExps, typed
 * arrays and Errors compare by content.
 */
export class AssertionError extends Error {
  override name = "AssertionError";
}

type Constructor<E> = abstract new (...args: never[]) => E;

function show(value: unknown): string {
  return Deno.inspect(value, { depth: 20, sorted: true, strAbbreviateSize: 10_000, colors: false });
}

function prefix(message: string | undefined): string {
  return message ? `${message}: ` : "";
}

/** Deep equality as described above. */
export function equal(a: unknown, b: unknown): boolean {
  const seen = new Map<object, object>();
  const eq = (x: unknown, y: unknown): boolean => {
    if (Object.is(x, y)) return true;
    if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
    if (seen.get(x) === y) return true;
    seen.set(x, y);
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (x instanceof Date || y instanceof Date) {
      return x instanceof Date && y instanceof Date && Object.is(x.getTime(), y.getTime());
    }
    if (x instanceof RegExp || y instanceof RegExp) return String(x) === String(y);
    if (ArrayBuffer.isView(x) || ArrayBuffer.isView(y) || x instanceof ArrayBuffer) {
      const bytes = (v: object) =>
        ArrayBuffer.isView(v)
          ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
          : new Uint8Array(v as ArrayBuffer);
      if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return false;
      const [bx, by] = [bytes(x), bytes(y)];
      return bx.length === by.length && bx.every((v, i) => v === by[i]);
    }
    if (x instanceof Map || y instanceof Map) {
      if (!(x instanceof Map && y instanceof Map) || x.size !== y.size) return false;
      for (const [k, v] of x) {
        if (y.has(k)) {
          if (!eq(v, y.get(k))) return false;
        } else if (![...y].some(([k2, v2]) => eq(k, k2) && eq(v, v2))) {
          return false;
        }
      }
      return true;
    }
    if (x instanceof Set || y instanceof Set) {
      if (!(x instanceof Set && y instanceof Set) || x.size !== y.size) return false;
      for (const v of x) if (!y.has(v) && ![...y].some((v2) => eq(v, v2))) return false;
      return true;
    }
    if (x instanceof Error && y instanceof Error) {
      if (x.name !== y.name || x.message !== y.message) return false;
    }
    const keys = (o: object) =>
      Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined);
    const [kx, ky] = [keys(x), keys(y)];
    if (kx.length !== ky.length) return false;
    const rx = x as Record<string, unknown>;
    const ry = y as Record<string, unknown>;
    return kx.every((k) => Object.hasOwn(ry, k) && eq(rx[k], ry[k]));
  };
  return eq(a, b);
}

/** Where two strings first differ, for messages. */
function stringDiff(actual: string, expected: string): string {
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const from = Math.max(0, i - 20);
  return `\nfirst difference at index ${i}:\n  actual:   …${
    JSON.stringify(actual.slice(from, i + 30))
  }\n  expected: …${JSON.stringify(expected.slice(from, i + 30))}`;
}

export function fail(message: string): never {
  throw new AssertionError(message);
}

export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function assertEquals(actual: unknown, expected: unknown, message?: string): void {
  if (equal(actual, expected)) return;
  const diff = typeof actual === "string" && typeof expected === "string"
    ? stringDiff(actual, expected)
    : "";
  throw new AssertionError(
    `${prefix(message)}values are not equal\nactual:   ${show(actual)}\nexpected: ${
      show(expected)
    }${diff}`,
  );
}

export function assertNotEquals(actual: unknown, expected: unknown, message?: string): void {
  if (!equal(actual, expected)) return;
  throw new AssertionError(`${prefix(message)}expected a value other than ${show(expected)}`);
}

/** `Object.is` equality (same reference for objects). */
export function assertStrictEquals(actual: unknown, expected: unknown, message?: string): void {
  if (Object.is(actual, expected)) return;
  throw new AssertionError(
    `${prefix(message)}values are not strictly equal\nactual:   ${show(actual)}\nexpected: ${
      show(expected)
    }`,
  );
}

export function assertMatch(actual: string, pattern: RegExp, message?: string): void {
  if (typeof actual !== "string" || !pattern.test(actual)) {
    throw new AssertionError(`${prefix(message)}${show(actual)} does not match ${pattern}`);
  }
}

export function assertNotMatch(actual: string, pattern: RegExp, message?: string): void {
  if (typeof actual !== "string" || pattern.test(actual)) {
    throw new AssertionError(`${prefix(message)}${show(actual)} should not match ${pattern}`);
  }
}

export function assertStringIncludes(actual: string, expected: string, message?: string): void {
  if (typeof actual !== "string" || !actual.includes(expected)) {
    throw new AssertionError(
      `${prefix(message)}${show(actual)} does not include ${show(expected)}`,
    );
  }
}

function checkError<E>(
  error: unknown,
  ErrorClass: Constructor<E> | undefined,
  msgIncludes: string | undefined,
  message: string | undefined,
): void {
  if (ErrorClass && !(error instanceof ErrorClass)) {
    throw new AssertionError(
      `${prefix(message)}expected ${ErrorClass.name}, got ${
        error instanceof Error ? `${error.name}: ${error.message}` : show(error)
      }`,
    );
  }
  if (msgIncludes !== undefined) {
    const text = error instanceof Error ? error.message : String(error);
    if (!text.includes(msgIncludes)) {
      throw new AssertionError(
        `${prefix(message)}error message ${show(text)} does not include ${show(msgIncludes)}`,
      );
    }
  }
}

/** Asserts that `fn` throws; returns what it threw. */
export function assertThrows(fn: () => unknown, message?: string): unknown;
export function assertThrows<E>(
  fn: () => unknown,
  ErrorClass: Constructor<E>,
  msgIncludes?: string,
  message?: string,
): E;
export function assertThrows<E>(
  fn: () => unknown,
  classOrMessage?: Constructor<E> | string,
  msgIncludes?: string,
  message?: string,
): unknown {
  const ErrorClass = typeof classOrMessage === "function" ? classOrMessage : undefined;
  if (typeof classOrMessage === "string") message = classOrMessage;
  try {
    fn();
  } catch (error) {
    checkError(error, ErrorClass, msgIncludes, message);
    return error;
  }
  throw new AssertionError(`${prefix(message)}expected the function to throw`);
}

/** Asserts that the promise (or the promise `fn` returns) rejects; returns the reason. */
export function assertRejects(
  fn: (() => PromiseLike<unknown>) | PromiseLike<unknown>,
  message?: string,
): Promise<unknown>;
export function assertRejects<E>(
  fn: (() => PromiseLike<unknown>) | PromiseLike<unknown>,
  ErrorClass: Constructor<E>,
  msgIncludes?: string,
  message?: string,
): Promise<E>;
export async function assertRejects<E>(
  fn: (() => PromiseLike<unknown>) | PromiseLike<unknown>,
  classOrMessage?: Constructor<E> | string,
  msgIncludes?: string,
  message?: string,
): Promise<unknown> {
  const ErrorClass = typeof classOrMessage === "function" ? classOrMessage : undefined;
  if (typeof classOrMessage === "string") message = classOrMessage;
  let promise: PromiseLike<unknown>;
  try {
    promise = typeof fn === "function" ? fn() : fn;
  } catch (error) {
    throw new AssertionError(
      `${prefix(message)}the function threw synchronously instead of rejecting: ${show(error)}`,
    );
  }
  if (!promise || typeof promise.then !== "function") {
    throw new AssertionError(`${prefix(message)}the function did not return a promise`);
  }
  try {
    await promise;
  } catch (error) {
    checkError(error, ErrorClass, msgIncludes, message);
    return error;
  }
  throw new AssertionError(`${prefix(message)}expected the promise to reject`);
}
