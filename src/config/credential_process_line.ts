/**
 * The `credential_process` value `configure profile` writes into a profile: the command that runs
 * this tool's `credential-process --profile NAME` (`AWS_SSO_CREDENTIAL_PROCESS_NAME`, the compiled
 * binary, or `deno run` with the declared permissions), each word quoted for the shell botocore
 * and the SDKs split it with.
 */
import type { Env } from "./paths.ts";
import { defaultPermissionFlags } from "../permission_set.ts";
import { shellQuote } from "../ui/shell_quote.ts";

/** The command written before ` credential-process --profile NAME`. */
export const CREDENTIAL_PROCESS_NAME_VAR = "AWS_SSO_CREDENTIAL_PROCESS_NAME";

/** How this tool was started, for the `credential_process` line. */
export interface RuntimeInfo {
  /** `Deno.execPath()`: the deno binary, or the compiled binary. */
  execPath: string;
  /** `Deno.mainModule`. */
  mainModule: string;
  /** `Deno.build.os`. */
  os: string;
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

/**
 * The `credential_process` value: `AWS_SSO_CREDENTIAL_PROCESS_NAME` if set (used as given; a
 * value already ending in `credential-process`, as the Python tool expects it, is not extended),
 * else the compiled binary's path, else `deno run --quiet --no-prompt <permission flags> <main
 * module>`; then
 * ` credential-process --profile NAME`.
 */
export function credentialProcessCommand(profile: string, env: Env, runtime: RuntimeInfo): string {
  const quote = (arg: string) => shellQuote(arg, runtime.os);
  const tail = `--profile ${quote(profile)}`;
  const named = env(CREDENTIAL_PROCESS_NAME_VAR)?.trim();
  if (named) {
    return /(^|\s)credential-process$/.test(named)
      ? `${named} ${tail}`
      : `${named} credential-process ${tail}`;
  }
  const base = isCompiled(runtime.execPath) ? quote(runtime.execPath) : [
    quote(runtime.execPath),
    "run",
    // --quiet: Deno would otherwise note each allowed opener missing on this OS on stderr.
    "--quiet",
    "--no-prompt",
    ...defaultPermissionFlags().map(quote),
    quote(fromFileUrl(runtime.mainModule, runtime.os)),
  ].join(" ");
  return `${base} credential-process ${tail}`;
}
