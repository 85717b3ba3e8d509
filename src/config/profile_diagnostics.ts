/**
 * The set-up mistakes `check` reports about profiles (warnings: they never change its exit code),
 * each once per distinct problem, naming the profiles it concerns:
 *
 * - a `credential_process` line that botocore and the SDKs never run (`login_session`, or `sso_*`
 *   keys beside a line that runs another program or asks for another profile), see
 *   `credential_process_shadowing.ts`;
 * - a `credential_process` program that is not an absolute path (GUI apps and IDEs do not see the
 *   shell's `PATH`), does not exist, or is not executable;
 * - `AWS_PROFILE` / `AWS_DEFAULT_PROFILE` naming a profile that neither the config file nor the
 *   shared credentials file has.
 *
 * @module
 */
import { fileFailureReason } from "../base/file_failure.ts";
import { type AwsConfigDocument, getProfile } from "./aws_config_file.ts";
import { credentialProcessCommand, isAbsoluteCommand } from "./credential_process_command.ts";
import { credentialProcessShadowing, profilesPhrase } from "./credential_process_shadowing.ts";
import type { Env } from "../base/paths.ts";
import type { Finding } from "../base/check_finding.ts";
import { safeEcho, shownPath } from "../base/safe_text.ts";
import { didYouMean } from "../base/did_you_mean.ts";

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
  const findings = credentialProcessShadowing(input.config, input.profiles, os);
  // Profiles by the program their line runs ("" for an empty line), in the order met.
  const byProgram = new Map<string, string[]>();
  for (const name of input.profiles) {
    const line = input.config && getProfile(input.config, name)?.get("credential_process");
    if (!line) continue;
    const program = credentialProcessCommand(line, os).argv[0] ?? "";
    byProgram.set(program, [...byProgram.get(program) ?? [], name]);
  }
  for (const [program, names] of byProgram) {
    findings.push(await programFinding(program, names, os));
  }
  findings.push(...envProfileFindings(input));
  return findings;
}

async function programFinding(program: string, names: string[], os: string): Promise<Finding> {
  const whose = profilesPhrase(names);
  if (program === "") {
    return { level: "warning", text: `The credential_process line of ${whose} is empty.` };
  }
  const where = `The credential_process program of ${whose}`;
  const shown = shownPath(program);
  if (!isAbsoluteCommand(program, os)) {
    return {
      level: "warning",
      text:
        `${where}, ${shown}, is not an absolute path: IDEs, GUI apps and some SDK hosts do not see your shell's PATH (nor expand ~); write its full path.`,
    };
  }
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(program);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { level: "warning", text: `${where}, ${shown}, does not exist.` };
    }
    return {
      level: "info",
      text: `${where}, ${shown}, could not be examined (${fileFailureReason(error)}).`,
    };
  }
  if (!info.isFile) return { level: "warning", text: `${where}, ${shown}, is not a file.` };
  if (os !== "windows" && info.mode !== null && (info.mode & 0o111) === 0) {
    return {
      level: "warning",
      text: `${where}, ${shown}, is not executable; run \`chmod +x ${shown}\`.`,
    };
  }
  return { level: "ok", text: `${where} is ${shown}, an executable file.` };
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
      }, but no such profile exists in the config or credentials file${
        didYouMean(value, known)
      }; the AWS CLI and SDKs will fail with "profile not found".`,
    });
  }
  return findings;
}
