/**
 * The profile names of the shared credentials file (`[NAME]` sections), which botocore and the
 * SDKs accept as profiles as well. Only section headers are looked at; a missing, unreadable or
 * malformed file has none.
 *
 * @module
 */
import { MAX_CONFIG_BYTES, readBoundedText } from "../base/bounded_read.ts";
import { parseAwsConfig } from "../config/aws_config_file.ts";

/** The section names of the credentials file at `path` (empty when it cannot be read). */
export async function credentialsFileProfiles(path: string): Promise<string[]> {
  try {
    const doc = parseAwsConfig(await readBoundedText(path, MAX_CONFIG_BYTES));
    // `[profile x]` in the credentials file is a profile literally named "profile x".
    return doc.sections.map((s) =>
      s.kind === "default" || s.kind === "other" ? s.name : `${s.kind} ${s.name}`
    );
  } catch {
    return [];
  }
}
