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

/** The user's home directory as the AWS SDKs find it (HOME, then USERPROFILE, then HOMEDRIVE+HOMEPATH). */
export function homeDir(env: Env): string {
  const home = env("HOME") || env("USERPROFILE") ||
    (env("HOMEPATH") ? `${env("HOMEDRIVE") ?? "C:"}${env("HOMEPATH")}` : undefined);
  if (!home) {
    throw new ConfigError("Cannot find the home directory: set HOME (or USERPROFILE on Windows).");
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
  if (path === "~") return homeDir(env);
  if (path.startsWith("~/") || path.startsWith("~\\")) return joinPath(homeDir(env), path.slice(2));
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
