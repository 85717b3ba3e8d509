/**
 * `configure populate --profile-name-process CMD`: the profile name comes from a command run once
 * per (account, role, region), without a shell: CMD's words, then account_name (after the safe
 * account names rule), account_id, role_name, region, short_region, region_index (0-based) and
 * num_regions. Its stdout, stripped, is the name (`SKIP` drops the profile).
 *
 * Running a program needs Deno's `run` permission for it, which the tool's declared permission set
 * grants only to the browser openers: without it, the command fails with one sentence that says
 * how to grant it.
 *
 * @module
 */
import { ConfigError } from "../base/errors.ts";
import { safeEcho } from "../base/safe_text.ts";
import { shellSplit } from "../base/shell_split.ts";
import { accountNameForProfile, type NameInput, shortRegion, SKIP_NAME } from "./profile_naming.ts";

/** Runs the name command; a bad command line is a ConfigError at construction. */
export class ProfileNameProcess {
  readonly #argv: string[];

  constructor(command: string, readonly safeAccountNames: boolean) {
    this.#argv = shellSplit(command, "--profile-name-process");
    if (this.#argv.length === 0) throw new ConfigError("--profile-name-process is empty.");
  }

  /** The arguments appended to the command for one name. */
  argsFor(input: NameInput): string[] {
    return [
      accountNameForProfile(input, this.safeAccountNames),
      input.accountId,
      input.roleName,
      input.region,
      shortRegion(input.region),
      String(input.regionIndex),
      String(input.numRegions),
    ];
  }

  /** The name for one input, or undefined for `SKIP`. */
  async name(input: NameInput): Promise<string | undefined> {
    const [program, ...args] = this.#argv;
    let output: Deno.CommandOutput;
    try {
      output = await new Deno.Command(program, {
        args: [...args, ...this.argsFor(input)],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (error) {
      if (
        error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied
      ) {
        throw new ConfigError(
          `--profile-name-process cannot run ${
            safeEcho(program)
          }: Deno's permission to run it was not granted (the declared permission set only allows the browser openers); run the tool with --allow-run=${
            safeEcho(program)
          } added, or use --components.`,
        );
      }
      if (error instanceof Deno.errors.NotFound) {
        throw new ConfigError(
          `--profile-name-process: the program ${safeEcho(program)} was not found.`,
        );
      }
      throw error;
    }
    if (!output.success) {
      const detail = new TextDecoder().decode(output.stderr).trim().split("\n")[0] ?? "";
      throw new ConfigError(
        `--profile-name-process ${safeEcho(program)} exited with code ${output.code}${
          detail ? `: ${safeEcho(detail, 200)}` : ""
        }.`,
      );
    }
    const name = new TextDecoder().decode(output.stdout).trim();
    return name === SKIP_NAME ? undefined : name;
  }
}
