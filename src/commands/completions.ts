/** `aws-sso-util completions bash|zsh|fish|powershell`: print a shell completion script. */
import type { Command } from "../ui/commander.ts";
import {
  type CompletionCommand,
  type CompletionOption,
  renderCompletion,
  type Shell,
  SHELLS,
} from "../ui/completions.ts";
import { ConfigError } from "../errors.ts";
import { safeEcho } from "../ui/safe_text.ts";
import type { Runtime } from "../runtime.ts";

const HELP: CompletionOption = {
  names: ["-h", "--help"],
  description: "show help",
  takesValue: false,
  profileValue: false,
};

/** The command tree of a commander program, as the completion renderers need it. */
export function completionModel(command: Command): CompletionCommand {
  const options: CompletionOption[] = command.options.map((o) => ({
    names: [o.short, o.long].filter((n): n is string => Boolean(n)),
    description: o.description,
    takesValue: o.required || o.optional,
    choices: o.argChoices,
    profileValue: o.long === "--profile",
  }));
  return {
    name: command.name(),
    description: command.description(),
    options: [...options, HELP],
    subcommands: command.commands.filter((c) => c.name() !== "help").map(completionModel),
  };
}

export function register(program: Command, rt: Runtime): void {
  program.command("completions")
    .description(`print a shell completion script (${SHELLS.join(", ")})`)
    .argument("<shell>", SHELLS.join(" | "))
    .addHelpText(
      "after",
      "\nExamples:\n  source <(aws-sso-util completions bash)      # in ~/.bashrc\n" +
        "  source <(aws-sso-util completions zsh)       # in ~/.zshrc\n" +
        "  aws-sso-util completions fish | source       # in ~/.config/fish/config.fish\n" +
        "  aws-sso-util completions powershell | Out-String | Invoke-Expression  # in $PROFILE",
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
