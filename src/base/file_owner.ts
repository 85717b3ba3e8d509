/**
 * Who owns a file, for the sentence about a file that cannot be read: the uid from `Deno.stat`,
 * and the user name from `/etc/passwd` when it can be read (Deno has no user-name lookup without
 * further permissions). POSIX only.
 *
 * @module
 */
import { readBoundedText } from "./bounded_read.ts";

/** Who owns a file: the uid, and the user name when the password database gives it. */
export interface FileOwner {
  uid: number;
  name?: string;
}

/** The user name of `uid` in `/etc/passwd` text, if listed. */
export function userNameOf(passwd: string, uid: number): string | undefined {
  for (const line of passwd.split("\n")) {
    const fields = line.split(":");
    if (fields.length >= 3 && fields[2] === String(uid) && fields[0] !== "") return fields[0];
  }
  return undefined;
}

/** The owner of `path` (POSIX only; the name from /etc/passwd when it can be read). */
export async function fileOwner(path: string): Promise<FileOwner | undefined> {
  let uid: number | null;
  try {
    uid = (await Deno.stat(path)).uid;
  } catch {
    return undefined;
  }
  if (uid === null) return undefined; // Windows
  try {
    return { uid, name: userNameOf(await readBoundedText("/etc/passwd", 4 * 1024 * 1024), uid) };
  } catch {
    return { uid };
  }
}

/** `reason` with the owner: "permission denied; it is owned by uid 1001 (alice)". */
export function withOwner(reason: string, owner: FileOwner | undefined): string {
  if (owner === undefined) return reason;
  return `${reason}; it is owned by uid ${owner.uid}${owner.name ? ` (${owner.name})` : ""}`;
}
