/** How on/off values are read, in one place. */

/** A config-file boolean as botocore reads it: `true` in any case, blanks ignored. */
export function isTrueSetting(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === "true";
}

/** An on/off environment variable of this tool: `1` or `true` (any case, blanks ignored). */
export function isEnvFlagOn(value: string | undefined): boolean {
  return ["1", "true"].includes((value ?? "").trim().toLowerCase());
}
