/** The picker's logic as pure functions: filtering, navigation, rendering, keys, list fallback. */
import {
  createPicker,
  decodeKeys,
  filterItems,
  fitWidth,
  listAnswer,
  naturalCompare,
  numberedList,
  type PickerItem,
  type PickerKey,
  pickerKey,
  type PickerState,
  renderPicker,
} from "../../src/ui/picker.ts";
import { LineReader } from "../../src/ui/line_reader.ts";
import { type PromptIO, promptLine } from "../../src/ui/prompt.ts";
import { assert, assertEquals, assertRejects } from "../assert.ts";

const ACCOUNTS: PickerItem<string>[] = [
  ["111111111111", "Production"],
  ["222222222222", "Staging"],
  ["333333333333", "Dev sandbox"],
  ["444444444444", "Prod Analytics"],
  ["555555555555", "Security"],
].map(([id, name]) => ({
  label: `${id}  ${name}`,
  searchText: `${id} ${name}`,
  key: id,
  value: id,
}));

function press<T>(state: PickerState<T>, ...keys: PickerKey[]): PickerState<T> {
  for (const key of keys) {
    const outcome = pickerKey(state, key);
    if (outcome.kind !== "continue") throw new Error(`picker ended with ${outcome.kind}`);
    state = outcome.state;
  }
  return state;
}

function type<T>(state: PickerState<T>, text: string): PickerState<T> {
  return press(state, ...[...text].map((char): PickerKey => ({ name: "char", char })));
}

function highlighted<T>(state: PickerState<T>): T {
  return state.items[state.matches[state.cursor]].value;
}

Deno.test("filterItems matches every term case-insensitively over id and name", () => {
  assertEquals(filterItems(ACCOUNTS, "prod"), [0, 3]);
  assertEquals(filterItems(ACCOUNTS, "PROD analytics"), [3]);
  assertEquals(filterItems(ACCOUNTS, "2222"), [1]);
  assertEquals(filterItems(ACCOUNTS, "  "), [0, 1, 2, 3, 4]);
  assertEquals(filterItems(ACCOUNTS, "nothing"), []);
});

Deno.test("picker moves down and up with wrap-around at both ends", () => {
  let state = createPicker(ACCOUNTS);
  assertEquals(highlighted(state), "111111111111");
  state = press(state, { name: "up" });
  assertEquals(highlighted(state), "555555555555");
  state = press(state, { name: "down" });
  assertEquals(highlighted(state), "111111111111");
  state = press(state, { name: "down" }, { name: "down" });
  assertEquals(highlighted(state), "333333333333");
});

Deno.test("picker pages and scrolls its window to keep the cursor visible", () => {
  let state = createPicker(ACCOUNTS, { pageSize: 2 });
  state = press(state, { name: "pagedown" });
  assertEquals([state.cursor, state.top], [2, 1]);
  state = press(state, { name: "pagedown" }, { name: "pagedown" });
  assertEquals([state.cursor, state.top], [4, 3]);
  state = press(state, { name: "pageup" });
  assertEquals([state.cursor, state.top], [2, 2]);
  state = press(state, { name: "home" });
  assertEquals([state.cursor, state.top], [0, 0]);
  state = press(state, { name: "end" });
  assertEquals([state.cursor, state.top], [4, 3]);
  state = press(state, { name: "down" }); // wraps to the top, window follows
  assertEquals([state.cursor, state.top], [0, 0]);
});

Deno.test("picker typing filters, backspace widens, and enter picks the highlighted match", () => {
  let state = type(createPicker(ACCOUNTS), "prod");
  assertEquals(state.matches, [0, 3]);
  state = press(state, { name: "down" });
  assertEquals(highlighted(state), "444444444444");
  state = press(state, { name: "backspace" }, { name: "backspace" }, { name: "backspace" });
  assertEquals(state.query, "p");
  assertEquals(highlighted(state), "444444444444", "the highlighted entry stays highlighted");
  const outcome = pickerKey(state, { name: "enter" });
  assertEquals(outcome.kind, "chosen");
  assert(outcome.kind === "chosen");
  assertEquals(outcome.value, "444444444444");
});

Deno.test("picker enter on an empty match list does nothing but explain", () => {
  const state = type(createPicker(ACCOUNTS), "zzz");
  assertEquals(state.matches, []);
  const outcome = pickerKey(state, { name: "enter" });
  assertEquals(outcome.kind, "continue");
  assert(outcome.kind === "continue");
  assertEquals(outcome.state.notice, 'Nothing matches "zzz"; edit the filter.');
  const moved = press(outcome.state, { name: "down" }, { name: "up" }, { name: "end" });
  assertEquals(moved.cursor, 0);
});

Deno.test("picker escape clears the filter first and cancels when it is empty", () => {
  const state = type(createPicker(ACCOUNTS), "sec");
  const cleared = press(state, { name: "escape" });
  assertEquals([cleared.query, cleared.matches.length], ["", 5]);
  assertEquals(pickerKey(cleared, { name: "escape" }), { kind: "cancelled", interrupted: false });
  assertEquals(pickerKey(state, { name: "interrupt" }), { kind: "cancelled", interrupted: true });
});

Deno.test("picker starts on the initial item", () => {
  const state = createPicker(ACCOUNTS, { initial: 4, pageSize: 2 });
  assertEquals([highlighted(state), state.top], ["555555555555", 3]);
  assertEquals(createPicker(ACCOUNTS, { initial: -1 }).cursor, 0);
});

Deno.test("renderPicker shows the filter, the visible page with a marker, and a status line", () => {
  const state = press(type(createPicker(ACCOUNTS, { pageSize: 3 }), "o"), { name: "down" });
  assertEquals(renderPicker(state, { title: "Choose an account", width: 80 }), [
    "Choose an account (type to filter): o",
    "  111111111111  Production",
    "> 333333333333  Dev sandbox",
    "  444444444444  Prod Analytics",
    "  1-3 of 3 (filtered from 5); ↑/↓ move, PgUp/PgDn page, Enter choose, Esc cancel",
  ]);
  const none = type(createPicker(ACCOUNTS), "zzz");
  assertEquals(renderPicker(none, { title: "Pick", width: 200 }).slice(1), [
    '  (nothing matches "zzz")',
    "  0 (filtered from 5); ↑/↓ move, PgUp/PgDn page, Enter choose, Esc cancel",
  ]);
  for (const line of renderPicker(state, { title: "Choose an account", width: 30 })) {
    assert([...line].length <= 30, `too wide: ${line}`);
  }
  assertEquals(fitWidth("abcdef", 4), "abc…");
});

Deno.test("decodeKeys turns raw terminal input into keys", () => {
  assertEquals(decodeKeys("\x1b[A\x1b[B\x1bOA\x1b[5~\x1b[6~\x1b[H\x1b[F"), [
    { name: "up" },
    { name: "down" },
    { name: "up" },
    { name: "pageup" },
    { name: "pagedown" },
    { name: "home" },
    { name: "end" },
  ]);
  assertEquals(decodeKeys("aé\x7f\r\x03\x1b"), [
    { name: "char", char: "a" },
    { name: "char", char: "é" },
    { name: "backspace" },
    { name: "enter" },
    { name: "interrupt" },
    { name: "escape" },
  ]);
  assertEquals(decodeKeys("\x1b[1;5C😀\x15"), [{ name: "char", char: "😀" }, { name: "clear" }]);
});

Deno.test("numbered list answers pick by number, by exact key, or filter by text", () => {
  const state = createPicker(ACCOUNTS);
  assertEquals(numberedList(state)[0], "  1) 111111111111  Production");
  const byNumber = listAnswer(state, " 2 ");
  assert(byNumber.kind === "chosen");
  assertEquals(byNumber.value, "222222222222");
  const byKey = listAnswer(state, "555555555555");
  assert(byKey.kind === "chosen");
  assertEquals(byKey.value, "555555555555");
  const single = listAnswer(state, "sandbox");
  assert(single.kind === "chosen");
  assertEquals(single.value, "333333333333");

  const filtered = listAnswer(state, "prod");
  assert(filtered.kind === "filtered");
  assertEquals(numberedList(filtered.state), [
    "  1) 111111111111  Production",
    "  2) 444444444444  Prod Analytics",
  ]);
  const second = listAnswer(filtered.state, "2");
  assert(second.kind === "chosen");
  assertEquals(second.value, "444444444444", "numbers refer to the filtered list");
});

Deno.test("numbered list answers out of range, empty or matching nothing are explained", () => {
  const state = createPicker(ACCOUNTS);
  assertEquals(listAnswer(state, "9"), {
    kind: "invalid",
    message: "Enter a number from 1 to 5.",
  });
  assertEquals(listAnswer(state, ""), {
    kind: "invalid",
    message: "Enter a number from 1 to 5, or text to filter the list.",
  });
  assertEquals(listAnswer(state, "nope"), { kind: "invalid", message: 'Nothing matches "nope".' });
});

function scriptedIO(input: string): PromptIO & { written: string[] } {
  const bytes = new TextEncoder().encode(input);
  let offset = 0;
  const written: string[] = [];
  return {
    written,
    echoes: false,
    lines: new LineReader({
      read(p: Uint8Array) {
        if (offset >= bytes.length) return Promise.resolve(null);
        const n = Math.min(p.length, 3, bytes.length - offset); // tiny chunks on purpose
        p.set(bytes.subarray(offset, offset + n));
        offset += n;
        return Promise.resolve(n);
      },
    }),
    write(text: string) {
      written.push(text);
      return Promise.resolve();
    },
  };
}

Deno.test("promptLine shows the default, takes it for an empty answer, and re-asks invalid ones", async () => {
  const io = scriptedIO("\r\nnot-a-url\nhttps://x.awsapps.com/start\n\n");
  assertEquals(
    await promptLine(io, "SSO start URL", { default: "https://d.awsapps.com/start" }),
    "https://d.awsapps.com/start",
  );
  assertEquals(
    await promptLine(io, "SSO start URL", {
      validate: (v) => v.startsWith("https://") ? undefined : `${v} is not an https URL.`,
    }),
    "https://x.awsapps.com/start",
  );
  assertEquals(await promptLine(io, "CLI default output format", { optional: true }), undefined);
  assertEquals(
    io.written.join(""),
    [
      "SSO start URL [https://d.awsapps.com/start]: \n",
      "SSO start URL: not-a-url\n",
      "not-a-url is not an https URL.\n",
      "SSO start URL: https://x.awsapps.com/start\n",
      "CLI default output format [None]: \n",
    ].join(""),
  );
  assertEquals(await promptLine(io, "CLI default client Region", { optional: true }), undefined);
  await assertRejects(() => promptLine(io, "SSO Region"), Error, "Input ended");
});

Deno.test("naturalCompare orders pickers' choices naturally: Bulk 2 before Bulk 10", () => {
  const names = ["Bulk 10", "bulk 2", "Bulk 1", "Admin", "admin", "Bulk 2"];
  assertEquals([...names].sort(naturalCompare), [
    "Admin",
    "admin",
    "Bulk 1",
    "Bulk 2",
    "bulk 2",
    "Bulk 10",
  ]);
});
