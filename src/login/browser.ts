/**
 * Opening a URL in the user's browser: `BROWSER` when set, else the platform opener, and the
 * rules for when a browser can be opened at all (not headless, not over SSH, a display on Linux).
 * A command that cannot be started (not installed, or not in Deno's run allowlist) is skipped;
 * when none starts, callers print the URL for the user to open.
 */
import { splitCommandLine } from "../base/shell_split.ts";
import type { Env } from "../base/paths.ts";
import { isEnvFlagOn } from "../base/truthy.ts";
import { safeEcho } from "../base/safe_text.ts";

/** The operating systems Deno reports. */
export type OsName = typeof Deno.build.os;

/** What decides whether and how a browser is opened. */
export interface BrowserOptions {
  env: Env;
  /** Default `Deno.build.os`. */
  os?: OsName;
  /** `--headless` / `--no-browser` was given. */
  headless?: boolean;
  /** Running under the Windows Subsystem for Linux (default: detected from the kernel release). */
  wsl?: boolean;
}

/** True for `AWS_SSO_DISABLE_BROWSER=1|true` (any case, surrounding blanks ignored). */
export function browserDisabledByEnv(env: Env): boolean {
  return isEnvFlagOn(env("AWS_SSO_DISABLE_BROWSER"));
}

/** True in an SSH session (`SSH_CONNECTION`, `SSH_CLIENT` or `SSH_TTY` set). */
export function inSshSession(env: Env): boolean {
  return ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"].some((name) => Boolean(env(name)));
}

/** True when the kernel is WSL's (its release names Microsoft). Needs `--allow-sys=osRelease`. */
export function isWsl(os: OsName = Deno.build.os): boolean {
  if (os !== "linux") return false;
  try {
    return /microsoft|wsl/i.test(Deno.osRelease());
  } catch {
    return false;
  }
}

/**
 * Whether a browser can be opened for the user: not with `--headless`/`--no-browser` or
 * `AWS_SSO_DISABLE_BROWSER`; always when `BROWSER` names one (as Python's `webbrowser`, so the
 * AWS CLI and the original tool, honour it anywhere: a text browser, a script that forwards the
 * URL); else not in an SSH session, and on Linux (other than WSL) only with a display (`DISPLAY`
 * or `WAYLAND_DISPLAY`).
 */
export function canOpenBrowser(options: BrowserOptions): boolean {
  const { env } = options;
  const os = options.os ?? Deno.build.os;
  if (options.headless || browserDisabledByEnv(env)) return false;
  if (env("BROWSER")?.trim()) return true;
  if (inSshSession(env)) return false;
  if (os === "darwin" || os === "windows") return true;
  if (options.wsl ?? isWsl(os)) return true;
  return Boolean(env("DISPLAY") || env("WAYLAND_DISPLAY"));
}

/**
 * The commands `BROWSER` names for a URL, as Python's `webbrowser` reads it: entries separated
 * by `:` (`;` on Windows); an entry with `%s` is a command line whose `%s` becomes the URL
 * (`%%` is a literal `%`), any other entry is a command (with its arguments, if it has blanks)
 * run with the URL as its last argument.
 */
export function browserEnvCommands(value: string, url: string, os: OsName): string[][] {
  const escapes = os !== "windows";
  return value.split(os === "windows" ? ";" : ":").map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      if (!entry.includes("%s")) {
        return /\s/.test(entry) ? [...splitCommandLine(entry, escapes), url] : [entry, url];
      }
      return splitCommandLine(entry, escapes).map((word) =>
        word.replace(/%%|%s/g, (m) => (m === "%s" ? url : "%"))
      );
    })
    .filter((argv) => argv.length > 0);
}

/** The commands tried, in order, to open `url`: from `BROWSER` if set, else the platform's. */
export function browserCommands(url: string, options: BrowserOptions): string[][] {
  const os = options.os ?? Deno.build.os;
  const fromEnv = options.env("BROWSER");
  if (fromEnv && fromEnv.trim()) return browserEnvCommands(fromEnv, url, os);
  switch (os) {
    case "darwin":
      return [["open", url]];
    case "windows":
      return [["rundll32", "url.dll,FileProtocolHandler", url]];
    default: {
      const linux = [["xdg-open", url], ["sensible-browser", url], ["x-www-browser", url]];
      return (options.wsl ?? isWsl(os)) ? [["wslview", url], ...linux] : linux;
    }
  }
}

/**
 * Starts a command without waiting for it; resolves with its exit code. Throws if it cannot
 * start. `path` is the runtime's `PATH`, when it has one, to find the program on.
 */
export type Spawner = (argv: string[], path?: string) => { exited: Promise<number> };

/** Starts a detached-from-our-stdio child: no stdin, its output discarded. */
export const spawnDetached: Spawner = (argv, path) => {
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    ...(path === undefined ? {} : { env: { PATH: path } }),
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  return { exited: child.status.then((s) => s.code, () => -1) };
};

/** The outcome of trying to open a URL. */
export type OpenResult =
  | { opened: true; command: string[]; exited: Promise<number> }
  | { opened: false; reason: string };

/**
 * Opens `url` with the first command of {@link browserCommands} that can be started. A command
 * that is missing (`NotFound`) or not allowed (`NotCapable`, not in the run allowlist) is
 * skipped. Does not wait for the browser: `exited` resolves when the opener command ends.
 */
export function openUrl(
  url: string,
  options: BrowserOptions & { spawn?: Spawner },
): OpenResult {
  const spawn = options.spawn ?? spawnDetached;
  const failures: string[] = [];
  const fromEnv = Boolean(options.env("BROWSER")?.trim());
  for (const argv of browserCommands(url, options)) {
    try {
      const { exited } = spawn(argv, options.env("PATH"));
      return { opened: true, command: argv, exited };
    } catch (error) {
      const why = error instanceof Deno.errors.NotFound
        ? "was not found"
        : error instanceof Deno.errors.NotCapable
        ? "is not a program Deno's run permission allows (docs/permissions.md)"
        : `could not be started (${(error as Error).message?.split("\n")[0] ?? String(error)})`;
      failures.push(`${safeEcho(argv[0], 100)}${fromEnv ? " (from BROWSER)" : ""} ${why}`);
    }
  }
  return {
    opened: false,
    reason: failures.length > 0 ? failures.join("; ") : "BROWSER names no command",
  };
}
