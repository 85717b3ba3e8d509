import { ConfigError } from "./errors.ts";

/** Where the AWS config and caches live, derived only from the given environment. */
export type Env = (name: string) => string | undefined;

/** Reads an env var, treating a var Deno does not let us read as unset. */
export const processEnv: Env = (name) => {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
};

/** The home directory named by the environment (HOME, then USERPROFILE, then HOMEDRIVE+HOMEPATH). */
function homeFromEnv(env: Env): string | undefined {
  return env("HOME") || env("USERPROFILE") ||
    (env("HOMEPATH") ? `${env("HOMEDRIVE") ?? "C:"}${env("HOMEPATH")}` : undefined);
}

/** The account's home directory from the OS (`node:os` homedir: the password database on POSIX). */
async function homeFromOs(): Promise<string | undefined> {
  try {
    return (await import("node:os")).homedir() || undefined;
  } catch {
    return undefined; // no `sys` permission "homedir", or no home in the account database
  }
}

/**
 * The OS's answer, asked once at start-up and only when the environment names no home
 * directory, so that the usual start pays nothing for it.
 */
const OS_HOME: string | undefined = homeFromEnv(processEnv) === undefined
  ? await homeFromOs()
  : undefined;

/**
 * The user's home directory as the AWS SDKs find it: HOME, then USERPROFILE, then
 * HOMEDRIVE+HOMEPATH, then, as botocore's `expanduser` does, the account's home from the OS.
 */
export function homeDir(env: Env, osHome: string | undefined = OS_HOME): string {
  const home = homeFromEnv(env) || osHome;
  if (!home) {
    // Without it, neither the config file nor the caches can be found.
    throw new ConfigError(
      "Cannot find the home directory: set HOME (or USERPROFILE on Windows).",
      "configFile",
    );
  }
  return home;
}

/** Joins path segments with "/" (Deno accepts "/" on Windows too). */
export function joinPath(...parts: string[]): string {
  return parts.map((
    p,
    i,
  ) => (i === 0 ? p.replace(/[\\/]+$/, "") : p.replace(/^[\\/]+|[\\/]+$/g, "")))
    .filter((p, i) => p !== "" || i === 0).join("/");
}

/** The directory part of a path. */
export function dirName(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i <= 0 ? (i === 0 ? "/" : ".") : path.slice(0, i);
}

/** Expands a leading `~` or `~/` like the SDKs do for AWS_CONFIG_FILE. */
export function expandHome(path: string, env: Env): string {
  const home = () => homeDir(env);
  if (path === "~") return home();
  if (path.startsWith("~/") || path.startsWith("~\\")) return joinPath(home(), path.slice(2));
  return path;
}

/** Paths of the AWS config file and caches for one environment. */
export interface AwsPaths {
  configFile: string;
  configFileFromEnv: boolean;
  ssoCacheDir: string;
  cliCacheDir: string;
  debugLogFile: string;
}

/** The paths for `env`; no home directory is a ConfigError of kind `configFile`. */
export function awsPaths(env: Env): AwsPaths {
  const home = homeDir(env);
  const fromEnv = env("AWS_CONFIG_FILE");
  return {
    configFile: fromEnv ? expandHome(fromEnv, env) : joinPath(home, ".aws", "config"),
    configFileFromEnv: Boolean(fromEnv),
    ssoCacheDir: joinPath(home, ".aws", "sso", "cache"),
    cliCacheDir: joinPath(home, ".aws", "cli", "cache"),
    debugLogFile: joinPath(home, ".aws", "sso", "aws-sso-util-credential-process-log.txt"),
  };
}
