/**
 * A regular expression the user gives (`login START_URL`, `roles -a/-r`, populate's trims),
 * matched in linear time: the pattern is compiled into a small automaton that is run over every
 * input position at once (a Pike VM), never backtracking, so `(a+)+$` costs as little as `a`.
 * The syntax is JavaScript's without what needs backtracking: literals, `.`, classes `[…]` and
 * `\d \w \s` (and negations), anchors `^ $ \b \B`, groups `(…)`, `(?:…)`, `(?<name>…)`,
 * alternation and the quantifiers `* + ? {n} {n,} {n,m}` (lazy ones too). Back-references and
 * look-arounds are refused with a SyntaxError. Matches are JavaScript's (leftmost, first
 * alternative preferred), over UTF-16 code units, case-sensitive.
 *
 * @module
 */
import { ConfigError } from "./errors.ts";
import { safeEcho } from "./safe_text.ts";

type CharTest = (code: number) => boolean;
type Inst =
  | { op: "char"; test: CharTest }
  | { op: "split"; x: number; y: number }
  | { op: "jmp"; x: number }
  | { op: "assert"; kind: "^" | "$" | "b" | "B" }
  | { op: "match" };

/** A parsed pattern piece, before it becomes instructions. */
type Node =
  | { kind: "char"; test: CharTest }
  | { kind: "assert"; assert: "^" | "$" | "b" | "B" }
  | { kind: "seq"; items: Node[] }
  | { kind: "alt"; options: Node[] }
  | { kind: "repeat"; node: Node; min: number; max: number; lazy: boolean };

/** The largest `{n,m}` count, and the largest automaton, accepted. */
const MAX_COUNT = 1000;
const MAX_PROGRAM = 20_000;

const isDigit: CharTest = (c) => c >= 48 && c <= 57;
const isWord: CharTest = (c) =>
  isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const SPACES = new Set([
  9,
  10,
  11,
  12,
  13,
  32,
  0xa0,
  0x1680,
  0x2028,
  0x2029,
  0x202f,
  0x205f,
  0x3000,
  0xfeff,
]);
const isSpace: CharTest = (c) => SPACES.has(c) || (c >= 0x2000 && c <= 0x200a);
const isLineEnd: CharTest = (c) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
const not = (t: CharTest): CharTest => (c) => !t(c);

class Parser {
  i = 0;
  constructor(readonly src: string) {}

  fail(what: string): never {
    throw new SyntaxError(`${what} is not supported in a pattern`);
  }

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new SyntaxError("Unmatched ')'");
    return node;
  }

  alternation(): Node {
    const options = [this.sequence()];
    while (this.src[this.i] === "|") {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { kind: "alt", options };
  }

  sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      items.push(this.quantified(this.atom()));
    }
    return { kind: "seq", items };
  }

  quantified(node: Node): Node {
    const c = this.src[this.i];
    let min: number, max: number;
    if (c === "*") [min, max] = [0, Infinity];
    else if (c === "+") [min, max] = [1, Infinity];
    else if (c === "?") [min, max] = [0, 1];
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return node; // a literal "{", as JavaScript reads it
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
      if (min > MAX_COUNT || (max !== Infinity && max > MAX_COUNT)) this.fail("A count over 1000");
      this.i += m[0].length - 1;
    } else return node;
    this.i++;
    const lazy = this.src[this.i] === "?";
    if (lazy) this.i++;
    if (node.kind === "assert") return node;
    return { kind: "repeat", node, min, max, lazy };
  }

  atom(): Node {
    const c = this.src[this.i++];
    switch (c) {
      case "(":
        return this.group();
      case "[":
        return { kind: "char", test: this.charClass() };
      case ".":
        return { kind: "char", test: not(isLineEnd) };
      case "^":
        return { kind: "assert", assert: "^" };
      case "$":
        return { kind: "assert", assert: "$" };
      case "\\":
        return this.escape();
      default: {
        const code = c.charCodeAt(0);
        return { kind: "char", test: (x) => x === code };
      }
    }
  }

  group(): Node {
    if (this.src.startsWith("?:", this.i)) this.i += 2;
    else if (/^\?<[A-Za-z_$][\w$]*>/.test(this.src.slice(this.i))) {
      this.i = this.src.indexOf(">", this.i) + 1;
    } else if (this.src[this.i] === "?") this.fail("A look-around");
    const node = this.alternation();
    if (this.src[this.i++] !== ")") throw new SyntaxError("Unterminated group");
    return node;
  }

  /** After `\`: a class, an assertion, or one escaped character. */
  escape(): Node {
    const c = this.src[this.i];
    if (c === "b" || c === "B") {
      this.i++;
      return { kind: "assert", assert: c };
    }
    if (/[1-9]/.test(c ?? "") || c === "k") this.fail("A back-reference");
    const test = this.classEscape();
    if (test) return { kind: "char", test };
    const code = this.escapedCode();
    return { kind: "char", test: (x) => x === code };
  }

  /** `\d \D \w \W \s \S` (the `\` already read), else undefined. */
  classEscape(): CharTest | undefined {
    const tests: Record<string, CharTest> = {
      d: isDigit,
      D: not(isDigit),
      w: isWord,
      W: not(isWord),
      s: isSpace,
      S: not(isSpace),
    };
    const test: CharTest | undefined = Object.hasOwn(tests, this.src[this.i] ?? "")
      ? tests[this.src[this.i]]
      : undefined;
    if (test !== undefined) this.i++;
    return test;
  }

  /** The code unit an escape stands for (the `\` already read). */
  escapedCode(): number {
    const c = this.src[this.i++];
    if (c === undefined) throw new SyntaxError("\\ at end of pattern");
    const named: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13, "0": 0 };
    if (c in named) return named[c];
    const hex = c === "x" ? 2 : c === "u" ? 4 : 0;
    if (hex > 0) {
      const digits = this.src.slice(this.i, this.i + hex);
      if (new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) {
        this.i += hex;
        return parseInt(digits, 16);
      }
    }
    if (c === "c" && /[A-Za-z]/.test(this.src[this.i] ?? "")) {
      return this.src.charCodeAt(this.i++) % 32;
    }
    return c.charCodeAt(0);
  }

  /** `[...]` (the `[` already read). */
  charClass(): CharTest {
    const negated = this.src[this.i] === "^";
    if (negated) this.i++;
    const parts: CharTest[] = [];
    while (this.src[this.i] !== "]") {
      if (this.i >= this.src.length) throw new SyntaxError("Unterminated character class");
      const low = this.classAtom();
      if (typeof low !== "number") {
        parts.push(low);
        continue;
      }
      if (
        this.src[this.i] === "-" && this.src[this.i + 1] !== "]" && this.i + 1 < this.src.length
      ) {
        this.i++;
        const high = this.classAtom();
        if (typeof high !== "number") {
          parts.push((x) => x === low, (x) => x === 45, high);
          continue;
        }
        if (high < low) throw new SyntaxError("Range out of order in character class");
        parts.push((x) => x >= low && x <= high);
      } else parts.push((x) => x === low);
    }
    this.i++;
    const any: CharTest = (x) => parts.some((p) => p(x));
    return negated ? not(any) : any;
  }

  classAtom(): number | CharTest {
    const c = this.src[this.i++];
    if (c !== "\\") return c.charCodeAt(0);
    const test = this.classEscape();
    if (test) return test;
    if (this.src[this.i] === "b") {
      this.i++;
      return 8;
    }
    return this.escapedCode();
  }
}

/** Appends the instructions of `node` to `prog`. */
function emit(node: Node, prog: Inst[]): void {
  if (prog.length > MAX_PROGRAM) throw new SyntaxError("The pattern is too large");
  switch (node.kind) {
    case "char":
      prog.push({ op: "char", test: node.test });
      return;
    case "assert":
      prog.push({ op: "assert", kind: node.assert });
      return;
    case "seq":
      for (const item of node.items) emit(item, prog);
      return;
    case "alt": {
      // split(first, rest); first; jmp end; rest: split(second, …) …
      const jumps: number[] = [];
      node.options.forEach((option, k) => {
        if (k === node.options.length - 1) return emit(option, prog);
        const at = prog.length;
        prog.push({ op: "split", x: at + 1, y: 0 });
        emit(option, prog);
        jumps.push(prog.length);
        prog.push({ op: "jmp", x: 0 });
        prog[at] = { op: "split", x: at + 1, y: prog.length };
      });
      for (const at of jumps) prog[at] = { op: "jmp", x: prog.length };
      return;
    }
    case "repeat": {
      const { node: body, min, max, lazy } = node;
      for (let k = 0; k < min; k++) emit(body, prog);
      const order = (x: number, y: number) => lazy ? { x: y, y: x } : { x, y };
      if (max === Infinity) {
        const start = prog.length;
        prog.push({ op: "split", x: 0, y: 0 });
        emit(body, prog);
        prog.push({ op: "jmp", x: start });
        prog[start] = { op: "split", ...order(start + 1, prog.length) };
        return;
      }
      // Each optional copy: split(body, end); body; … — all of them skip to the same end.
      const splits: number[] = [];
      for (let k = min; k < max; k++) {
        splits.push(prog.length);
        prog.push({ op: "split", x: 0, y: 0 });
        emit(body, prog);
      }
      for (const at of splits) prog[at] = { op: "split", ...order(at + 1, prog.length) };
      return;
    }
  }
}

/** A user pattern, compiled for linear-time matching. */
export class UserPattern {
  readonly #prog: Inst[] = [];

  /** Throws SyntaxError for a pattern JavaScript rejects or this matcher does not support. */
  constructor(readonly source: string) {
    new RegExp(source); // JavaScript's own syntax errors first
    emit(new Parser(source).parse(), this.#prog);
    this.#prog.push({ op: "match" });
  }

  /** True when the pattern matches somewhere in `text`. */
  test(text: string): boolean {
    return this.#search(text, 0) !== undefined;
  }

  /** `text` with every match removed, as `text.replace(/pattern/g, "")`. */
  removeAll(text: string): string {
    let out = "";
    let last = 0;
    for (let from = 0; from <= text.length;) {
      const found = this.#search(text, from);
      if (!found) break;
      out += text.slice(last, found.start);
      last = found.end;
      from = found.end === found.start ? found.end + 1 : found.end;
    }
    return out + text.slice(last);
  }

  /** The leftmost match at or after `from`, preferring earlier alternatives (Pike VM). */
  #search(text: string, from: number): { start: number; end: number } | undefined {
    const prog = this.#prog;
    let threads: { pc: number; start: number }[] = [];
    let found: { start: number; end: number } | undefined;
    for (let pos = from; pos <= text.length; pos++) {
      if (!found) threads.push({ pc: 0, start: pos }); // lowest priority: a later start
      const next: { pc: number; start: number }[] = [];
      const seen = new Set<number>();
      const code = pos < text.length ? text.charCodeAt(pos) : -1;
      // Follows the jumps and assertions of a thread, in priority order.
      const add = (pc: number, start: number, into: { pc: number; start: number }[]): boolean => {
        if (seen.has(pc)) return false;
        seen.add(pc);
        const inst = prog[pc];
        switch (inst.op) {
          case "jmp":
            return add(inst.x, start, into);
          case "split":
            return add(inst.x, start, into) || add(inst.y, start, into);
          case "assert":
            return this.#holds(inst.kind, text, pos) && add(pc + 1, start, into);
          case "match":
            found = { start, end: pos };
            return true; // lower-priority threads are cut
          default:
            into.push({ pc, start });
            return false;
        }
      };
      const runnable: { pc: number; start: number }[] = [];
      for (const thread of threads) if (add(thread.pc, thread.start, runnable)) break;
      for (const thread of runnable) {
        const inst = prog[thread.pc] as { op: "char"; test: CharTest };
        if (code >= 0 && inst.test(code)) next.push({ pc: thread.pc + 1, start: thread.start });
      }
      threads = next;
      if (threads.length === 0 && found) break;
    }
    return found;
  }

  #holds(kind: "^" | "$" | "b" | "B", text: string, pos: number): boolean {
    if (kind === "^") return pos === 0;
    if (kind === "$") return pos === text.length;
    const before = pos > 0 && isWord(text.charCodeAt(pos - 1));
    const after = pos < text.length && isWord(text.charCodeAt(pos));
    return (before !== after) === (kind === "b");
  }
}

/**
 * The pattern `text` given as `what` (a flag: "--role-name"), or a ConfigError sentence (exit 2):
 * invalid JavaScript, or a feature that needs backtracking.
 */
export function userPattern(text: string, what: string): UserPattern {
  try {
    return new UserPattern(text);
  } catch (error) {
    const why =
      error instanceof SyntaxError && / is not supported in a pattern$/.test(error.message)
        ? `: ${
          error.message.replace(/ in a pattern$/, "")
        } (patterns are matched without backtracking)`
        : "";
    throw new ConfigError(
      `The ${what} value ${safeEcho(text)} is not a valid regular expression${why}.`,
    );
  }
}
