/**
 * The profiles of the shared credentials file (`[NAME]` sections), which botocore and the SDKs
 * accept as profiles as well: their names (`check`), and their keys (static keys that a role
 * chain may start from, `role_chain.ts`).
 *
 * @module
 */
import { MAX_CONFIG_BYTES, readBoundedText } from "../base/bounded_read.ts";
import { fileFailureReason } from "../base/file_failure.ts";
import { ConfigError } from "../base/errors.ts";
import { shownPath } from "../base/safe_text.ts";
import {
  type AwsConfigDocument,
  ConfigParseError,
  type CredentialsFileProfiles,
  parseAwsConfig,
} from "../config/aws_config_file.ts";

/** A section's profile name: `[profile x]` in the credentials file is a profile named "profile x". */
function sectionName(section: AwsConfigDocument["sections"][number]): string {
  return section.kind === "default" || section.kind === "other"
    ? section.name
    : `${section.kind} ${section.name}`;
}

/** The section names of the credentials file at `path` (empty when it cannot be read). */
export async function credentialsFileProfiles(path: string): Promise<string[]> {
  try {
    const doc = parseAwsConfig(await readBoundedText(path, MAX_CONFIG_BYTES));
    return doc.sections.map(sectionName);
  } catch {
    return [];
  }
}

/**
 * The profiles and keys of the credentials file at `path` (4 MiB at most); a missing file has
 * none, an unreadable or malformed one is a ConfigError naming it (its keys are never echoed).
 */
export async function readCredentialsFile(path: string): Promise<CredentialsFileProfiles> {
  let text: string;
  try {
    text = await readBoundedText(path, MAX_CONFIG_BYTES);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return new Map();
    throw new ConfigError(
      `Cannot read the credentials file ${shownPath(path)}: ${fileFailureReason(error)}.`,
    );
  }
  let doc: AwsConfigDocument;
  try {
    doc = parseAwsConfig(text);
  } catch (error) {
    if (!(error instanceof ConfigParseError)) throw error;
    throw new ConfigError(
      `The credentials file ${shownPath(path)} is malformed at line ${error.lineNumber}.`,
    );
  }
  const profiles: CredentialsFileProfiles = new Map();
  for (const section of doc.sections) {
    const keys = profiles.get(sectionName(section)) ?? new Map<string, string>();
    for (const entry of section.entries) {
      if (!entry.subsection) keys.set(entry.key, entry.value);
    }
    profiles.set(sectionName(section), keys);
  }
  return profiles;
}
