/**
 * The set-up mistakes `check` reports about profiles (warnings: they never change its exit code):
 *
 * - a `credential_process` line in a profile that also has `sso_*` / `sso_session` keys: botocore
 *   (so boto3 and the AWS CLI v2) and the SDKs with SSO support in their default chain resolve
 *   the SSO keys first and never run the line;
 * - a `credential_process` program that is not an absolute path (GUI apps and IDEs do not see the
 *   shell's `PATH`), does not exist, or is not executable;
 * - `AWS_PROFILE` / `AWS_DEFAULT_PROFILE` naming a profile that neither the config file nor the
 *   shared credentials file has.
 *
 * @module
 */
import { fileFailureReason } from "../cache/file_failure.ts";
import { type AwsConfigDocument, getProfile } from "./aws_config_file.ts";
import { credentialProcessCommand, isAbsoluteCommand } from "./credential_process_command.ts";
import type { Env } from "./paths.ts";
import type { Finding } from "../ui/check_finding.ts";
import { safeEcho, shownPath } from "../ui/safe_text.ts";

/** Profile keys that make botocore and the SDKs use their own SSO support. */
export const SSO_PROFILE_KEYS: readonly string[] = [
  "sso_session",
  "sso_start_url",
  "sso_region",
  "sso_account_id",
  "sso_role_name",
];

/** What the diagnostics look at. */
export interface ProfileDiagnosticsInput {
  /** The parsed config file (undefined when it is missing or unusable). */
  config: AwsConfigDocument | undefined;
  /** The profiles to examine. */
  profiles: readonly string[];
  env: Env;
  /** Profile names of the shared credentials file. */
  credentialsProfiles: readonly string[];
  os?: string;
}

/** Every finding about `input.profiles` and the profile the environment selects. */
export async function profileDiagnostics(input: ProfileDiagnosticsInput): Promise<Finding[]> {
  const os = input.os ?? Deno.build.os;
  const findings: Finding[] = [];
  for (const name of input.profiles) {
    const profile = input.config && getProfile(input.config, name);
    const line = profile?.get("credential_process");
    if (!profile || !line) continue;
    const shadowing = SSO_PROFILE_KEYS.filter((k) => profile.has(k));
    if (shadowing.length > 0) findings.push(shadowed(name, shadowing));
    findings.push(...await commandFindings(name, line, os));
  }
  findings.push(...envProfileFindings(input));
  return findings;
}

function shadowed(name: string, keys: string[]): Finding {
  return {
    level: "warning",
    text: `Profile ${safeEcho(name)} has a credential_process line, but also ${
      keys.join(", ")
    }: botocore (boto3, the AWS CLI v2) and the AWS SDKs with SSO support in their default chain (JavaScript v3, Go v2) use the SSO keys first and never run it; move credential_process to a profile of its own without sso_* keys.`,
  };
}

async function commandFindings(name: string, line: string, os: string): Promise<Finding[]> {
  const program = credentialProcessCommand(line, os).argv[0];
  const where = `The credential_process program of profile ${safeEcho(name)}`;
  if (program === undefined) {
    return [{
      level: "warning",
      text: `The credential_process line of profile ${safeEcho(name)} is empty.`,
    }];
  }
  const shown = shownPath(program);
  if (!isAbsoluteCommand(program, os)) {
    return [{
      level: "warning",
      text:
        `${where}, ${shown}, is not an absolute path: IDEs, GUI apps and some SDK hosts do not see your shell's PATH (nor expand ~); write its full path.`,
    }];
  }
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(program);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return [{ level: "warning", text: `${where}, ${shown}, does not exist.` }];
    }
    return [{
      level: "info",
      text: `${where}, ${shown}, could not be examined (${fileFailureReason(error)}).`,
    }];
  }
  if (!info.isFile) {
    return [{ level: "warning", text: `${where}, ${shown}, is not a file.` }];
  }
  if (os !== "windows" && info.mode !== null && (info.mode & 0o111) === 0) {
    return [{
      level: "warning",
      text: `${where}, ${shown}, is not executable; run \`chmod +x ${shown}\`.`,
    }];
  }
  return [{ level: "ok", text: `${where} is ${shown}, an executable file.` }];
}

function envProfileFindings(input: ProfileDiagnosticsInput): Finding[] {
  const known = new Set([
    ...(input.config
      ? input.config.sections.filter((s) => s.kind === "profile" || s.kind === "default")
        .map((s) => s.name)
      : []),
    ...input.credentialsProfiles,
  ]);
  const findings: Finding[] = [];
  for (const variable of ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"]) {
    const value = input.env(variable);
    if (value === undefined || value === "" || known.has(value)) continue;
    findings.push({
      level: "warning",
      text: `${variable} is set to ${
        safeEcho(value)
      }, but no such profile exists in the config or credentials file; the AWS CLI and SDKs will fail with "profile not found".`,
    });
  }
  return findings;
}
