/**
 * A token file read for diagnosis (`check`): unlike `readToken`, which treats every problem as
 * "no token", it tells a missing file from one that cannot be read (with its owner, for a
 * permission error), from one whose content is not a usable token.
 *
 * @module
 */
import { MAX_CACHE_FILE_BYTES, readBoundedText, RefusedFileError } from "../base/bounded_read.ts";
import { parseJsonObject } from "../base/json_object.ts";
import { fileFailureReason } from "../base/file_failure.ts";
import { type SsoToken, tokenFromJson } from "./token_cache.ts";
import { parseAwsTimestamp } from "../base/timestamps.ts";
import { type FileOwner, fileOwner } from "../base/file_owner.ts";

/** What a token file holds, or why it cannot be used. */
export type TokenFileInspection =
  | { kind: "token"; token: SsoToken }
  | { kind: "missing" }
  | { kind: "unreadable"; reason: string; owner?: FileOwner }
  | { kind: "invalid"; reason: string };

/** Reads and judges the token file at `path`. */
export async function inspectTokenFile(path: string): Promise<TokenFileInspection> {
  let text: string;
  try {
    text = await readBoundedText(path, MAX_CACHE_FILE_BYTES);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "missing" };
    if (error instanceof Deno.errors.PermissionDenied) {
      return { kind: "unreadable", reason: "permission denied", owner: await fileOwner(path) };
    }
    if (error instanceof Deno.errors.NotCapable) {
      return { kind: "unreadable", reason: "Deno's read permission does not cover it" };
    }
    if (error instanceof RefusedFileError) return { kind: "invalid", reason: error.message };
    if (error instanceof Deno.errors.IsADirectory) {
      return { kind: "invalid", reason: "it is a directory" };
    }
    if (error instanceof Deno.errors.InvalidData) {
      return { kind: "invalid", reason: "it is not valid UTF-8 text" };
    }
    return { kind: "unreadable", reason: fileFailureReason(error) };
  }
  const raw = parseJsonObject(text);
  if (raw === undefined) return { kind: "invalid", reason: "it is not a JSON object" };
  const token = tokenFromJson(raw);
  if (token !== undefined) return { kind: "token", token };
  if (typeof raw.accessToken !== "string" || raw.accessToken === "") {
    return { kind: "invalid", reason: "it has no accessToken" };
  }
  return parseAwsTimestamp(raw.expiresAt) === undefined && raw.expiresAt !== undefined
    ? { kind: "invalid", reason: "its expiresAt is not a valid timestamp" }
    : { kind: "invalid", reason: "it has no expiresAt" };
}
