/**
 * Writes role credentials into one `[NAME]` section of the shared credentials file
 * (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`), as `export --write-credentials`
 * does: line-preserving (every other section, comment and blank line stays byte for byte),
 * atomic (temp file and rename), through a symlink, and always 0600 (it holds secrets: a looser
 * mode is narrowed); written with the config file's writer (`config_writer.ts`).
 *
 * @module
 */
import type { RoleCredentials } from "./credential_cache.ts";
import { formatAwsTimestamp } from "../base/timestamps.ts";
import { ConfigError } from "../base/errors.ts";
import { safeEcho, shownPath } from "../base/safe_text.ts";
import { editConfigText } from "../config/aws_config_edit.ts";
import { ConfigParseError } from "../config/aws_config_file.ts";
import { type ConfigFileKind, updateConfigFile } from "../config/config_writer.ts";
import { type Env, expandHome, homeDir, joinPath } from "../base/paths.ts";

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
  checkCredentialsSectionName(name);
  return editConfigText(text, {
    target: { kind: "credentials", name },
    set: credentialsFileKeys(creds),
  });
}

/** How the credentials file is rewritten: 0600 always, its failures exit 5. */
export const CREDENTIALS_FILE: ConfigFileKind = {
  label: "the credentials file",
  failureKind: "fileSystem",
  mode: 0o600,
};

/** The error of a section name that cannot be written (checked before anything is fetched). */
export function checkCredentialsSectionName(name: string): void {
  if (!SECTION_NAME.test(name)) {
    throw new ConfigError(
      `The profile name ${
        safeEcho(name)
      } cannot be a credentials file section; use letters, digits and _.@+=,:/- only.`,
    );
  }
}

/**
 * Writes `creds` into section `name` of the credentials file at `path`, through a symlink to its
 * target; a device, FIFO or file larger than 4 MiB is refused without being read (exit 5).
 */
export async function writeCredentialsSection(
  path: string,
  name: string,
  creds: RoleCredentials,
): Promise<void> {
  await updateConfigFile(path, (text) => {
    try {
      return editCredentialsText(text ?? "", name, creds);
    } catch (error) {
      if (error instanceof ConfigParseError) {
        throw new ConfigError(
          `The credentials file ${shownPath(path)} is malformed: ${error.message}.`,
        );
      }
      throw error;
    }
  }, CREDENTIALS_FILE);
}
