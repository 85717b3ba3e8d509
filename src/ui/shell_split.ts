/**
 * Splits a command line into words as a POSIX shell would, without running one: blanks separate
 * words, single quotes keep everything literally, double quotes keep everything but `\"`, `\\`,
 * `\$` and `` \` ``, and a backslash outside quotes escapes the next character. No expansion of
 * variables, globs or substitutions is done.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";

/** The words of `line`; an unterminated quote or a trailing backslash is a ConfigError. */
export function shellSplit(line: string, what = "the command"): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ConfigError(`${what} has an unterminated single quote.`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (ch === '"') {
      inWord = true;
      for (i++;; i++) {
        if (i >= line.length) throw new ConfigError(`${what} has an unterminated double quote.`);
        if (line[i] === '"') break;
        if (line[i] === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) i++;
        word += line[i];
      }
    } else if (ch === "\\") {
      if (i + 1 >= line.length) throw new ConfigError(`${what} ends with a backslash.`);
      word += line[++i];
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
  return words;
}
