/**
 * Other spellings of an option (the Python tool's `--account`, `--sep`, `--force`, `--debug`…):
 * hidden from the help, they set the very value the option sets, parsed the same way, so that a
 * command never has to merge two values.
 *
 * @module
 */
import { type Command, Option } from "./commander.ts";

/**
 * Adds to `command` a hidden option spelled `flags` (e.g. `--account <ID>`) that sets the value of
 * its option `of` (its long name, e.g. `--account-id`), which must be added already.
 */
export function addAlias(command: Command, of: string, flags: string): Command {
  const option = command.options.find((o) => o.long === of);
  if (option === undefined) throw new Error(`${command.name()} has no option ${of}`);
  const alias = new Option(flags, `same as ${of}`).hideHelp();
  alias.attributeName = () => option.attributeName();
  if (option.parseArg) alias.argParser(option.parseArg);
  if (option.argChoices) alias.choices(option.argChoices);
  return command.addOption(alias);
}
