/**
 * Splitting a command line into words as a POSIX shell would, without running one (and as
 * Python's `shlex.split` does for botocore's `credential_process` and `webbrowser`'s
 * `BROWSER`): blanks separate words, single quotes keep everything literally, double quotes keep
 * everything but `\"`, `\\`, `\$` and `` \` ``, and a backslash outside quotes escapes the
 * next character. No expansion of variables, globs or substitutions is done. On Windows
 * (`backslashEscapes: false`) backslashes are path separators and always literal.
 *
 * @module
 */
import { ConfigError } from "./errors.ts";

/** The words of `line`, and what is wrong with it (an unterminated quote, a trailing backslash). */
function scan(line: string, backslashEscapes: boolean): { words: string[]; problem?: string } {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let problem: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      let end = line.indexOf("'", i + 1);
      if (end < 0) [end, problem] = [line.length, "an unterminated single quote"];
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (ch === '"') {
      inWord = true;
      for (i++;; i++) {
        if (i >= line.length) {
          problem = "an unterminated double quote";
          break;
        }
        if (line[i] === '"') break;
        if (
          backslashEscapes && line[i] === "\\" && i + 1 < line.length &&
          '"\\$`'.includes(line[i + 1])
        ) i++;
        word += line[i];
      }
    } else if (ch === "\\" && backslashEscapes) {
      if (i + 1 >= line.length) {
        problem = "a trailing backslash";
        word += ch;
      } else word += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return { words, problem };
}

/** The words of `line`; an unterminated quote or a trailing backslash is a ConfigError. */
export function shellSplit(line: string, what = "the command"): string[] {
  const { words, problem } = scan(line, true);
  if (problem) throw new ConfigError(`${what} has ${problem}.`);
  return words;
}

/**
 * The words of a command line read leniently (`BROWSER`, `credential_process` lines written by
 * others): an unterminated quote runs to the end, a trailing backslash is kept.
 */
export function splitCommandLine(line: string, backslashEscapes = true): string[] {
  return scan(line, backslashEscapes).words;
}
