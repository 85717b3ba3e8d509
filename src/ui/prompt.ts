/**
 * Line prompts on stderr (`SSO start URL [https://…]: `) that read answers line by line from
 * stdin, whether it is a terminal or a pipe. All prompts and the picker's numbered-list fallback
 * share one buffered reader, so piped answers are consumed one line per question.
 */
import { ConfigError } from "../base/errors.ts";
import type { LineSource, Runtime } from "../base/runtime.ts";

/** Where prompts read and write. */
export interface PromptIO {
  lines: LineSource;
  /** Writes to the user (stderr). */
  write(text: string): Promise<void>;
  /** True when the answers are typed on a terminal (which echoes them). */
  echoes: boolean;
}

/** A runtime's prompt I/O: its stdin lines, its stderr. */
export function promptIO(rt: Pick<Runtime, "stdin" | "stderr" | "stdinIsTerminal">): PromptIO {
  return {
    lines: rt.stdin,
    write: (text) => rt.stderr.write(text),
    echoes: rt.stdinIsTerminal(),
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
  /**
   * The choices offered: shown after the label when there are a few (`(json, yaml, …)`), else
   * listed, one `value  description` line each, when the answer is `?` (`(? lists them)`).
   */
  choices?: readonly { value: string; description?: string }[];
}

/** Choices up to this many are shown in the prompt itself; more are listed on `?`. */
const CHOICES_IN_LABEL = 8;

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
  const choices = options.choices ?? [];
  const listed = choices.length > CHOICES_IN_LABEL;
  const full = choices.length === 0
    ? label
    : `${label} (${listed ? "? lists them" : choices.map((c) => c.value).join(", ")})`;
  while (true) {
    await io.write(formatPrompt(full, shown));
    const line = await io.lines.readLine();
    if (!io.echoes) await io.write(line === null ? "\n" : `${line.trim()}\n`);
    if (line === null) {
      if (options.default !== undefined || options.optional) return options.default;
      throw new ConfigError(
        `Input ended before "${label}" was answered; give it as a flag or answer the prompt.`,
      );
    }
    const answer = line.trim();
    if (answer === "?" && listed) {
      const width = Math.max(...choices.map((c) => c.value.length)) + 2;
      await io.write(
        choices.map((c) => `  ${c.value.padEnd(width)}${c.description ?? ""}`.trimEnd() + "\n")
          .join(""),
      );
      continue;
    }
    if (answer === "") {
      if (options.default !== undefined || options.optional) return options.default;
      continue;
    }
    const problem = options.validate?.(answer);
    if (problem === undefined) return answer;
    await io.write(`${problem}\n`);
  }
}
