/**
 * The full command-line interface (everything but the credential-process fast path), built on
 * commander. Each command lives in `src/commands/` and registers itself here.
 */
import { Command, CommanderError, Option } from "npm:commander@15.1.0";
import denoJson from "../deno.json" with { type: "json" };
import type { OptionSpec } from "./args.ts";
import { CREDENTIAL_PROCESS_OPTIONS, runCredentialProcess } from "./commands/credential_process.ts";
import { register as registerCompletions } from "./commands/completions.ts";
import { register as registerConfigure } from "./commands/configure.ts";
import { register as registerLogin } from "./commands/login.ts";
import { register as registerLogout } from "./commands/logout.ts";
import { register as registerRoles } from "./commands/roles.ts";
import { ExitCode } from "./errors.ts";

/** The version, from deno.json (the single source of truth). */
export const VERSION: string = denoJson.version;

/** Adds options described by specs (aliases shown in the description) to a command. */
export function addSpecOptions(command: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) {
    const [long, ...aliases] = spec.names;
    const short = aliases.find((a) => /^-[^-]$/.test(a));
    const flags = `${short ? `${short}, ` : ""}${long}${spec.value ? ` <${spec.value}>` : ""}`;
    const others = aliases.filter((a) => a !== short);
    command.addOption(
      new Option(flags, spec.description + (others.length ? ` (alias ${others.join(", ")})` : "")),
    );
    // Aliases are parsed by the fast path; listed here (hidden) for completions.
    for (const alias of others) {
      command.addOption(
        new Option(`${alias}${spec.value ? ` <${spec.value}>` : ""}`, spec.description).hideHelp(),
      );
    }
  }
  return command;
}

/** Builds the program with every command registered. */
export function buildProgram(): Command {
  const program = new Command("aws-sso-util")
    .description("AWS IAM Identity Center (SSO) credentials for every AWS SDK and tool.")
    .version(`aws-sso-util ${VERSION}`, "--version", "print the version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();

  addSpecOptions(
    program.command("credential-process")
      .description("print credentials for a profile's credential_process setting"),
    CREDENTIAL_PROCESS_OPTIONS,
  ).action(async () => {
    // Real runs take the fast path in main.ts; this keeps `help credential-process` consistent.
    const index = Deno.args.indexOf("credential-process");
    Deno.exit(await runCredentialProcess(Deno.args.slice(index + 1)));
  });
  registerCompletions(program);
  registerConfigure(program);
  registerLogin(program);
  registerLogout(program);
  registerRoles(program);
  return program;
}

/** Runs the CLI; returns the exit code (2 for usage errors, 0 for help/version). */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp();
    return ExitCode.ok;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.invalidConfig;
    }
    throw error;
  }
}
