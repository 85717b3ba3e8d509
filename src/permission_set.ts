/**
 * The CLI's permission set, the same as `permissions.default` in deno.json (a test checks they
 * are equal). It lives in code because a CLI started from a URL cannot read deno.json, yet
 * `configure profile` must write a `deno run` line with exactly these permissions.
 */
import { permissionFlags, type PermissionSet } from "../scripts/permissions.ts";

export const DEFAULT_PERMISSION_SET: PermissionSet = {
  read: true,
  write: true,
  env: [
    "AWS_*",
    "HOME",
    "USERPROFILE",
    "HOMEDRIVE",
    "HOMEPATH",
    "_X_AMZN_TRACE_ID",
    "BROWSER",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "SSH_CONNECTION",
    "SSH_CLIENT",
    "SSH_TTY",
    "NO_COLOR",
    "FORCE_COLOR",
    "CLICOLOR_FORCE",
    "TERM",
  ],
  net: [
    "*.amazonaws.com",
    "*.amazonaws.com.cn",
    "*.amazonaws.eu",
    "*.api.aws",
    "*.c2s.ic.gov",
    "*.sc2s.sgov.gov",
    "*.csp.hci.ic.gov",
    "*.cloud.adc-e.uk",
    "127.0.0.1",
    "localhost",
    "[::1]",
  ],
  sys: ["osRelease", "homedir"],
  run: ["xdg-open", "wslview", "open", "rundll32"],
};

/** `deno run` flags granting the CLI's permission set (never `-A`). */
export function defaultPermissionFlags(): string[] {
  return permissionFlags(DEFAULT_PERMISSION_SET);
}
