/**
 * What a profile's `credential_process` line runs, read as botocore reads it: the line is split
 * into words without a shell (POSIX shell quoting rules; on Windows backslashes are literal),
 * and the first word is the program. When the program is this tool's `credential-process`, the
 * profile it is asked for (`--profile NAME`) is the one whose SSO settings matter.
 *
 * @module
 */
import { splitCommandLine } from "../base/shell_split.ts";
import type { SettingFlags } from "./settings.ts";

/** A `credential_process` line, split. */
export interface CredentialProcessCommand {
  /** The words botocore passes to the OS (the program first). */
  argv: string[];
  /** For `… credential-process --profile NAME`: NAME. */
  ssoProfile?: string;
}

/** Splits a `credential_process` value and finds the profile it asks `credential-process` for. */
export function credentialProcessCommand(
  line: string,
  os: string = Deno.build.os,
): CredentialProcessCommand {
  const argv = splitCommandLine(line, os !== "windows");
  const at = argv.indexOf("credential-process");
  if (at < 0) return { argv };
  let ssoProfile: string | undefined;
  for (let i = at + 1; i < argv.length; i++) {
    const word = argv[i];
    if (word === "--profile" && i + 1 < argv.length) ssoProfile = argv[++i];
    else if (word.startsWith("--profile=")) ssoProfile = word.slice("--profile=".length);
  }
  return { argv, ssoProfile };
}

/** credential-process's setting flags (with their aliases), as the command reads them. */
const SETTING_FLAGS: Record<string, keyof SettingFlags> = {
  "--profile": "profile",
  "--sso-start-url": "ssoStartUrl",
  "--start-url": "ssoStartUrl",
  "--sso-region": "ssoRegion",
  "--region": "ssoRegion",
  "--account-id": "accountId",
  "--role-name": "roleName",
};

/**
 * The setting flags a `… credential-process` line gives the command (`--profile NAME`,
 * `--account-id=ID`, …; the last of a repeated flag wins); undefined when the line does not run
 * `credential-process`.
 */
export function credentialProcessFlags(
  command: CredentialProcessCommand,
): SettingFlags | undefined {
  const at = command.argv.indexOf("credential-process");
  if (at < 0) return undefined;
  const flags: SettingFlags = {};
  for (let i = at + 1; i < command.argv.length; i++) {
    const [name, inline] = command.argv[i].split(/=(.*)/s, 2);
    const key = SETTING_FLAGS[name];
    if (key === undefined) continue;
    const value = inline ?? command.argv[++i];
    if (value !== undefined) flags[key] = value;
  }
  return flags;
}

/** True when `path` is absolute on `os` (`/…`; on Windows `C:\…` or `\\server\…`). */
export function isAbsoluteCommand(path: string, os: string = Deno.build.os): boolean {
  if (os === "windows") return /^[A-Za-z]:[\\/]/.test(path) || /^[\\/]{2}/.test(path);
  return path.startsWith("/");
}
