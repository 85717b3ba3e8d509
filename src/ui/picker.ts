/**
 * The searchable picker's logic as pure functions, with no terminal I/O: state, filtering,
 * key handling, rendering to lines, decoding of terminal input into keys, and the numbered-list
 * fallback used when stdin is not a terminal. `terminal_picker.ts` drives it.
 */

const NATURAL = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/**
 * The order of choices in a picker: natural (`Bulk 2` before `Bulk 10`), ignoring case and
 * accents; names equal that way are ordered by code units, so the order is total.
 */
export function naturalCompare(a: string, b: string): number {
  return NATURAL.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** One choice. */
export interface PickerItem<T> {
  /** What the list shows. */
  label: string;
  /** Text the filter searches (case-insensitive), e.g. "123456789012 Production". */
  searchText: string;
  /** Exact answer that picks this item in the numbered list (account id, role name). */
  key: string;
  value: T;
}

export interface PickerState<T> {
  items: readonly PickerItem<T>[];
  query: string;
  /** Indexes into `items` of the entries matching `query`, in item order. */
  matches: number[];
  /** Position in `matches` of the highlighted entry. */
  cursor: number;
  /** Position in `matches` of the first visible entry. */
  top: number;
  /** Entries shown at once. */
  pageSize: number;
  /** A one-line notice shown under the list (e.g. why Enter did nothing). */
  notice?: string;
}

/** A key press, decoded. */
export type PickerKey =
  | {
    name:
      | "up"
      | "down"
      | "pageup"
      | "pagedown"
      | "home"
      | "end"
      | "enter"
      | "escape"
      | "backspace"
      | "interrupt"
      | "clear";
  }
  | { name: "char"; char: string };

/** What a key press led to. */
export type PickerOutcome<T> =
  | { kind: "continue"; state: PickerState<T> }
  | { kind: "chosen"; value: T; item: PickerItem<T> }
  | { kind: "cancelled"; interrupted: boolean };

/** Indexes of the items whose search text contains every whitespace-separated term of `query`. */
export function filterItems<T>(items: readonly PickerItem<T>[], query: string): number[] {
  const terms = query.toLowerCase().split(/\s+/).filter((t) => t !== "");
  const result: number[] = [];
  items.forEach((item, i) => {
    const text = item.searchText.toLowerCase();
    if (terms.every((t) => text.includes(t))) result.push(i);
  });
  return result;
}

/** A fresh picker; `initial` is the index of the item to highlight first. */
export function createPicker<T>(
  items: readonly PickerItem<T>[],
  options: { pageSize?: number; initial?: number } = {},
): PickerState<T> {
  const state: PickerState<T> = {
    items,
    query: "",
    matches: items.map((_, i) => i),
    cursor: 0,
    top: 0,
    pageSize: Math.max(1, options.pageSize ?? 10),
  };
  if (options.initial !== undefined && options.initial >= 0 && options.initial < items.length) {
    state.cursor = options.initial;
  }
  return scrolled(state);
}

/** Keeps the cursor inside the visible window. */
function scrolled<T>(state: PickerState<T>): PickerState<T> {
  const count = state.matches.length;
  let { cursor, top } = state;
  cursor = count === 0 ? 0 : Math.min(Math.max(cursor, 0), count - 1);
  if (cursor < top) top = cursor;
  if (cursor >= top + state.pageSize) top = cursor - state.pageSize + 1;
  top = Math.max(0, Math.min(top, Math.max(0, count - state.pageSize)));
  return { ...state, cursor, top };
}

/** The state with a new query; the highlighted item stays highlighted when it still matches. */
export function withQuery<T>(state: PickerState<T>, query: string): PickerState<T> {
  const current = state.matches[state.cursor];
  const matches = filterItems(state.items, query);
  const kept = matches.indexOf(current);
  return scrolled({
    ...state,
    query,
    matches,
    cursor: kept >= 0 ? kept : 0,
    notice: undefined,
  });
}

/** Handles one key press. */
export function pickerKey<T>(state: PickerState<T>, key: PickerKey): PickerOutcome<T> {
  const count = state.matches.length;
  const move = (cursor: number): PickerOutcome<T> => ({
    kind: "continue",
    state: scrolled({ ...state, cursor, notice: undefined }),
  });
  switch (key.name) {
    case "up":
      return move(count === 0 ? 0 : (state.cursor - 1 + count) % count);
    case "down":
      return move(count === 0 ? 0 : (state.cursor + 1) % count);
    case "pageup":
      return move(Math.max(0, state.cursor - state.pageSize));
    case "pagedown":
      return move(Math.min(Math.max(0, count - 1), state.cursor + state.pageSize));
    case "home":
      return move(0);
    case "end":
      return move(count - 1);
    case "enter": {
      if (count === 0) {
        return {
          kind: "continue",
          state: { ...state, notice: `Nothing matches "${state.query}"; edit the filter.` },
        };
      }
      const item = state.items[state.matches[state.cursor]];
      return { kind: "chosen", value: item.value, item };
    }
    case "escape":
      return state.query !== ""
        ? { kind: "continue", state: withQuery(state, "") }
        : { kind: "cancelled", interrupted: false };
    case "interrupt":
      return { kind: "cancelled", interrupted: true };
    case "backspace":
      return { kind: "continue", state: withQuery(state, [...state.query].slice(0, -1).join("")) };
    case "clear":
      return { kind: "continue", state: withQuery(state, "") };
    case "char":
      return { kind: "continue", state: withQuery(state, state.query + key.char) };
  }
}

/** Cuts a line to `width` columns (by code point), marking the cut with "…". */
export function fitWidth(line: string, width: number): string {
  const chars = [...line];
  if (chars.length <= width) return line;
  return chars.slice(0, Math.max(0, width - 1)).join("") + "…";
}

/**
 * The picker as lines of plain text: the title with the filter, the visible page (the
 * highlighted entry marked with ">"), and a status line. Every line fits in `width`.
 */
export function renderPicker<T>(
  state: PickerState<T>,
  options: { title: string; width?: number },
): string[] {
  const width = Math.max(20, options.width ?? 80);
  const lines = [`${options.title} (type to filter): ${state.query}`];
  const visible = state.matches.slice(state.top, state.top + state.pageSize);
  visible.forEach((index, i) => {
    const marker = state.top + i === state.cursor ? ">" : " ";
    lines.push(`${marker} ${state.items[index].label}`);
  });
  if (state.matches.length === 0) lines.push(`  (nothing matches "${state.query}")`);
  const range = state.matches.length === 0
    ? "0"
    : `${state.top + 1}-${state.top + visible.length} of ${state.matches.length}`;
  const filtered = state.matches.length === state.items.length
    ? ""
    : ` (filtered from ${state.items.length})`;
  lines.push(
    state.notice ?? `  ${range}${filtered}; ↑/↓ move, PgUp/PgDn page, Enter choose, Esc cancel`,
  );
  return lines.map((line) => fitWidth(line, width));
}

/** Decodes raw terminal input (as read in raw mode) into key presses. */
export function decodeKeys(input: string): PickerKey[] {
  const keys: PickerKey[] = [];
  const sequences: [string, PickerKey][] = [
    ["\x1b[A", { name: "up" }],
    ["\x1bOA", { name: "up" }],
    ["\x1b[B", { name: "down" }],
    ["\x1bOB", { name: "down" }],
    ["\x1b[5~", { name: "pageup" }],
    ["\x1b[6~", { name: "pagedown" }],
    ["\x1b[H", { name: "home" }],
    ["\x1bOH", { name: "home" }],
    ["\x1b[1~", { name: "home" }],
    ["\x1b[F", { name: "end" }],
    ["\x1bOF", { name: "end" }],
    ["\x1b[4~", { name: "end" }],
  ];
  let i = 0;
  outer: while (i < input.length) {
    for (const [sequence, key] of sequences) {
      if (input.startsWith(sequence, i)) {
        keys.push(key);
        i += sequence.length;
        continue outer;
      }
    }
    const ch = input[i];
    if (ch === "\x1b") {
      // Another escape sequence (CSI ... final byte) is skipped; a lone ESC is Escape.
      // deno-lint-ignore no-control-regex
      const csi = /^\x1b[[O][\d;]*[A-Za-z~]/.exec(input.slice(i));
      if (csi) {
        i += csi[0].length;
        continue;
      }
      keys.push({ name: "escape" });
      i++;
      continue;
    }
    i++;
    if (ch === "\r" || ch === "\n") keys.push({ name: "enter" });
    else if (ch === "\x03" || ch === "\x04") keys.push({ name: "interrupt" });
    else if (ch === "\x7f" || ch === "\b") keys.push({ name: "backspace" });
    else if (ch === "\x15") keys.push({ name: "clear" });
    else if (ch === "\x10") keys.push({ name: "up" }); // Ctrl-P
    else if (ch === "\x0e") keys.push({ name: "down" }); // Ctrl-N
    else if (ch >= " ") {
      const code = input.codePointAt(i - 1)!;
      const char = String.fromCodePoint(code);
      i += char.length - 1;
      keys.push({ name: "char", char });
    }
  }
  return keys;
}

/** The numbered list shown when stdin is not a terminal: "  1) label" per matching item. */
export function numberedList<T>(state: PickerState<T>): string[] {
  const digits = String(state.matches.length).length;
  return state.matches.map((index, i) =>
    `  ${String(i + 1).padStart(digits)}) ${state.items[index].label}`
  );
}

/** What a line typed at the numbered list means. */
export type ListAnswer<T> =
  | { kind: "chosen"; value: T; item: PickerItem<T> }
  | { kind: "filtered"; state: PickerState<T> }
  | { kind: "invalid"; message: string };

/**
 * Interprets one answer to the numbered list: a number picks that entry of the current list;
 * text equal to an item's key picks it; other text filters the whole list (a filter matching
 * exactly one item picks it).
 */
export function listAnswer<T>(state: PickerState<T>, answer: string): ListAnswer<T> {
  const text = answer.trim();
  const count = state.matches.length;
  if (text === "") {
    return {
      kind: "invalid",
      message: `Enter a number from 1 to ${count}, or text to filter the list.`,
    };
  }
  const exact = state.items.filter((item) => item.key.toLowerCase() === text.toLowerCase());
  if (exact.length === 1) return { kind: "chosen", value: exact[0].value, item: exact[0] };
  // A short number is a position in the list; a long one (part of an account id) filters.
  if (/^\d{1,3}$/.test(text)) {
    const n = Number(text);
    if (n < 1 || n > count) {
      return { kind: "invalid", message: `Enter a number from 1 to ${count}.` };
    }
    const item = state.items[state.matches[n - 1]];
    return { kind: "chosen", value: item.value, item };
  }
  const filtered = withQuery(state, text);
  if (filtered.matches.length === 0) {
    return { kind: "invalid", message: `Nothing matches "${text}".` };
  }
  if (filtered.matches.length === 1) {
    const item = state.items[filtered.matches[0]];
    return { kind: "chosen", value: item.value, item };
  }
  return { kind: "filtered", state: filtered };
}
