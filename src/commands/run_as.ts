/**
 * `aws-sso-util run-as`: run a program with role credentials in its environment (static keys,
 * or with `--container-credentials` a loopback credential endpoint that refreshes them for as
 * long as the program runs). The program is started directly, without a shell.
 */
import { fileFailureReason } from "../base/file_failure.ts";
import type { Command } from "../ui/commander.ts";
import { exitCodes } from "../ui/exit_codes.ts";
import { ConfigError, FAILURE_CODES } from "../base/errors.ts";
import { CredentialEndpoint } from "../net/credential_endpoint.ts";
import { childEnvironment } from "../process/child_env.ts";
import { ChildStartError, mayRunAnyProgram, runChild } from "../process/child_command.ts";
import type { Runtime } from "../base/runtime.ts";
import { credentialsForTarget } from "./target_credentials.ts";
import { addRoleOptions } from "../ui/role_options.ts";
import { examplesText } from "../ui/help_text.ts";
import type { RoleOptions } from "../config/role_target.ts";

/** Parsed options of the command. */
export interface RunAsOptions extends RoleOptions {
  region?: string;
  containerCredentials?: boolean;
}

/**
 * The sentence when Deno may not run programs: under the default set (`deno task cli`, the
 * `deno run` lines), never in a release binary, which has the `run-as` set.
 */
export const RUN_PERMISSION_MISSING =
  "run-as needs Deno's permission to run any program, which these permission flags do not grant; use a release binary or `deno run -P=run-as` (or add --allow-run), or `export`/`serve` instead (see docs/permissions.md).";

/** Gets credentials, runs `program` with them and returns its exit code. */
export async function runAs(
  program: string,
  args: readonly string[],
  options: RunAsOptions,
  rt: Runtime,
): Promise<number> {
  const target = await credentialsForTarget(options, rt);
  if (!mayRunAnyProgram()) {
    throw new ChildStartError(RUN_PERMISSION_MISSING, "programNotExecutable");
  }
  const creds = await target.getCredentials();
  if (!options.containerCredentials) {
    return await runChild(
      program,
      args,
      childEnvironment({ kind: "static", credentials: creds }, target.region),
    );
  }
  let endpoint: CredentialEndpoint;
  try {
    endpoint = CredentialEndpoint.start({
      getCredentials: target.getCredentials,
      now: () => rt.now(),
      refreshAheadMs: rt.limits.endpointRefreshAheadMs,
      onError: (message) => void rt.stderr.write(`aws-sso-util run-as: ${message}\n`),
    });
  } catch (error) {
    throw new ConfigError(
      `Cannot listen on 127.0.0.1 for --container-credentials: ${fileFailureReason(error)}.`,
    );
  }
  try {
    await endpoint.credentials(); // holds the first credentials
    return await runChild(
      program,
      args,
      childEnvironment(
        { kind: "container", url: endpoint.url, token: endpoint.token },
        target.region,
      ),
    );
  } finally {
    await endpoint.close();
  }
}

/** Registers `run-as` on the program; `exit` takes the child's exit code. */
export function register(program: Command, rt: Runtime, exit: (code: number) => void): void {
  addRoleOptions(
    exitCodes(program.command("run-as"), FAILURE_CODES.runAs)
      .usage("[options] [--] COMMAND [ARG...]")
      .summary("run a program with role credentials in its environment")
      .description(
        "Run COMMAND directly (no shell) with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, " +
          "AWS_SESSION_TOKEN, the expiration, AWS_ACCOUNT_ID and the region in its environment, " +
          "and exit with its exit code. Options after COMMAND are COMMAND's.",
      )
      .addHelpText(
        "after",
        examplesText([
          "aws-sso-util run-as --profile dev -- aws sts get-caller-identity",
          "aws-sso-util run-as -a 123456789012 -r ReadOnly --container-credentials terraform plan",
        ]),
      ),
  )
    .argument("<COMMAND>", "the program to run")
    .argument("[ARG...]", "its arguments, passed exactly as given")
    .option("--region <REGION>", "set AWS_REGION and AWS_DEFAULT_REGION (default: the profile's)")
    .option(
      "--container-credentials",
      "serve refreshed credentials to the program on 127.0.0.1 instead of static keys",
    )
    .passThroughOptions()
    .action(async (command: string, args: string[], options: RunAsOptions) => {
      exit(await runAs(command, args, options, rt));
    });
}
