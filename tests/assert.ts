/** Minimal assertions (JSR's @std/assert is not reachable here). */
export class AssertionError extends Error {
  override name = "AssertionError";
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v instanceof Map ? { __map: [...v.entries()] } : v instanceof Set ? { __set: [...v] } : v);
}

export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function assertEquals(actual: unknown, expected: unknown, message?: string): void {
  if (canonical(actual) !== canonical(expected)) {
    throw new AssertionError(
      `${message ? `${message}: ` : ""}values differ\nactual:   ${canonical(actual)}\nexpected: ${canonical(expected)}`,
    );
  }
}

export function assertMatch(actual: string, pattern: RegExp, message?: string): void {
  if (!pattern.test(actual)) {
    throw new AssertionError(`${message ? `${message}: ` : ""}${JSON.stringify(actual)} does not match ${pattern}`);
  }
}
