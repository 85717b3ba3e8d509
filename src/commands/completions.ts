/** `aws-sso-util completions bash|zsh|fish|powershell`: print a shell completion script. */
import type { Command, Option } from "../ui/commander.ts";
import {
  type CompletionCommand,
  type CompletionModel,
  type CompletionOption,
  type CompletionValue,
  PROFILES,
  renderCompletion,
  type Shell,
  SHELLS,
} from "../ui/completions.ts";
import { knownRegions } from "../config/partitions.ts";
import { OUTPUT_FORMATS } from "./configure.ts";
import { examplesText, HELP_DESCRIPTION } from "../ui/help_text.ts";
import { ConfigError } from "../base/errors.ts";
import { safeEcho } from "../base/safe_text.ts";
import type { Runtime } from "../base/runtime.ts";

const HELP: CompletionOption = {
  names: ["-h", "--help"],
  description: HELP_DESCRIPTION,
  takesValue: false,
};

/** The values of `roles --sort-by`, each with what it does. */
const SORT_BY: CompletionValue[] = [
  { value: "id,role", description: "by account id, then role" },
  { value: "name,role", description: "by account name, then role" },
  { value: "role,id", description: "by role, then account id" },
  { value: "role,name", description: "by role, then account name" },
];

/** The values of `completions SHELL`. */
const SHELL_VALUES: CompletionValue[] = [
  { value: "bash", description: "source <(aws-sso-util completions bash)" },
  { value: "zsh", description: "source <(aws-sso-util completions zsh)" },
  { value: "fish", description: "aws-sso-util completions fish | source" },
  { value: "powershell", description: "… | Out-String | Invoke-Expression" },
];

/**
 * The value set an option offers: regions for every region option (the partition data's regions,
 * `config/partitions.ts`), profiles for `--profile` and `--check-profile`, the described values
 * of `roles --sort-by` and `configure profile --output`, else its fixed choices.
 */
function valueSetOf(
  path: string,
  option: Option,
  sets: Record<string, CompletionValue[]>,
): string | undefined {
  const long = option.long ?? "";
  if (long === "--profile" || long === "--check-profile") return PROFILES;
  if (long === "--region" || long === "--sso-region") {
    sets.regions ??= knownRegions().map((r) => ({ value: r.name, description: r.description }));
    return "regions";
  }
  if (path === "roles" && long === "--sort-by") return (sets.sort_by = SORT_BY, "sort_by");
  if (path === "configure profile" && long === "--output") {
    sets.output_formats = OUTPUT_FORMATS.map((value) => ({ value }));
    return "output_formats";
  }
  if (!option.argChoices) return undefined;
  const name = `${path} ${long}`.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "");
  sets[name] = option.argChoices.map((value) => ({ value }));
  return name;
}

/** The command tree of a commander program, as the completion renderers need it. */
export function completionModel(program: Command): CompletionModel {
  const valueSets: Record<string, CompletionValue[]> = {};
  const node = (command: Command, path: string[]): CompletionCommand => {
    const options: CompletionOption[] = command.options.map((o) => ({
      names: [o.short, o.long].filter((n): n is string => Boolean(n)),
      description: o.description,
      takesValue: o.required || o.optional,
      values: o.required || o.optional ? valueSetOf(path.join(" "), o, valueSets) : undefined,
    }));
    const isCompletions = path.length === 1 && path[0] === "completions";
    if (isCompletions) valueSets.shells = SHELL_VALUES;
    return {
      name: command.name(),
      description: command.description(),
      options: [...options, HELP],
      subcommands: command.commands.filter((c) => c.name() !== "help").map((c) =>
        node(c, [...path, c.name()])
      ),
      argumentValues: isCompletions ? "shells" : undefined,
    };
  };
  return { root: node(program, []), valueSets };
}

export function register(program: Command, rt: Runtime): void {
  program.command("completions")
    .summary(`print a shell completion script (${SHELLS.join(", ")})`)
    .description(
      `Print a completion script for ${
        SHELLS.join(", ")
      }: commands, flags and their values (profiles, regions, choices).`,
    )
    .argument("<shell>", SHELLS.join(" | "))
    .addHelpText(
      "after",
      examplesText([
        "source <(aws-sso-util completions bash)      # in ~/.bashrc",
        "source <(aws-sso-util completions zsh)       # in ~/.zshrc",
        "aws-sso-util completions fish | source       # in ~/.config/fish/config.fish",
        "aws-sso-util completions powershell | Out-String | Invoke-Expression  # in $PROFILE",
      ]),
    )
    .action(async (shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw new ConfigError(
          `Unknown shell ${safeEcho(shell)}; choose one of ${SHELLS.join(", ")}.`,
        );
      }
      await rt.stdout.write(renderCompletion(shell as Shell, completionModel(program)));
    });
}
