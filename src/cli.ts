/**
 * The full command-line interface (everything but the credential-process fast path), built on
 * commander. Each command lives in `src/commands/` and registers itself here.
 */
import { Command, CommanderError, Option } from "./ui/commander.ts";
import { type OptionSpec, usageSentence } from "./ui/args.ts";
import { CREDENTIAL_PROCESS_OPTIONS, runCredentialProcess } from "./commands/credential_process.ts";
import { register as registerCheck } from "./commands/check.ts";
import { register as registerCompletions } from "./commands/completions.ts";
import { register as registerConfigure } from "./commands/configure.ts";
import { register as registerConsole } from "./commands/console.ts";
import { register as registerExport } from "./commands/export.ts";
import { register as registerLogin } from "./commands/login.ts";
import { register as registerLogout } from "./commands/logout.ts";
import { register as registerRoles } from "./commands/roles.ts";
import { register as registerRunAs } from "./commands/run_as.ts";
import { register as registerServe } from "./commands/serve.ts";
import { register as registerStatus } from "./commands/status.ts";
import {
  ConfigError,
  describeFailure,
  ExitCode,
  FAILURE_CODES,
  type FailureCodes,
} from "./base/errors.ts";
import { exitCodesOf } from "./ui/exit_codes.ts";
import type { Runtime } from "./base/runtime.ts";
import { safeEcho } from "./base/safe_text.ts";
import { examplesText, HELP_DESCRIPTION } from "./ui/help_text.ts";
import { versionLine } from "./base/version.ts";

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

/** What a parse leaves to print and to exit with. */
interface ProgramOutput {
  /** Help and version text commander wrote (flushed to `rt.stdout` once the parse is over). */
  stdout: string[];
  /** The exit code of a command whose success is not 0 (run-as exits with its child's). */
  code: number;
  /** The exit-code table of the command that runs (set as its action starts). */
  codes?: FailureCodes;
}

/**
 * Builds the program with every command registered, each handed the runtime; `output` collects
 * what commander prints and what a command exits with.
 */
export function buildProgram(
  rt: Runtime,
  output: ProgramOutput = { stdout: [], code: ExitCode.ok },
): Command {
  const program = new Command("aws-sso-util")
    .description("AWS IAM Identity Center (SSO) credentials for every AWS SDK and tool.")
    .version(versionLine(), "--version", "print the version, target, Deno version and commit")
    .helpOption("-h, --help", HELP_DESCRIPTION)
    .helpCommand("help [command]", "show a command's help")
    // Commands listed by name only: a short first column leaves room to wrap their summaries.
    .configureHelp({ subcommandTerm: (command) => command.name() })
    .addHelpText(
      "after",
      examplesText([
        "aws-sso-util configure profile dev          # write an SSO profile, asking for what is missing",
        "aws-sso-util login --profile dev            # sign in once",
        "aws-sso-util credential-process --profile dev",
        "aws-sso-util help roles                     # a command's help",
      ]),
    )
    // Usage errors are reported by runCli as one sentence: commander itself prints nothing on
    // stderr (no message, no help dump). Subcommands inherit this when they are created.
    .configureOutput({
      writeOut: (text) => void output.stdout.push(text),
      writeErr: () => {},
      outputError: () => {},
    })
    // Options after a subcommand are its own (`run-as` passes those after COMMAND through).
    .enablePositionalOptions()
    .exitOverride()
    // The command that runs decides the exit code of its failures.
    .hook("preAction", (_program, action) => {
      output.codes = exitCodesOf(action);
    });

  addSpecOptions(
    program.command("credential-process")
      .summary("print credentials for a profile's credential_process setting")
      .description("Print credentials for a profile's credential_process setting."),
    CREDENTIAL_PROCESS_OPTIONS,
  ).action(async (_options, command: Command) => {
    // runCli takes it before commander does; this keeps the command complete all the same.
    output.code = await runCredentialProcess(command.args, rt);
  });
  registerCheck(program, rt);
  registerCompletions(program, rt);
  registerConfigure(program, rt);
  registerConsole(program, rt);
  registerExport(program, rt);
  registerLogin(program, rt);
  registerLogout(program, rt);
  registerRoles(program, rt);
  registerRunAs(program, rt, (code) => output.code = code);
  registerServe(program, rt);
  registerStatus(program, rt);
  markUsageErrors(program, "aws-sso-util");
  return program;
}

/** A commander usage error, with the command it happened in (e.g. "aws-sso-util roles"). */
class UsageError extends Error {
  constructor(readonly commanderError: CommanderError, readonly commandPath: string) {
    super(commanderError.message);
  }
}

/** Makes every command's exit (error or help) throw, naming the command. */
function markUsageErrors(command: Command, path: string): void {
  command.exitOverride((error) => {
    throw new UsageError(error, path);
  });
  for (const sub of command.commands) markUsageErrors(sub, `${path} ${sub.name()}`);
}

/**
 * The one-line message of a commander usage error: commander's text without its "error:"
 * prefix (a suggestion such as "(Did you mean logout?)" kept on the same line), echoed values
 * cut and escaped, then where to find the usage.
 */
export function usageMessage(error: CommanderError, commandPath: string): string {
  if (error.code === "commander.help") {
    // A command group run alone; kept as is (the command path starts with a lower-case letter).
    return `${commandPath} needs a command; run \`${commandPath} --help\` for usage.`;
  }
  const text = error.message.replace(/^error:\s*/i, "").split("\n").map((l) => l.trim())
    .filter(Boolean).join(" ").replace(/\(Did you mean/, "(did you mean");
  return usageSentence(safeEcho(text, 300), commandPath);
}

/**
 * `help A B` is `A B --help`, so that both print the same text. When A B is not a command,
 * it is parsed as given, so that commander reports the unknown command or option.
 */
function helpAsOption(program: Command, argv: readonly string[]): string[] {
  if (argv[0] !== "help") return [...argv];
  const words = argv.slice(1);
  let command = program;
  for (const word of words) {
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub === undefined) return words;
    command = sub;
  }
  return [...words, "--help"];
}

/**
 * Runs the CLI; returns the exit code: 0 for help and version, 2 for usage errors, else the code
 * the running command's table gives its failure (its one sentence written on stderr).
 */
export async function runCli(argv: readonly string[], rt: Runtime): Promise<number> {
  const output: ProgramOutput = { stdout: [], code: ExitCode.ok };
  const program = buildProgram(rt, output);
  try {
    return await parse(program, argv, output, rt);
  } catch (error) {
    const { message, exitCode } = describeFailure(error, output.codes ?? FAILURE_CODES.program);
    await rt.stderr.write(`${message}\n`).catch(() => {});
    return exitCode;
  } finally {
    if (output.stdout.length > 0) await rt.stdout.write(output.stdout.join(""));
  }
}

async function parse(
  program: Command,
  argv: readonly string[],
  output: ProgramOutput,
  rt: Runtime,
): Promise<number> {
  if (argv.length === 0) {
    program.outputHelp();
    return ExitCode.ok;
  }
  const args = helpAsOption(program, argv);
  // Its help and options are those of the fast path (main.ts), whichever way it is reached.
  if (args[0] === "credential-process") return await runCredentialProcess(args.slice(1), rt);
  try {
    await program.parseAsync(args, { from: "user" });
    return output.code;
  } catch (error) {
    const usage = error instanceof UsageError
      ? error
      : error instanceof CommanderError
      ? new UsageError(error, "aws-sso-util")
      : undefined;
    if (usage === undefined) throw error;
    if (usage.commanderError.exitCode === 0) return ExitCode.ok; // --help, --version
    throw new ConfigError(usageMessage(usage.commanderError, usage.commandPath), "usage");
  }
}
