/**
 * The thin terminal loop around `picker.ts`: on a terminal, raw mode on stdin and an ANSI-drawn
 * list on stderr, the terminal restored however the picker ends; otherwise a numbered list on
 * stderr answered by lines on stdin (a number, an exact id/name, or text to filter).
 */
import { CancelledError } from "../base/errors.ts";
import { writeText } from "../base/output.ts";
import {
  createPicker,
  decodeKeys,
  listAnswer,
  numberedList,
  type PickerItem,
  pickerKey,
  type PickerState,
  renderPicker,
} from "./picker.ts";
import type { PromptIO } from "./prompt.ts";

export interface PickOptions {
  /** E.g. "Choose an account". */
  title: string;
  /** Index of the item highlighted first. */
  initial?: number;
  io: PromptIO;
  /** Use the raw-mode picker (stdin and stderr are terminals). */
  terminal: boolean;
}

/** Lets the user pick one of `items` (which must not be empty). */
export async function pick<T>(items: readonly PickerItem<T>[], options: PickOptions): Promise<T> {
  if (items.length === 0) throw new Error("pick() needs at least one item");
  return options.terminal
    ? await pickOnTerminal(items, options)
    : await pickFromList(items, options);
}

async function pickFromList<T>(items: readonly PickerItem<T>[], options: PickOptions): Promise<T> {
  const { io } = options;
  let state: PickerState<T> = createPicker(items, { initial: options.initial });
  let showList = true;
  while (true) {
    if (showList) await io.write(`${numberedList(state).join("\n")}\n`);
    await io.write(`${options.title} (number, or text to filter): `);
    const line = await io.lines.readLine();
    if (!io.echoes) await io.write(line === null ? "\n" : `${line.trim()}\n`);
    if (line === null) {
      throw new CancelledError(`Input ended before a choice was made for "${options.title}".`);
    }
    const answer = listAnswer(state, line);
    if (answer.kind === "chosen") return answer.value;
    if (answer.kind === "filtered") {
      state = answer.state;
      showList = true;
    } else {
      await io.write(`${answer.message}\n`);
      showList = false;
    }
  }
}

const ESC = "\x1b";

async function pickOnTerminal<T>(
  items: readonly PickerItem<T>[],
  options: PickOptions,
): Promise<T> {
  const size = consoleSize();
  let state = createPicker(items, {
    initial: options.initial,
    pageSize: Math.max(3, Math.min(15, size.rows - 4)),
  });
  let drawn = 0;
  const draw = async () => {
    const lines = renderPicker(state, { title: options.title, width: size.columns - 1 });
    const highlighted = lines.map((line) =>
      line.startsWith("> ") ? `${ESC}[7m${line}${ESC}[0m` : line
    );
    const up = drawn > 1 ? `${ESC}[${drawn - 1}A` : "";
    await writeText(Deno.stderr, `${up}\r${ESC}[J${highlighted.join("\r\n")}`);
    drawn = lines.length;
  };
  const erase = async () => {
    const up = drawn > 1 ? `${ESC}[${drawn - 1}A` : "";
    await writeText(Deno.stderr, `${up}\r${ESC}[J${ESC}[?25h`);
    drawn = 0;
  };

  Deno.stdin.setRaw(true);
  try {
    await writeText(Deno.stderr, `${ESC}[?25l`);
    await draw();
    const buffer = new Uint8Array(1024);
    const decoder = new TextDecoder();
    while (true) {
      const n = await Deno.stdin.read(buffer);
      if (n === null) throw new CancelledError();
      for (const key of decodeKeys(decoder.decode(buffer.subarray(0, n), { stream: true }))) {
        const outcome = pickerKey(state, key);
        if (outcome.kind === "chosen") return outcome.value;
        if (outcome.kind === "cancelled") throw new CancelledError();
        state = outcome.state;
      }
      await draw();
    }
  } finally {
    await erase().catch(() => {});
    Deno.stdin.setRaw(false);
  }
}

function consoleSize(): { columns: number; rows: number } {
  try {
    const { columns, rows } = Deno.consoleSize();
    return { columns: columns > 0 ? columns : 80, rows: rows > 0 ? rows : 24 };
  } catch {
    return { columns: 80, rows: 24 };
  }
}
