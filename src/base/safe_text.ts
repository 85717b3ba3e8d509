/**
 * User input (flags, env vars, config values, paths, server text) shown in an error sentence or
 * a log line goes through `safeEcho`: at most `MAX_ECHO_CHARS` characters, cut with "…", and with
 * control characters escaped, so no raw newline, ANSI escape, NUL or bidi override reaches the
 * terminal and a message stays one line however hostile the input.
 */

/** The longest echo of one value, in characters (an escape such as `\x1B` counts fully). */
export const MAX_ECHO_CHARS = 100;

/**
 * C0 and C1 controls, DEL, the line/paragraph separators, and the Unicode direction
 * overrides/isolates that can reorder what a terminal shows.
 */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_GLOBAL = new RegExp(UNSAFE.source, "g");

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0" };

/** The escape shown for one unsafe character: `\n`, `\x1B`, `\u202E`. */
function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).toUpperCase().padStart(2, "0")}`
    : `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Escapes control characters only (no length limit): the last guard on a whole message. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE_GLOBAL, escapeChar);
}

/**
 * A user-given value as it may appear in a message: control characters escaped and cut to
 * `max` characters (default 100) with "…" when longer. Never splits an escape or a surrogate pair.
 */
export function safeEcho(value: unknown, max = MAX_ECHO_CHARS): string {
  const text = typeof value === "string" ? value : String(value);
  if (text.length <= max && !UNSAFE.test(text)) return text;
  let out = "";
  let length = 0;
  for (const c of text) { // code points
    const piece = UNSAFE.test(c) ? escapeChar(c) : c;
    if (length + piece.length > max) return `${out}…`;
    out += piece;
    length += piece.length;
  }
  return out;
}

/** A file path as echoed in a message: escaped, and cut only when absurdly long. */
export function shownPath(path: string): string {
  return safeEcho(path, 200);
}

/** `text` with any `user:password@` of URLs in it replaced, for logs and messages. */
export function withoutUrlCredentials(text: string): string {
  // Up to the last "@" before the path, as URL parsers read it (`https://u:p@ss@host/`).
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi, "$1<credentials removed>@");
}

/** The longest message said on stderr (a list of names may be long; nothing is 120 KB). */
export const MAX_MESSAGE_CHARS = 4000;
/** The longest unbroken run of characters in a message: a URL, path or name echoed whole. */
const MAX_WORD_CHARS = 300;

/**
 * A whole sentence as it may reach a terminal or a log: the last guard behind `safeEcho` for any
 * value a message builder forgot to cut. A URL's `user:password@` is removed, control characters
 * are escaped, any run of more than 300 non-blank characters is cut with "…", and so is the
 * whole sentence past MAX_MESSAGE_CHARS.
 */
export function shownMessage(text: string): string {
  const shown = escapeControl(withoutUrlCredentials(text))
    .replace(/\S{301,}/g, (word) => safeEcho(word, MAX_WORD_CHARS));
  return shown.length <= MAX_MESSAGE_CHARS ? shown : safeEcho(shown, MAX_MESSAGE_CHARS);
}

/** True for a token that can be sent in an HTTP header as it is: visible ASCII only. */
export function isHeaderSafe(token: string): boolean {
  return /^[\x21-\x7e]+$/.test(token);
}
