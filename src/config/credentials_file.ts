/**
 * Writes role credentials into one `[NAME]` section of the shared credentials file
 * (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`), as `export --write-credentials`
 * does: line-preserving (every other section, comment and blank line stays byte for byte),
 * atomic (temp file and rename) and always 0600 (it holds secrets: a looser mode is narrowed).
 *
 * @module
 */
import type { RoleCredentials } from "../cache/credential_cache.ts";
import { writeFileAtomic } from "../cache/atomic_file.ts";
import { formatAwsTimestamp } from "../cache/timestamps.ts";
import { ConfigError, FileSystemError } from "../errors.ts";
import { safeEcho, shownPath } from "../ui/safe_text.ts";
import { editConfigText } from "./aws_config_edit.ts";
import { ConfigParseError, parseAwsConfig } from "./aws_config_file.ts";
import { type Env, expandHome, homeDir, joinPath } from "./paths.ts";

/** The shared credentials file for `env`, as the SDKs find it. */
export function credentialsFilePath(env: Env): string {
  const fromEnv = env("AWS_SHARED_CREDENTIALS_FILE");
  return fromEnv ? expandHome(fromEnv, env) : joinPath(homeDir(env), ".aws", "credentials");
}

/** Section names we write: no spaces or brackets, so no SDK reads them as anything else. */
const SECTION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@+=,:\/-]*$/;

/** The keys written into the section, in order. */
export function credentialsFileKeys(creds: RoleCredentials): [string, string][] {
  return [
    ["aws_access_key_id", creds.accessKeyId],
    ["aws_secret_access_key", creds.secretAccessKey],
    ["aws_session_token", creds.sessionToken],
    ["aws_credential_expiration", formatAwsTimestamp(creds.expiration)],
    ...(creds.accountId ? [["aws_account_id", creds.accountId] as [string, string]] : []),
  ];
}

/** Sets the keys of section `name` (creating it at the end when missing) in the file's text. */
export function editCredentialsText(
  text: string,
  name: string,
  creds: RoleCredentials,
): string {
  if (!SECTION_NAME.test(name)) {
    throw new ConfigError(
      `The profile name ${
        safeEcho(name)
      } cannot be a credentials file section; use letters, digits and _.@+=,:/- only.`,
    );
  }
  return editConfigText(text, {
    target: { kind: "credentials", name },
    set: credentialsFileKeys(creds),
  });
}

/** Writes `creds` into section `name` of the credentials file at `path`. */
export async function writeCredentialsSection(
  path: string,
  name: string,
  creds: RoleCredentials,
): Promise<void> {
  let text = "";
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) {
      throw new FileSystemError(
        `Cannot write the credentials file ${shownPath(path)}: it is a directory.`,
      );
    }
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof FileSystemError) throw error;
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new FileSystemError(
        `Cannot read the credentials file ${shownPath(path)}: ${reason(error)}.`,
      );
    }
  }
  let next: string;
  try {
    next = editCredentialsText(text, name, creds);
  } catch (error) {
    if (error instanceof ConfigParseError) {
      throw new ConfigError(
        `The credentials file ${shownPath(path)} is malformed: ${error.message}.`,
      );
    }
    throw error;
  }
  parseAwsConfig(next); // the edit keeps the file parseable (throws otherwise, a bug)
  try {
    await writeFileAtomic(path, next, { mode: 0o600 });
  } catch (error) {
    throw new FileSystemError(
      `Cannot write the credentials file ${shownPath(path)}: ${reason(error)}.`,
    );
  }
}

function reason(error: unknown): string {
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.NotCapable) return "Deno permission was not granted";
  if (error instanceof Deno.errors.NotADirectory) return "a parent of it is not a directory";
  if (error instanceof Deno.errors.InvalidData) return "it is not valid UTF-8 text";
  return error instanceof Error ? error.name : "unknown error";
}
