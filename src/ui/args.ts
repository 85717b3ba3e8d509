/**
 * A tiny declarative flag parser for the hot `credential-process` path, which must not load the
 * CLI framework. The same option specs feed the framework's help and completions.
 */
import { ConfigError } from "../base/errors.ts";
import { safeEcho } from "../base/safe_text.ts";
import { examplesText, HELP_DESCRIPTION, helpRows, wrapWords } from "./help_text.ts";

/** One command-line option. */
export interface OptionSpec {
  /** Long names first (`--sso-start-url`), aliases and short forms after. */
  names: string[];
  /** Property name in the parsed result. */
  key: string;
  /** Placeholder of the value (`URL`); absent for boolean flags. */
  value?: string;
  description: string;
}

export type ParsedOptions = Record<string, string | boolean | undefined>;

/**
 * Parses `--name value`, `--name=value` and boolean flags, short ones combined as `-vv` (a
 * repeated flag is the same flag, as the Python tool's counted `-v`); rejects unknown flags and
 * positionals.
 */
export function parseOptions(
  args: readonly string[],
  specs: readonly OptionSpec[],
): ParsedOptions {
  const byName = new Map(specs.flatMap((s) => s.names.map((n) => [n, s] as const)));
  const isBooleanShort = (c: string) =>
    byName.get(`-${c}`)?.value === undefined &&
    byName.has(`-${c}`);
  const argv = args.flatMap((arg) =>
    /^-[^-]{2,}$/.test(arg) && [...arg.slice(1)].every(isBooleanShort)
      ? [...arg.slice(1)].map((c) => `-${c}`)
      : [arg]
  );
  const result: ParsedOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = byName.get(name);
    if (!spec) {
      throw new ConfigError(
        arg.startsWith("-")
          ? `Unknown option ${safeEcho(name)}; run with --help to see the options.`
          : `Unexpected argument ${safeEcho(arg)}; run with --help to see the options.`,
      );
    }
    if (spec.value === undefined) {
      if (eq > 0) throw new ConfigError(`Option ${safeEcho(name)} does not take a value.`);
      result[spec.key] = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith("--"))) {
      throw new ConfigError(`Option ${safeEcho(name)} needs a value (${spec.value}).`);
    }
    result[spec.key] = value;
  }
  return result;
}

/**
 * Help text for a command whose options are parsed by `parseOptions`, in the layout commander
 * gives every other command (`help_text.ts`): the short name first, other spellings as
 * "(alias …)", descriptions wrapped at 80 columns, then the examples.
 */
export function formatHelp(
  usage: string,
  summary: string,
  specs: readonly OptionSpec[],
  examples: readonly string[] = [],
): string {
  const rows = [
    ...specs,
    { names: ["--help", "-h"], key: "help", description: HELP_DESCRIPTION },
  ].map((s): [string, string] => {
    const [long, ...aliases] = s.names;
    const short = aliases.find((a) => /^-[^-]$/.test(a));
    const others = aliases.filter((a) => a !== short);
    return [
      `${short ? `${short}, ` : ""}${long}${s.value ? ` <${s.value}>` : ""}`,
      s.description + (others.length ? ` (alias ${others.join(", ")})` : ""),
    ];
  });
  return [
    `Usage: ${usage}`,
    "",
    ...wrapWords(summary, 80),
    "",
    "Options:",
    ...helpRows(rows),
    ...(examples.length ? [examplesText(examples).trimEnd()] : []),
    "",
  ].join("\n");
}
