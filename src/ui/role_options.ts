/**
 * The options `run-as`, `export` and `serve` share: which role (`--profile`, or `-a`/`-r` with
 * `-u`/`--sso-region` as the Python tool's `run-as` takes them), and how credentials are got
 * (`--login`, `--force-refresh`, `-v`).
 *
 * @module
 */
import type { Command } from "./commander.ts";

/** Adds the shared options to `command`. */
export function addRoleOptions(command: Command): Command {
  return command
    .option("--profile <NAME>", "the role of this profile of the AWS config file")
    .option("-a, --account-id <ID>", "account id (left-padded with zeros to 12 digits)")
    .option("-r, --role-name <NAME>", "role (permission set) name")
    .option(
      "-u, --sso-start-url <URL>",
      "SSO start URL, or a substring/regex of a configured one (env AWS_DEFAULT_SSO_START_URL)",
    )
    .option("--sso-region <REGION>", "SSO region of the start URL (env AWS_DEFAULT_SSO_REGION)")
    .option(
      "--login",
      "log in first when a login is required and a terminal or browser can reach you",
    )
    .option("--force-refresh", "ignore cached credentials and refresh the SSO token when possible")
    .option("-v, --verbose", "print debug lines on stderr");
}
