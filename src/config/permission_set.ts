/**
 * The CLI's permission set, the same as `permissions.default` in deno.json (a test checks they
 * are equal), and how a set becomes explicit `deno run`/`deno compile` flags (never `-A`). It
 * lives in code because a CLI started from a URL cannot read deno.json, yet `configure profile`
 * must write a `deno run` line with exactly these permissions; the build scripts use it too.
 *
 * @module
 */

/** Permission kinds in the order their flags are emitted. */
export const PERMISSION_KINDS = [
  "read",
  "write",
  "net",
  "env",
  "sys",
  "run",
  "ffi",
  "import",
] as const;

/** One permission kind. */
export type PermissionKind = typeof PERMISSION_KINDS[number];

/** `true` = everything, `false`/`[]` = nothing, a list = only those values. */
export type PermissionGrant = boolean | string[];

/** A kind's value in deno.json: a grant, or an object with `allow`/`deny`/`ignore` grants. */
export type PermissionValue = PermissionGrant | {
  allow?: PermissionGrant;
  deny?: PermissionGrant;
  ignore?: PermissionGrant;
};

/** A deno.json permission set. */
export type PermissionSet = { [K in PermissionKind]?: PermissionValue };

/** Kinds that have an `--ignore-<kind>` flag. */
const IGNORABLE: readonly PermissionKind[] = ["read", "env"];

/** Turns `set` into CLI flags such as `--allow-read` or `--allow-env=AWS_*,HOME`. */
export function permissionFlags(set: PermissionSet): string[] {
  if (typeof set !== "object" || set === null || Array.isArray(set)) {
    throw new Error('A permission set must be an object such as { "read": true }.');
  }
  for (const key of Object.keys(set)) {
    if (key === "all") {
      throw new Error(
        'The permission set grants "all"; list each permission instead, since -A is never used.',
      );
    }
    if (!(PERMISSION_KINDS as readonly string[]).includes(key)) {
      throw new Error(
        `Unknown permission "${key}"; expected one of ${PERMISSION_KINDS.join(", ")}.`,
      );
    }
  }
  const flags: string[] = [];
  for (const kind of PERMISSION_KINDS) {
    const value = set[kind];
    if (value === undefined) continue;
    if (typeof value === "boolean" || Array.isArray(value)) {
      pushFlag(flags, "allow", kind, value);
      continue;
    }
    if (typeof value !== "object" || value === null) {
      throw new Error(`Permission "${kind}" must be true, false, a list or an object.`);
    }
    for (const key of Object.keys(value)) {
      if (key !== "allow" && key !== "deny" && key !== "ignore") {
        throw new Error(
          `Permission "${kind}" has unknown key "${key}"; use allow, deny or ignore.`,
        );
      }
    }
    if (value.ignore !== undefined && !IGNORABLE.includes(kind)) {
      throw new Error(`Permission "${kind}" cannot have "ignore"; only read and env can.`);
    }
    pushFlag(flags, "allow", kind, value.allow);
    pushFlag(flags, "deny", kind, value.deny);
    pushFlag(flags, "ignore", kind, value.ignore);
  }
  return flags;
}

function pushFlag(
  flags: string[],
  mode: "allow" | "deny" | "ignore",
  kind: PermissionKind,
  grant: PermissionGrant | undefined,
): void {
  if (grant === undefined || grant === false) return;
  if (grant === true) {
    flags.push(`--${mode}-${kind}`);
    return;
  }
  if (!Array.isArray(grant) || grant.some((v) => typeof v !== "string")) {
    throw new Error(`Permission "${kind}" (${mode}) must be true, false or a list of strings.`);
  }
  if (grant.length === 0) return;
  for (const entry of grant) {
    if (entry === "" || entry.includes(",")) {
      throw new Error(`Permission "${kind}" entry "${entry}" is empty or contains a comma.`);
    }
  }
  flags.push(`--${mode}-${kind}=${grant.join(",")}`);
}

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
    // Every host the endpoint rules can give: each partition's DNS suffix, plain and dual-stack
    // (a test compares this with the generated partition data; widen it by hand, on purpose).
    "*.amazonaws.com",
    "*.api.aws",
    "*.amazonaws.com.cn",
    "*.api.amazonwebservices.com.cn",
    "*.amazonaws.eu",
    "*.api.amazonwebservices.eu",
    "*.c2s.ic.gov",
    "*.api.aws.ic.gov",
    "*.sc2s.sgov.gov",
    "*.api.aws.scloud",
    "*.cloud.adc-e.uk",
    "*.api.cloud-aws.adc-e.uk",
    "*.csp.hci.ic.gov",
    "*.api.aws.hci.ic.gov",
    // The console's federation endpoints (console/signin_endpoint.ts).
    "*.signin.aws.amazon.com",
    "signin.amazonaws-us-gov.com",
    "us-gov-east-1.signin.amazonaws-us-gov.com",
    "signin.amazonaws.cn",
    "signin.amazonaws-eusc.eu",
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

/**
 * The set `run-as` needs (`permissions["run-as"]` in deno.json, a test checks they are equal):
 * the default set with `run` of any program, because the program to run is only known at run
 * time. The release binaries are compiled with it (`RELEASE_PERMISSION_SET` in
 * scripts/release_info.ts); with `deno run`, `-P=run-as` grants it. See docs/permissions.md.
 */
export const RUN_AS_PERMISSION_SET: PermissionSet = { ...DEFAULT_PERMISSION_SET, run: true };
