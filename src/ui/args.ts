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
 * The one sentence of a usage error, whichever parser found it: the problem (its first letter
 * raised), then where the usage is. `aws-sso-util roles` → "Unknown option '--x'; run
 * `aws-sso-util roles --help` for usage."
 */
export function usageSentence(problem: string, commandPath: string): string {
  const text = problem.replace(/[.\s]+$/, "");
  return `${text.charAt(0).toUpperCase()}${
    text.slice(1)
  }; run \`${commandPath} --help\` for usage.`;
}

/**
 * Parses `--name value`, `--name=value` and boolean flags, short ones combined as `-vv` (a
 * repeated flag is the same flag, as the Python tool's counted `-v`); rejects unknown flags and
 * positionals with the usage sentence commander gives the other commands (a ConfigError of kind
 * `usage`).
 */
export function parseOptions(
  args: readonly string[],
  specs: readonly OptionSpec[],
  commandPath = "aws-sso-util credential-process",
): ParsedOptions {
  const usage = (problem: string) => new ConfigError(usageSentence(problem, commandPath), "usage");
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
  const extra: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = byName.get(name);
    if (!spec && !arg.startsWith("-")) {
      extra.push(arg);
      continue;
    }
    if (!spec) throw usage(`unknown option '${safeEcho(arg)}'`);
    if (spec.value === undefined) {
      if (eq > 0) throw usage(`unknown option '${safeEcho(arg)}' (did you mean ${name}?)`);
      result[spec.key] = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith("--"))) {
      throw usage(`option '${safeEcho(name)} <${spec.value}>' argument missing`);
    }
    result[spec.key] = value;
  }
  if (extra.length > 0) {
    const command = commandPath.split(" ").at(-1);
    throw usage(
      `too many arguments for '${command}'. Expected 0 arguments but got ${extra.length}: ${
        extra.map((a) => safeEcho(a, 100)).join(", ")
      }`,
    );
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
