/**
 * Cache directories and files that other users could read (POSIX only): the SSO token cache
 * (`~/.aws/sso/cache`) holds tokens and refresh tokens, the CLI cache (`~/.aws/cli/cache`) role
 * credentials, so their files must be private (0600). A directory that others can list shows
 * only file names (hashes); it is reported as information, an exposed file as a warning.
 *
 * @module
 */
import type { Finding } from "../base/check_finding.ts";
import { joinPath } from "../base/paths.ts";
import { shownPath } from "../base/safe_text.ts";

/** Group or other read bits. */
const READABLE_BY_OTHERS = 0o044;

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(4, "0");

/**
 * One finding per directory of `dirs` that group or others can read, and one per directory
 * holding files they can read. Missing directories are skipped; nothing is reported on Windows.
 */
export async function cacheExposure(
  dirs: readonly string[],
  os = Deno.build.os,
): Promise<Finding[]> {
  if (os === "windows") return [];
  const findings: Finding[] = [];
  for (const dir of dirs) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(dir);
    } catch {
      continue; // missing, or not ours to look at
    }
    if (!info.isDirectory || info.mode === null) continue;
    if (info.mode & READABLE_BY_OTHERS) {
      findings.push({
        level: "info",
        text: `The cache directory ${shownPath(dir)} can be listed by group or others (mode ${
          octal(info.mode)
        }); the file names are hashes, but \`chmod 700 ${shownPath(dir)}\` keeps it private.`,
      });
    }
    const exposed: { name: string; mode: number }[] = [];
    let total = 0;
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (!entry.isFile || entry.name.endsWith(".lock")) continue;
        total++;
        const mode = (await Deno.stat(joinPath(dir, entry.name)).catch(() => undefined))?.mode;
        if (mode != null && mode & READABLE_BY_OTHERS) exposed.push({ name: entry.name, mode });
      }
    } catch {
      continue; // unreadable directory: nothing to list
    }
    if (exposed.length === 0) continue;
    exposed.sort((a, b) => a.name.localeCompare(b.name));
    const first = exposed[0];
    findings.push({
      level: "warning",
      text: `${exposed.length} of ${total} file(s) in ${
        shownPath(dir)
      } can be read by group or others (e.g. ${shownPath(first.name)}, mode ${
        octal(first.mode)
      }), and they hold SSO tokens or credentials; run \`chmod 600 ${shownPath(dir)}/*\`.`,
    });
  }
  return findings;
}
