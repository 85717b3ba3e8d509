/**
 * `aws-sso-util export`: print role credentials for a shell or tool (`env`, `env-no-export`,
 * `powershell`, `windows-cmd`, `fish`, `json`, `dotenv`), or write them into a section of the
 * shared credentials file with `--write-credentials PROFILE`.
 */
import { type Command, Option } from "../ui/commander.ts";
import { exitCodes } from "../ui/exit_codes.ts";
import {
  checkCredentialsSectionName,
  CREDENTIALS_FILE,
  credentialsFilePath,
  writeCredentialsSection,
} from "../cache/credentials_file.ts";
import { readConfigFile } from "../config/config_writer.ts";
import type { Runtime } from "../base/runtime.ts";
import { credentialsForTarget } from "./target_credentials.ts";
import {
  EXPORT_FORMATS,
  type ExportFormat,
  formatCredentialExports,
} from "../ui/credential_exports.ts";
import { addRoleOptions } from "../ui/role_options.ts";
import { examplesText } from "../ui/help_text.ts";
import { ConfigError, FAILURE_CODES } from "../base/errors.ts";
import { safeEcho, shownPath } from "../base/safe_text.ts";
import type { RoleOptions } from "../config/role_target.ts";

/** Parsed options of the command. */
export interface ExportOptions extends RoleOptions {
  format?: ExportFormat;
  writeCredentials?: string;
}

/** Gets the credentials, then prints them in the format or writes the credentials file. */
export async function runExport(options: ExportOptions, rt: Runtime): Promise<void> {
  const format = options.format ?? "env";
  if (options.writeCredentials !== undefined && options.format !== undefined) {
    throw new ConfigError("Give either --format or --write-credentials, not both.");
  }
  const path = credentialsFilePath(rt.env);
  // The section name and the file are checked before anything is fetched.
  if (options.writeCredentials !== undefined) {
    checkCredentialsSectionName(options.writeCredentials);
    await readConfigFile(path, CREDENTIALS_FILE);
  }
  const target = await credentialsForTarget(options, rt);
  const creds = await target.getCredentials();
  if (options.writeCredentials !== undefined) {
    await writeCredentialsSection(path, options.writeCredentials, creds);
    await rt.stderr.write(
      `Wrote the credentials of profile ${safeEcho(options.writeCredentials)} to ${
        shownPath(path)
      }.\n`,
    );
    return;
  }
  await rt.stdout.write(formatCredentialExports(creds, format));
}

/** Registers `export` on the program. */
export function register(program: Command, rt: Runtime): void {
  addRoleOptions(
    exitCodes(program.command("export"), FAILURE_CODES.export)
      .summary("print credentials as shell variables, JSON or dotenv, or write them to a file")
      .description(
        'Print role credentials for programs that read AWS_* variables: `eval "$(aws-sso-util ' +
          'export --profile NAME)"`. The role comes from --profile, or -a/-r with the SSO ' +
          "instance from -u/--sso-region or the config file.",
      )
      .addHelpText(
        "after",
        examplesText([
          'eval "$(aws-sso-util export --profile dev)"',
          "aws-sso-util export --profile dev -f dotenv > .env",
          "aws-sso-util export -a 123456789012 -r ReadOnly --write-credentials ci",
        ]),
      ),
  )
    .addOption(
      new Option("-f, --format <FORMAT>", "output format (default env)").choices(EXPORT_FORMATS),
    )
    .option(
      "--write-credentials <PROFILE>",
      "write the keys into section [PROFILE] of the shared credentials file instead of printing them",
    )
    .action(async (options: ExportOptions) => {
      await runExport(options, rt);
    });
}
