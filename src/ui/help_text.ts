/**
 * The one style of every `--help`: commander's layout (usage, description, arguments, options
 * with the short name first and other spellings as "(alias …)", wrapped at 80 columns), the help
 * option as `-h, --help  show this help`, and an Examples block at the end. `credential-process`
 * prints its help without the CLI framework (`args.ts`), in the same layout, from these helpers.
 *
 * @module
 */

/** The help option's description, the same for every command. */
export const HELP_DESCRIPTION = "show this help";

/** The Examples block that ends a command's help: one command line (and comment) per line. */
export function examplesText(examples: readonly string[]): string {
  return `\nExamples:\n${examples.map((e) => `  ${e}`).join("\n")}\n`;
}

/** Words of `text` in lines of at most `width` characters (a longer word stands alone). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}

/**
 * `  term  description` rows as commander prints them: terms padded to the widest, descriptions
 * wrapped to `width` columns with a hanging indent.
 */
export function helpRows(rows: readonly [string, string][], width = 80): string[] {
  const termWidth = Math.max(...rows.map(([term]) => term.length));
  const indent = 2 + termWidth + 2;
  return rows.flatMap(([term, description]) => {
    const wrapped = wrapWords(description, Math.max(20, width - indent));
    return [
      `  ${term.padEnd(termWidth)}  ${wrapped[0] ?? ""}`.trimEnd(),
      ...wrapped.slice(1).map((l) => `${" ".repeat(indent)}${l}`),
    ];
  });
}
