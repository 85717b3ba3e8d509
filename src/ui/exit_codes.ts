/**
 * Which exit-code table applies when a command runs: each command gives its own
 * (`FAILURE_CODES` of `base/errors.ts`), and the CLI wiring reads the table of the command that
 * ran. Imports commander's types only, so that the fast paths (`status`) do not load it.
 *
 * @module
 */
import type { Command as CommandType } from "./commander.ts";
import type { FailureCodes } from "../base/errors.ts";

const failureCodes = new WeakMap<CommandType, FailureCodes>();

/**
 * Gives `command` (and its subcommands that set none) its exit-code table: the code each kind of
 * failure ends with when this command runs. Returns the command, for chaining.
 */
export function exitCodes<C extends CommandType>(command: C, codes: FailureCodes): C {
  failureCodes.set(command, codes);
  return command;
}

/** The exit-code table of `command`: its own, else its nearest parent's; undefined for none. */
export function exitCodesOf(command: CommandType): FailureCodes | undefined {
  for (let c: CommandType | null = command; c; c = c.parent) {
    const codes = failureCodes.get(c);
    if (codes) return codes;
  }
  return undefined;
}
