/**
 * Why a file could not be read or written, as a few words for the end of a sentence ("permission
 * denied", "the disk is full", "it is larger than 4 MiB"): never an error class name or a raw OS
 * error, whatever the failure.
 *
 * @module
 */
import { RefusedFileError } from "./bounded_read.ts";
import { safeEcho } from "./safe_text.ts";

/** The reason of a failed file operation in a few words. */
export function fileFailureReason(error: unknown): string {
  if (error instanceof RefusedFileError) return error.message;
  const code = (error as { code?: string })?.code;
  if (code === "ENOSPC" || code === "EDQUOT") return "the disk is full";
  if (code === "EROFS") return "read-only file system";
  if (error instanceof Deno.errors.NotFound) return "it does not exist";
  if (error instanceof Deno.errors.PermissionDenied || code === "EACCES" || code === "EPERM") {
    return "permission denied";
  }
  if (error instanceof Deno.errors.NotCapable) return "not allowed by Deno's permissions";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  if (error instanceof Deno.errors.NotADirectory) return "a parent of it is not a directory";
  if (error instanceof Deno.errors.InvalidData) return "it is not valid UTF-8 text";
  const text = (error instanceof Error ? error.message : String(error)).split("\n")[0]
    .replace(/,?\s*\(os error \d+\)/, "").replace(/[.\s]+$/, "");
  return text ? safeEcho(text) : "an unknown error";
}
