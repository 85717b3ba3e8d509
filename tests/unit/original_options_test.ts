/**
 * Drop-in for the Python tool's users: every option spelling of the original `aws-sso-util` 4.33
 * (benkehoe/aws-sso-util, `cli/src/aws_sso_util/*.py`, the `@click.option` lines of the commands
 * this tool re-creates, hidden ones and `--x/--no-x` pairs included) is accepted by ours, and
 * means what the spelling of the same option does (a spelling that parses but is ignored fails).
 *
 * The table is the original's, copied from its source: update it only from there.
 *
 * @module
 */
import { assert, assertEquals } from "../assert.ts";
import { buildProgram } from "../../src/cli.ts";
import { CREDENTIAL_PROCESS_OPTIONS } from "../../src/commands/credential_process.ts";
import { parseOptions } from "../../src/ui/args.ts";
import { systemRuntime } from "../../src/system_runtime.ts";

/**
 * One `@click.option`: its names (click's `--on/--off` pairs split into an "on" and an "off"
 * option) and a value when it takes one (the first choice of a `click.Choice`).
 */
type OriginalOption = { names: string[]; value?: string; off?: string[] };

/** A command of the original: positional arguments a parse needs, and its options. */
interface OriginalCommand {
  positionals?: string[];
  options: OriginalOption[];
}

const VERBOSE: OriginalOption = { names: ["--verbose", "-v"] };
/** `-u` and `--sso-region`, as most commands of the original spell them. */
const INSTANCE: OriginalOption[] = [
  { names: ["--sso-start-url", "-u"], value: "https://x.awsapps.com/start" },
  { names: ["--sso-region"], value: "us-east-1" },
];
/** `-a` and `-r` of `console` and `run-as`. */
const ACCOUNT_ROLE: OriginalOption[] = [
  { names: ["--account-id", "-a"], value: "123456789012" },
  { names: ["--role-name", "-r"], value: "Admin" },
];
/** The console region and destination of `console launch` and `get-config-token`. */
const CONSOLE_TARGET: OriginalOption[] = [
  { names: ["--region"], value: "eu-west-1" },
  { names: ["--destination"], value: "/s3" },
  { names: ["--override-region-in-destination"], off: ["--keep-region-in-destination"] },
  { names: ["--duration"], value: "60" },
];
/** How `console launch` and `launch-from-config` deliver the URL. */
const CONSOLE_DELIVERY: OriginalOption[] = [
  { names: ["--open", "-o"], off: ["--no-open"] },
  { names: ["--print", "-p"], off: ["--no-print"] },
  { names: ["--logout-first", "-l"], off: ["--no-logout-first"] },
  { names: ["--force-refresh"] },
];

/** The original's option table (4.33), command by command. */
export const ORIGINAL_OPTIONS: Record<string, OriginalCommand> = {
  "credential-process": {
    options: [
      { names: ["--profile"], value: "dev" },
      { names: ["--sso-start-url", "--start-url"], value: "https://x.awsapps.com/start" },
      { names: ["--sso-region", "--region"], value: "us-east-1" },
      { names: ["--account-id"], value: "123456789012" },
      { names: ["--role-name"], value: "Admin" },
      { names: ["--force-refresh"] },
      { names: ["--verbose", "-v", "--debug"] },
    ],
  },
  "login": {
    positionals: [],
    options: [
      { names: ["--profile"], value: "dev" },
      { names: ["--all"] },
      { names: ["--force-refresh", "--force"] },
      { names: ["--headless"] },
      VERBOSE,
      { names: ["--sso-start-url"], value: "https://x.awsapps.com/start" },
      { names: ["--sso-region"], value: "us-east-1" },
    ],
  },
  "logout": { options: [{ names: ["--verbose", "-v", "--debug"] }] },
  "check": {
    options: [
      ...INSTANCE,
      { names: ["--account-id", "-a", "--account"], value: "123456789012" },
      { names: ["--role-name", "-r"], value: "Admin" },
      { names: ["--check-profile"], value: "dev" },
      { names: ["--command"], value: "login" },
      { names: ["--instance-details"] },
      { names: ["--skip-token-check"] },
      { names: ["--force-refresh"] },
      { names: ["--quiet", "-q"] },
      VERBOSE,
    ],
  },
  "configure profile": {
    positionals: ["dev"],
    options: [
      ...INSTANCE,
      { names: ["--account-id", "-a", "--account"], value: "123456789012" },
      { names: ["--role-name", "-r"], value: "Admin" },
      { names: ["--region"], value: "eu-west-1" },
      { names: ["--output", "-o"], value: "json" },
      { names: ["--config-default", "-c"], value: "a=b" },
      { names: ["--existing-config-action"], value: "overwrite" },
      { names: ["--interactive"], off: ["--non-interactive"] },
      { names: ["--credential-process"], off: ["--no-credential-process"] },
      VERBOSE,
    ],
  },
  "configure populate": {
    options: [
      ...INSTANCE,
      { names: ["--region", "-r"], value: "eu-west-1" },
      { names: ["--dry-run"] },
      { names: ["--config-default", "-c"], value: "a=b" },
      { names: ["--existing-config-action"], value: "overwrite" },
      { names: ["--components"], value: "account_id,role_name" },
      { names: ["--separator", "--sep"], value: "_" },
      { names: ["--include-region"], value: "always" },
      { names: ["--region-style"], value: "long" },
      { names: ["--trim-account-name"], value: "^x" },
      { names: ["--trim-role-name"], value: "^x" },
      { names: ["--account-name-case"], value: "capitalize" },
      { names: ["--role-name-case"], value: "capitalize" },
      { names: ["--profile-name-process"], value: "echo" },
      { names: ["--safe-account-names"], off: ["--raw-account-names"] },
      { names: ["--credential-process"], off: ["--no-credential-process"] },
      { names: ["--force-refresh"] },
      VERBOSE,
    ],
  },
  "console launch": {
    options: [...INSTANCE, ...ACCOUNT_ROLE, ...CONSOLE_TARGET, ...CONSOLE_DELIVERY, VERBOSE],
  },
  "console get-config-token": {
    options: [
      ...INSTANCE,
      ...ACCOUNT_ROLE,
      ...CONSOLE_TARGET,
      { names: ["--issuer"], value: "https://x.example" },
      VERBOSE,
    ],
  },
  "console launch-from-config": {
    options: [
      { names: ["--config-token", "-t"], value: "eyJ2IjoiMSJ9" },
      ...ACCOUNT_ROLE,
      ...CONSOLE_DELIVERY,
      VERBOSE,
    ],
  },
  "roles": {
    options: [
      ...INSTANCE,
      { names: ["--account-id", "-a", "--account"], value: "123456789012" },
      { names: ["--role-name", "-r"], value: "Admin" },
      { names: ["--separator", "--sep"], value: "," },
      { names: ["--header"], off: ["--no-header"] },
      { names: ["--sort-by"], value: "id,role" },
      { names: ["--force-refresh"] },
      VERBOSE,
    ],
  },
  "run-as": {
    positionals: ["aws", "sts", "get-caller-identity"],
    options: [
      ...INSTANCE,
      ...ACCOUNT_ROLE,
      { names: ["--region"], value: "eu-west-1" },
      { names: ["--force-refresh"] },
      VERBOSE,
    ],
  },
};

/** What a parse gave the command: its options and positional arguments. */
type Parsed = { options: Record<string, unknown>; args: string[] };

/** Parses `argv` as the CLI does, without running any command; throws a usage error. */
async function parse(argv: string[]): Promise<Parsed> {
  if (argv[0] === "credential-process") {
    return { options: parseOptions(argv.slice(1), CREDENTIAL_PROCESS_OPTIONS), args: [] };
  }
  let parsed: Parsed | undefined;
  type Cmd = {
    commands: Cmd[];
    action(fn: (...args: unknown[]) => void): Cmd;
    opts(): Record<string, unknown>;
    processedArgs: unknown[];
  };
  const program = buildProgram(systemRuntime()) as unknown as Cmd & {
    parseAsync(argv: string[], options: { from: "user" }): Promise<unknown>;
  };
  const intercept = (command: Cmd) => {
    for (const sub of command.commands) {
      intercept(sub);
      sub.action(() => {
        parsed = {
          options: { ...sub.opts() },
          args: sub.processedArgs.flat().filter((a): a is string => typeof a === "string"),
        };
      });
    }
  };
  intercept(program);
  await program.parseAsync(argv, { from: "user" });
  assert(parsed, `${argv.join(" ")} ran no command`);
  return parsed;
}

/** `-vv`, `-vvv`: click's counted `-v`. */
const COUNTED = ["-vv", "-vvv"];

Deno.test("every option spelling of the original aws-sso-util parses, and as its own option does", async () => {
  const problems: string[] = [];
  let walked = 0;
  for (const [path, command] of Object.entries(ORIGINAL_OPTIONS)) {
    const positionals = command.positionals ?? [];
    const base = await parse([...path.split(" "), ...positionals]);
    for (const option of command.options) {
      for (const names of [option.names, ...(option.off ? [option.off] : [])]) {
        let first: Parsed | undefined;
        for (const name of [...names, ...(names.includes("-v") ? COUNTED : [])]) {
          const argv = [
            ...path.split(" "),
            name,
            ...(option.value === undefined ? [] : [option.value]),
            ...positionals,
          ];
          walked++;
          let parsed: Parsed;
          try {
            parsed = await parse(argv);
          } catch (error) {
            problems.push(`${argv.join(" ")}: ${(error as Error).message}`);
            continue;
          }
          if (JSON.stringify(parsed.args) !== JSON.stringify(base.args)) {
            problems.push(`${argv.join(" ")}: takes ${parsed.args.join(" ")} as arguments`);
          }
          if (JSON.stringify(parsed.options) === JSON.stringify(base.options)) {
            problems.push(`${path} ${name} parses but changes nothing`);
          }
          first ??= parsed;
          if (JSON.stringify(parsed.options) !== JSON.stringify(first.options)) {
            problems.push(`${path} ${name} does not mean what ${names[0]} means`);
          }
        }
      }
    }
  }
  assertEquals(problems, []);
  assert(walked > 150, `walked only ${walked} spellings`);
});

Deno.test("-v is counted as in the original: -v -v is accepted everywhere -v is", async () => {
  for (const [path, command] of Object.entries(ORIGINAL_OPTIONS)) {
    if (!command.options.some((o) => o.names.includes("-v"))) continue;
    const argv = [...path.split(" "), "-v", "-v", ...(command.positionals ?? [])];
    const twice = await parse(argv);
    const once = await parse([...path.split(" "), "-v", ...(command.positionals ?? [])]);
    assertEquals(twice.options, once.options, argv.join(" "));
  }
});

/** The environment variables the original reads in the commands this tool re-creates (4.33). */
const ORIGINAL_ENV = [
  "AWS_CONFIGURE_DEFAULT_REGION",
  "AWS_CONFIGURE_DEFAULT_SSO_REGION",
  "AWS_CONFIGURE_DEFAULT_SSO_START_URL",
  "AWS_CONFIGURE_SSO_DEFAULT_PROFILE_NAME_SEPARATOR",
  "AWS_CONFIGURE_SSO_DEFAULT_SSO_REGION",
  "AWS_CONFIGURE_SSO_DEFAULT_SSO_START_URL",
  "AWS_CONFIGURE_SSO_DISABLE_CREDENTIAL_PROCESS",
  "AWS_CONSOLE_DEFAULT_DESTINATION",
  "AWS_CONSOLE_DEFAULT_ISSUER",
  "AWS_CONSOLE_DEFAULT_REGION",
  "AWS_CONSOLE_LOGOUT_FIRST",
  "AWS_DEFAULT_REGION",
  "AWS_DEFAULT_SSO_REGION",
  "AWS_DEFAULT_SSO_START_URL",
  "AWS_SSO_ACCOUNT_ID",
  "AWS_SSO_CONFIGURE_DEFAULT_SSO_REGION",
  "AWS_SSO_CONFIGURE_DEFAULT_SSO_START_URL",
  "AWS_SSO_CREDENTIAL_PROCESS_DEBUG",
  "AWS_SSO_CREDENTIAL_PROCESS_NAME",
  "AWS_SSO_LOGIN_ALL",
  "AWS_SSO_LOGIN_DEFAULT_SSO_REGION",
  "AWS_SSO_LOGIN_DEFAULT_SSO_START_URL",
  "AWS_SSO_REGION",
  "AWS_SSO_ROLE_NAME",
  "AWS_SSO_START_URL",
];

Deno.test("every environment variable of the original is read by the code and documented", async () => {
  const texts: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(new URL(dir, import.meta.url))) {
      if (entry.isDirectory) await walk(`${dir}${entry.name}/`);
      else if (/\.(ts|md)$/.test(entry.name)) {
        texts.push(await Deno.readTextFile(new URL(`${dir}${entry.name}`, import.meta.url)));
      }
    }
  };
  await walk("../../src/");
  const code = texts.join("\n");
  texts.length = 0;
  await walk("../../docs/");
  const docs = texts.join("\n");
  const missing = ORIGINAL_ENV.flatMap((name) => [
    ...(code.includes(`"${name}"`) ? [] : [`${name}: not read in src/`]),
    ...(docs.includes(name) ? [] : [`${name}: not in docs/`]),
  ]);
  assertEquals(missing, []);
});
