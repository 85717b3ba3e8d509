/**
 * Quoting words for a shell, in one place: the `credential_process` line `configure` writes (split
 * by botocore's and the SDKs' shell rules), the README's `deno run` lines and the completion
 * scripts.
 *
 * @module
 */

/** Words made of these characters need no quotes in a POSIX shell. */
const POSIX_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** On Windows, backslashes (path separators) need none either. */
const WINDOWS_SAFE = /^[A-Za-z0-9_@%+=:,./\\-]+$/;

/**
 * Quotes `arg` for the shell of `os` when it holds anything but safe characters: single quotes
 * on POSIX systems, double quotes on Windows (where `credential_process` is split by the
 * Windows command-line rules).
 */
export function shellQuote(arg: string, os: string = "linux"): string {
  if (os === "windows") return WINDOWS_SAFE.test(arg) ? arg : `"${arg.replaceAll('"', '\\"')}"`;
  return POSIX_SAFE.test(arg) ? arg : singleQuote(arg);
}

/** Always single-quotes `text` for a POSIX shell (or fish), escaping its single quotes. */
export function singleQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * Single-quotes `text` for fish, where a backslash inside single quotes escapes a quote or
 * another backslash (so both are escaped; POSIX quoting would break on a trailing backslash).
 */
export function fishQuote(text: string): string {
  return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

/**
 * Double-quotes `text` for PowerShell: the backtick escapes `$`, the backtick itself and every
 * character PowerShell reads as a double quote (including the typographic ones).
 */
export function powershellDoubleQuote(text: string): string {
  return `"${text.replace(/[`$"\u201C\u201D\u201E]/g, "`$&")}"`;
}
