/**
 * The `credential_process` value `configure` writes into a profile: a command that runs this
 * tool's `credential-process --profile NAME`, each word quoted for the shell botocore and the SDKs
 * split it with. A short, stable command is preferred, in this order:
 *
 * 1. `AWS_SSO_CREDENTIAL_PROCESS_NAME`, as the user gives it;
 * 2. the compiled binary that is running;
 * 3. an installed `aws-sso-util` where the README installs it (`~/.local/bin`, Homebrew's
 *    `bin`, `/usr/local/bin`, `deno install`'s `~/.deno/bin`, Scoop's shims) that is this tool (a
 *    binary or a `deno install` launcher, not the Python tool);
 * 4. `deno run` with the declared permissions and the main module that is running (a long line
 *    pointing into a checkout or URL), with a hint saying how to get a short one.
 *
 * @module
 */
import { type Env, homeDir } from "../base/paths.ts";
import { defaultPermissionFlags } from "./permission_set.ts";
import { shellQuote } from "../base/shell_quote.ts";
import type { RuntimeInfo } from "../base/runtime.ts";

/** The command written before ` credential-process --profile NAME`. */
export const CREDENTIAL_PROCESS_NAME_VAR = "AWS_SSO_CREDENTIAL_PROCESS_NAME";

/** Homebrew (Apple silicon, Linux) and the usual system-wide place, on macOS and Linux. */
export const SYSTEM_BIN_DIRS: readonly string[] = [
  "/opt/homebrew/bin",
  "/home/linuxbrew/.linuxbrew/bin",
  "/usr/local/bin",
];

/** The program `configure` writes, and one sentence saying which it is and why. */
export interface CredentialProcessProgram {
  /** The quoted command; ` credential-process --profile NAME` follows (unless it ends in it). */
  command: string;
  /** Which program it is and why, e.g. "credential_process runs /x (this binary)." */
  why: string;
  /**
   * What to tell the user, when the choice was not theirs or obvious: the installed program
   * found, or how to get a short line instead of the long `deno run` one.
   */
  note?: string;
}

function fromFileUrl(url: string, os: string): string {
  if (!url.startsWith("file:")) return url;
  const path = decodeURIComponent(new URL(url).pathname);
  return os === "windows" ? path.replace(/^\/([A-Za-z]:)/, "$1").replaceAll("/", "\\") : path;
}

/** True when running as a `deno compile`d binary rather than under `deno`. */
export function isCompiled(execPath: string): boolean {
  const base = execPath.split(/[\\/]/).pop()!.toLowerCase();
  return base !== "deno" && base !== "deno.exe";
}

/** The places the README installs `aws-sso-util` to, in the order they are preferred. */
export function installedCandidates(home: string | undefined, runtime: RuntimeInfo): string[] {
  if (runtime.os === "windows") {
    return home === undefined
      ? []
      : [`${home}\\scoop\\shims\\aws-sso-util.exe`, `${home}\\.deno\\bin\\aws-sso-util.cmd`];
  }
  return [
    ...(home === undefined ? [] : [`${home}/.local/bin/aws-sso-util`]),
    ...(runtime.systemBinDirs ?? SYSTEM_BIN_DIRS).map((dir) => `${dir}/aws-sso-util`),
    ...(home === undefined ? [] : [`${home}/.deno/bin/aws-sso-util`]),
  ];
}

/** Up to this much of a candidate's start and end is read to tell what it is. */
const SNIFF_BYTES = 64 * 1024;

/**
 * What an installed `aws-sso-util` is: "binary" (a compiled one), "launcher" (`deno install`'s
 * script), or undefined when it is missing, not an executable file, or another tool (the Python
 * aws-sso-util's entry point, a script or pip's `.exe` launcher, names Python).
 */
export async function installedKind(
  path: string,
  os: string,
): Promise<"binary" | "launcher" | undefined> {
  let file: Deno.FsFile | undefined;
  try {
    const info = await Deno.stat(path);
    if (!info.isFile || (os !== "windows" && info.mode !== null && (info.mode & 0o111) === 0)) {
      return undefined;
    }
    file = await Deno.open(path);
    const head = await readAt(file, 0, SNIFF_BYTES);
    const tail = info.size > SNIFF_BYTES
      ? await readAt(file, Math.max(SNIFF_BYTES, info.size - SNIFF_BYTES), SNIFF_BYTES)
      : new Uint8Array();
    const text = new TextDecoder("latin1").decode(head) + new TextDecoder("latin1").decode(tail);
    if (/python|aws_sso_util/i.test(text)) return undefined;
    const script = text.startsWith("#!") || /\.(cmd|bat)$/i.test(path);
    if (script) return /\bdeno(\.exe)?["']? +run\b/.test(text) ? "launcher" : undefined;
    return "binary";
  } catch {
    return undefined;
  } finally {
    file?.close();
  }
}

async function readAt(file: Deno.FsFile, offset: number, length: number): Promise<Uint8Array> {
  await file.seek(offset, Deno.SeekMode.Start);
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await file.read(buffer.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

/** The `deno run` command of the running main module, with the declared permissions. */
function denoRunCommand(runtime: RuntimeInfo): string {
  const quote = (arg: string) => shellQuote(arg, runtime.os);
  return [
    quote(runtime.execPath),
    "run",
    // --quiet: Deno would otherwise note each allowed opener missing on this OS on stderr.
    "--quiet",
    "--no-prompt",
    ...defaultPermissionFlags().map(quote),
    quote(fromFileUrl(runtime.mainModule, runtime.os)),
  ].join(" ");
}

/** Chooses the program (see the module comment); reads only the candidates' files. */
export async function credentialProcessProgram(
  env: Env,
  runtime: RuntimeInfo,
): Promise<CredentialProcessProgram> {
  let home: string | undefined;
  try {
    home = homeDir(env);
  } catch { /* no home: only the system-wide places */ }
  const quote = (arg: string) => shellQuote(arg, runtime.os);
  const named = env(CREDENTIAL_PROCESS_NAME_VAR)?.trim();
  if (named) {
    return {
      command: named,
      why: `credential_process runs ${named} (${CREDENTIAL_PROCESS_NAME_VAR}).`,
    };
  }
  if (isCompiled(runtime.execPath)) {
    return {
      command: quote(runtime.execPath),
      why: `credential_process runs ${runtime.execPath} (this binary).`,
    };
  }
  for (const path of installedCandidates(home, runtime)) {
    const kind = await installedKind(path, runtime.os);
    if (kind === undefined) continue;
    const note = `credential_process runs ${path} (the installed ${
      kind === "launcher" ? "deno install launcher" : "binary"
    }).`;
    return { command: quote(path), why: note, note };
  }
  const command = denoRunCommand(runtime);
  const note = `credential_process runs deno run with this tool's permissions and ${
    fromFileUrl(runtime.mainModule, runtime.os)
  } (${command.length} characters per profile); for a short, stable line, install aws-sso-util (README, Install) or set ${CREDENTIAL_PROCESS_NAME_VAR}.`;
  return { command, why: note, note };
}

/**
 * The `credential_process` value for `profile`: the program's command, then
 * ` credential-process --profile NAME` (only `--profile NAME` when the command already ends in
 * `credential-process`, as the Python tool's `AWS_SSO_CREDENTIAL_PROCESS_NAME` values do).
 */
export function credentialProcessLine(
  program: CredentialProcessProgram,
  profile: string,
  os: string,
): string {
  const tail = `--profile ${shellQuote(profile, os)}`;
  return /(^|\s)credential-process$/.test(program.command)
    ? `${program.command} ${tail}`
    : `${program.command} credential-process ${tail}`;
}
