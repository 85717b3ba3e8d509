/**
 * Command-line parsing shared by the scripts: node:util's `parseArgs` in strict mode (no
 * positional arguments), with every mistake reported as one sentence that ends in the
 * script's usage line. Scripts print {@link UsageError}'s message and exit with its status, 2.
 *
 * @module
 */

import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

/** A bad command line: `message` is one sentence for stderr; the exit status is 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The values `parseArgs` returns for `options` (strict, no positionals). */
export type FlagValues<T extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>
>["values"];

/**
 * Parses `args` against `options`. Throws a {@link UsageError} such as
 * `Unknown argument "--bogus"; usage: x.ts [--out FILE].` for an unknown flag, a missing or
 * empty value, a value given to a switch, or a positional argument.
 */
export function parseFlags<const T extends ParseArgsOptionsConfig>(
  args: string[],
  options: T,
  usage: string,
): FlagValues<T> {
  let values: FlagValues<T>;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch {
    throw new UsageError(`${mistake(args, options)}; ${usage}.`);
  }
  for (const [name, value] of Object.entries(values)) {
    const given = Array.isArray(value) ? value : [value];
    if (given.includes("")) throw new UsageError(`--${name} needs a value; ${usage}.`);
  }
  return values;
}

/** Names the first argument the strict parse rejected, from the lenient parse's tokens. */
function mistake(args: string[], options: ParseArgsOptionsConfig): string {
  const { tokens } = parseArgs({ args, options, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind === "positional") return `Unexpected argument "${token.value}"`;
    if (token.kind !== "option") continue;
    const option = options[token.name];
    if (option === undefined) return `Unknown argument "${token.rawName}"`;
    if (option.type === "boolean" && token.value !== undefined) {
      return `${token.rawName} takes no value`;
    }
    if (
      option.type === "string" &&
      (token.value === undefined || (!token.inlineValue && token.value.startsWith("-")))
    ) {
      return `${token.rawName} needs a value`;
    }
  }
  return `Cannot read the arguments "${args.join(" ")}"`;
}
