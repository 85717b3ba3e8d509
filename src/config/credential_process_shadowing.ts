/**
 * Profiles whose `credential_process` line is never run because botocore and the SDKs find their
 * credentials in the same profile first (botocore 1.43's order: assume-role, web identity, SSO,
 * the credentials file, `login_session`, then `credential_process`):
 *
 * - `login_session` (written by `aws login`, AWS CLI 2.32+): botocore uses the login session, so
 *   the line is lost whatever it runs;
 * - `sso_*` / `sso_session` keys: botocore (boto3, the AWS CLI v2) and the SDKs with SSO support in
 *   their default chain (JavaScript v3, Go v2) use them. A line that runs this tool's
 *   `credential-process` for the same profile is what `configure` writes on purpose (older SDKs run
 *   it, newer ones use the keys: the same role either way); a line that runs another program or
 *   asks for another profile is lost.
 *
 * One finding per distinct problem, naming the profiles it concerns (a populated config has one
 * line per profile). Pure: `check` and `status` both report these.
 *
 * @module
 */
import { type AwsConfigDocument, getProfile } from "./aws_config_file.ts";
import { credentialProcessCommand } from "./credential_process_command.ts";
import type { Finding } from "../base/check_finding.ts";
import { safeEcho } from "../base/safe_text.ts";

/** Profile keys that make botocore and the SDKs use their own SSO support. */
export const SSO_PROFILE_KEYS: readonly string[] = [
  "sso_session",
  "sso_start_url",
  "sso_region",
  "sso_account_id",
  "sso_role_name",
];

/** The profile key of `aws login` (AWS CLI 2.32+), resolved by botocore before the line. */
export const LOGIN_SESSION_KEY = "login_session";

/** "profile a", "profiles a and b", "profiles a, b, c and 67 more" (names escaped). */
export function profilesPhrase(names: readonly string[], shown = 3): string {
  const escaped = names.map((n) => safeEcho(n, 100));
  if (escaped.length === 1) return `profile ${escaped[0]}`;
  const head = escaped.slice(0, escaped.length > shown + 1 ? shown : escaped.length - 1);
  const rest = escaped.length - head.length;
  return `profiles ${head.join(", ")} and ${rest === 1 ? escaped.at(-1) : `${rest} more`}`;
}

/** The phrase at the start of a sentence, with the verb agreeing: "Profiles a and b have". */
function subject(names: readonly string[]): string {
  const phrase = profilesPhrase(names);
  return `${phrase.charAt(0).toUpperCase()}${phrase.slice(1)} ${
    names.length === 1 ? "has" : "have"
  }`;
}

type Problem = "login_session" | "other program" | "other profile" | "intended";

/** What a profile's `credential_process` line comes to; undefined when nothing shadows it. */
function problemOf(name: string, profile: Map<string, string>, os: string): Problem | undefined {
  const line = profile.get("credential_process");
  if (!line) return undefined;
  if (profile.has(LOGIN_SESSION_KEY)) return "login_session";
  if (!SSO_PROFILE_KEYS.some((k) => profile.has(k))) return undefined;
  const command = credentialProcessCommand(line, os);
  if (!command.argv.includes("credential-process")) return "other program";
  if (command.ssoProfile !== undefined && command.ssoProfile !== name) return "other profile";
  return "intended";
}

const SSO_SDKS =
  "botocore (boto3, the AWS CLI v2) and the AWS SDKs with SSO support in their default chain (JavaScript v3, Go v2) use the sso_* keys first and never run it";

function sentence(problem: Problem, names: string[]): Finding {
  const who = subject(names);
  switch (problem) {
    case "login_session":
      return {
        level: "warning",
        text:
          `${who} login_session (from \`aws login\`) beside a credential_process line: botocore 1.43+ (boto3, the AWS CLI 2.32+) uses the login session first and never runs the line; remove login_session, or move credential_process to a profile of its own.`,
      };
    case "other program":
      return {
        level: "warning",
        text:
          `${who} sso_* keys beside a credential_process line that runs another program: ${SSO_SDKS}; move credential_process to a profile of its own without sso_* keys.`,
      };
    case "other profile":
      return {
        level: "warning",
        text:
          `${who} sso_* keys beside a credential_process line that asks for another profile: ${SSO_SDKS}, so that profile's role is not the one used; move credential_process to a profile of its own without sso_* keys.`,
      };
    case "intended":
      return {
        level: "info",
        text:
          `${who} sso_* keys and a credential_process line running credential-process for the same profile, as configure writes them: SDKs with SSO support use the keys, older ones run the line, for the same role.`,
      };
  }
}

/** The shadowing findings about `profiles` of `config`: one per distinct problem. */
export function credentialProcessShadowing(
  config: AwsConfigDocument | undefined,
  profiles: readonly string[],
  os: string = Deno.build.os,
): Finding[] {
  const byProblem = new Map<Problem, string[]>();
  for (const name of profiles) {
    const profile = config && getProfile(config, name);
    const problem = profile && problemOf(name, profile, os);
    if (problem === undefined) continue;
    byProblem.set(problem, [...byProblem.get(problem) ?? [], name]);
  }
  const order: Problem[] = ["login_session", "other program", "other profile", "intended"];
  return order.filter((p) => byProblem.has(p)).map((p) => sentence(p, byProblem.get(p)!));
}
