/** Parsing JSON text that must hold one object (cache files, API responses). */

/** The object `text` holds; undefined when it is not JSON or not an object (array, null, …). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}
