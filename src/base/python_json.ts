/** JSON laid out exactly as Python's `json.dumps` lays it out (the AWS CLI's cache files and keys). */

/**
 * `json.dumps(value)` with `ensure_ascii` (non-ASCII as `\uXXXX`); `compact` selects the
 * `(",", ":")` separators instead of the default `(", ", ": ")`; `sortKeys` sorts by code point.
 * Object members whose value is `undefined` are left out, as `JSON.stringify` does.
 */
export function pythonJsonDumps(
  value: unknown,
  options: { compact?: boolean; sortKeys?: boolean } = {},
): string {
  const [itemSep, keySep] = options.compact ? [",", ":"] : [", ", ": "];
  const encode = (v: unknown): string => {
    if (v === null || v === undefined) return "null";
    if (typeof v === "string") return pythonString(v);
    if (typeof v === "number" || typeof v === "boolean") return JSON.stringify(v);
    if (Array.isArray(v)) return `[${v.map(encode).join(itemSep)}]`;
    if (typeof v !== "object") throw new TypeError(`cannot encode ${typeof v} as JSON`);
    const obj = v as Record<string, unknown>;
    let keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
    if (options.sortKeys) keys = keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${pythonString(k)}${keySep}${encode(obj[k])}`).join(itemSep)}}`;
  };
  return encode(value);
}

function pythonString(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
