/**
 * Line prompts on stderr (`SSO start URL [https://…]: `) that read answers line by line from
 * stdin, whether it is a terminal or a pipe. All prompts and the picker's numbered-list fallback
 * share one buffered reader, so piped answers are consumed one line per question.
 */
import { ConfigError } from "../errors.ts";
import { writeText } from "./output.ts";

/** Something lines can be read from; `null` at end of input. */
export interface LineSource {
  readLine(): Promise<string | null>;
}

/** Splits a byte stream into lines ("\n" or "\r\n"), buffering what follows the current line. */
export class LineReader implements LineSource {
  #buffer = "";
  #done = false;
  readonly #decoder = new TextDecoder();

  constructor(private readonly reader: { read(p: Uint8Array): Promise<number | null> }) {}

  async readLine(): Promise<string | null> {
    while (true) {
      const newline = this.#buffer.indexOf("\n");
      if (newline >= 0) {
        const line = this.#buffer.slice(0, newline).replace(/\r$/, "");
        this.#buffer = this.#buffer.slice(newline + 1);
        return line;
      }
      if (this.#done) {
        if (this.#buffer === "") return null;
        const rest = this.#buffer;
        this.#buffer = "";
        return rest;
      }
      const chunk = new Uint8Array(4096);
      const n = await this.reader.read(chunk);
      if (n === null) {
        this.#done = true;
        this.#buffer += this.#decoder.decode();
      } else {
        this.#buffer += this.#decoder.decode(chunk.subarray(0, n), { stream: true });
      }
    }
  }
}

let stdinReader: LineReader | undefined;

/** The process's one reader of stdin lines. */
export function stdinLines(): LineReader {
  stdinReader ??= new LineReader(Deno.stdin);
  return stdinReader;
}

/** Where prompts read and write. */
export interface PromptIO {
  lines: LineSource;
  /** Writes to the user (stderr). */
  write(text: string): Promise<void>;
  /** True when the answers are typed on a terminal (which echoes them). */
  echoes: boolean;
}

/** The process's prompt I/O: stdin lines, stderr. */
export function processPromptIO(): PromptIO {
  return {
    lines: stdinLines(),
    write: (text) => writeText(Deno.stderr, text),
    echoes: Deno.stdin.isTerminal(),
  };
}

/** `label [default]: ` — `None` stands for "no value" as the AWS CLI shows it. */
export function formatPrompt(label: string, shownDefault: string | undefined): string {
  return shownDefault === undefined ? `${label}: ` : `${label} [${shownDefault}]: `;
}

export interface PromptOptions {
  /** Taken when the answer is empty. */
  default?: string;
  /** The answer may be empty (no value; shown as `[None]` when there is no default). */
  optional?: boolean;
  /** Returns an error sentence for an invalid answer, which is then asked again. */
  validate?: (answer: string) => string | undefined;
}

/**
 * Asks one question; returns the trimmed answer, the default for an empty answer, or undefined
 * for an empty answer to an optional question. At the end of input the default (or no value for
 * an optional question) is taken; a required question without default then fails (exit 2).
 */
export async function promptLine(
  io: PromptIO,
  label: string,
  options: PromptOptions = {},
): Promise<string | undefined> {
  const shown = options.default ?? (options.optional ? "None" : undefined);
  while (true) {
    await io.write(formatPrompt(label, shown));
    const line = await io.lines.readLine();
    if (!io.echoes) await io.write(line === null ? "\n" : `${line.trim()}\n`);
    if (line === null) {
      if (options.default !== undefined || options.optional) return options.default;
      throw new ConfigError(
        `Input ended before "${label}" was answered; give it as a flag or answer the prompt.`,
      );
    }
    const answer = line.trim();
    if (answer === "") {
      if (options.default !== undefined || options.optional) return options.default;
      continue;
    }
    const problem = options.validate?.(answer);
    if (problem === undefined) return answer;
    await io.write(`${problem}\n`);
  }
}
