/**
 * The inventory of cached SSO logins, read offline: one entry per token file in
 * `~/.aws/sso/cache` (a JSON object with `accessToken`, whoever wrote it: `aws sso login`, botocore
 * or this tool), named by the sso-session or the legacy start URL whose key is the file's name
 * (docs/formats.md §1.1), with the role credentials cached from it in `~/.aws/cli/cache`
 * (docs/formats.md §3) and the configured profiles that use it.
 *
 * Only files a configured profile accounts for are read in the credential cache: their names are
 * computed from each profile's account and role, so a cache of thousands of files costs one
 * directory listing. Unreadable, corrupt, oversized or non-regular files are skipped.
 *
 * @module
 */
import { readJsonObjectSync } from "../base/bounded_read_sync.ts";
import { roleCredentialKeyText } from "./cache_keys.ts";
import { areCredentialsReusable, credentialsFromJson } from "./credential_cache.ts";
import { sha1HexSync } from "../base/sha1_sync.ts";
import { tokenFromJson } from "./token_cache.ts";
import type { AwsConfigDocument } from "../config/aws_config_file.ts";
import { joinPath } from "../base/paths.ts";
import { loginState, type LoginStateName } from "./login_state.ts";

/** Role credentials cached from a login. */
export interface CachedRoleCredentialsEntry {
  accountId: string;
  roleName: string;
  /** Epoch ms. */
  expiration: number;
  /** True when `credential-process` would hand them out again (15 minutes or more left). */
  reusable: boolean;
}

/** One cached SSO login (token file). */
export interface CachedLogin {
  /** The token cache key (the file name without `.json`). */
  key: string;
  path: string;
  /** The sso-session the file belongs to; null for a legacy (start-URL-keyed) token. */
  session: string | null;
  startUrl?: string;
  region?: string;
  /** Epoch ms. */
  expiresAt: number;
  state: LoginStateName;
  /** Epoch ms; set when the token can be refreshed without a new login. */
  refreshableUntil?: number;
  credentials: CachedRoleCredentialsEntry[];
  /** Configured profiles whose token is this one, in file order. */
  profiles: string[];
}

/** How one configured profile uses the caches. */
export interface ProfileCacheUse {
  profile: string;
  /** Its token cache key. */
  tokenKey: string;
  sessionName?: string;
  startUrl?: string;
  region?: string;
  /** Its role-credential cache key, when it names an account and a role. */
  credentialKey?: string;
  accountId?: string;
  roleName?: string;
}

/** What a token key stands for in the config. */
interface KeyOwner {
  sessionName?: string;
  startUrl?: string;
  region?: string;
}

/** The configured SSO profiles and sso-sessions, with their cache keys. */
export interface ConfiguredKeys {
  profiles: ProfileCacheUse[];
  /** Token key → what it stands for (every sso-session, every configured start URL). */
  owners: Map<string, KeyOwner>;
}

/** The keys of every section of one kind, by name, merged as the SDKs merge duplicates. */
function sectionsByName(
  config: AwsConfigDocument,
  kinds: readonly string[],
): Map<string, Map<string, string>> {
  const found = new Map<string, Map<string, string>>();
  for (const section of config.sections) {
    if (!kinds.includes(section.kind)) continue;
    let values = found.get(section.name);
    if (!values) found.set(section.name, values = new Map());
    for (const e of section.entries) if (!e.subsection) values.set(e.key, e.value);
  }
  return found;
}

/**
 * The cache keys of every SSO profile and sso-session of `config`: a profile with `sso_session`
 * uses the session's key, one with `sso_start_url` the legacy key of its start URL. A profile
 * naming a missing sso-session, or without SSO settings, uses none. One pass over the file and a
 * synchronous hash per key, so that thousands of profiles cost milliseconds.
 */
export function configuredKeys(config: AwsConfigDocument | undefined): ConfiguredKeys {
  const owners = new Map<string, KeyOwner>();
  const profiles: ProfileCacheUse[] = [];
  if (!config) return { profiles, owners };
  const sessions = sectionsByName(config, ["sso-session"]);
  const legacyKeys = new Map<string, string>();
  const legacyKey = (startUrl: string, region: string | undefined) => {
    let key = legacyKeys.get(startUrl);
    if (key === undefined) {
      legacyKeys.set(startUrl, key = sha1HexSync(startUrl));
      if (!owners.has(key)) owners.set(key, { startUrl, region });
    }
    return key;
  };
  const sessionKeys = new Map<string, string>();
  for (const [sessionName, values] of sessions) {
    const key = sha1HexSync(sessionName);
    sessionKeys.set(sessionName, key);
    owners.set(key, {
      sessionName,
      startUrl: values.get("sso_start_url"),
      region: values.get("sso_region"),
    });
  }
  for (const values of sessions.values()) {
    // `login` also caches a session's token under its start URL's legacy key.
    const startUrl = values.get("sso_start_url");
    if (startUrl) legacyKey(startUrl, values.get("sso_region"));
  }
  for (const [name, values] of sectionsByName(config, ["profile", "default"])) {
    const sessionName = values.get("sso_session") || undefined;
    let use: ProfileCacheUse;
    if (sessionName !== undefined) {
      const session = sessions.get(sessionName);
      if (!session) continue;
      use = {
        profile: name,
        tokenKey: sessionKeys.get(sessionName)!,
        sessionName,
        startUrl: session.get("sso_start_url"),
        region: session.get("sso_region"),
      };
    } else {
      const startUrl = values.get("sso_start_url");
      if (!startUrl) continue;
      const region = values.get("sso_region");
      use = { profile: name, tokenKey: legacyKey(startUrl, region), startUrl, region };
    }
    const accountId = values.get("sso_account_id") || undefined;
    const roleName = values.get("sso_role_name") || undefined;
    if (accountId && roleName) {
      use.accountId = accountId;
      use.roleName = roleName;
      use.credentialKey = sha1HexSync(roleCredentialKeyText({
        accountId,
        roleName,
        sessionName: use.sessionName,
        startUrl: use.startUrl ?? "",
      }));
    }
    profiles.push(use);
  }
  return { profiles, owners };
}

/** What {@link scanLogins} reads. */
export interface InventoryInput {
  ssoCacheDir: string;
  cliCacheDir: string;
  keys: ConfiguredKeys;
  /** Epoch ms. */
  now: number;
  /** Only these token keys (a profile's); every token file when absent. */
  onlyTokenKeys?: ReadonlySet<string>;
}

/** Token and credential file names: 40 lowercase hex digits and `.json`. */
const CACHE_FILE = /^([0-9a-f]{40})\.json$/;

/** A file in a cache directory named like a cache file. */
interface CacheFileName {
  key: string;
  /** The listing says it is a regular file (not a symlink, which is checked when read). */
  regular: boolean;
}

/** The files in `dir` named like cache files; a missing or unreadable directory is empty. */
function cacheFileNames(dir: string): CacheFileName[] {
  const names: CacheFileName[] = [];
  try {
    for (const entry of Deno.readDirSync(dir)) {
      const match = entry.isFile || entry.isSymlink ? CACHE_FILE.exec(entry.name) : null;
      if (match) names.push({ key: match[1], regular: entry.isFile });
    }
  } catch {
    // Missing or unreadable: nothing cached there.
  }
  return names;
}

/**
 * Every cached SSO login, sorted by session name (legacy logins last), then start URL. Files that
 * are not token files (client registrations, our lock and temp files) are skipped.
 */
export function scanLogins(input: InventoryInput): CachedLogin[] {
  const { keys, now } = input;
  const logins = new Map<string, CachedLogin>();
  for (const { key, regular } of cacheFileNames(input.ssoCacheDir)) {
    if (input.onlyTokenKeys !== undefined && !input.onlyTokenKeys.has(key)) continue;
    const path = joinPath(input.ssoCacheDir, `${key}.json`);
    const json = readJsonObjectSync(path, { knownRegular: regular });
    // The AWS CLI's rule for a token file; client registrations have no accessToken.
    const token = json && "accessToken" in json ? tokenFromJson(json) : undefined;
    if (!token) continue;
    const owner = keys.owners.get(key);
    const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
    const { state, refreshableUntil } = loginState(token, now);
    logins.set(key, {
      key,
      path,
      session: owner?.sessionName ?? null,
      startUrl: text(token.raw.startUrl) ?? owner?.startUrl,
      region: text(token.raw.region) ?? owner?.region,
      expiresAt: token.expiresAt,
      state,
      refreshableUntil,
      credentials: [],
      profiles: [],
    });
  }
  if (logins.size > 0) attachProfilesAndCredentials(logins, input);
  return [...logins.values()].sort(compareLogins);
}

function attachProfilesAndCredentials(
  logins: Map<string, CachedLogin>,
  input: InventoryInput,
): void {
  const byCredentialKey = new Map<string, ProfileCacheUse>();
  for (const use of input.keys.profiles) {
    const login = logins.get(use.tokenKey);
    if (!login) continue;
    login.profiles.push(use.profile);
    if (use.credentialKey && !byCredentialKey.has(use.credentialKey)) {
      byCredentialKey.set(use.credentialKey, use);
    }
  }
  if (byCredentialKey.size === 0) return;
  // Only files a profile accounts for are read; the others are never opened.
  for (const { key, regular } of cacheFileNames(input.cliCacheDir)) {
    const use = byCredentialKey.get(key);
    if (!use) continue;
    const json = readJsonObjectSync(joinPath(input.cliCacheDir, `${key}.json`), {
      knownRegular: regular,
    });
    const creds = json && credentialsFromJson(json);
    if (!creds) continue;
    logins.get(use.tokenKey)!.credentials.push({
      accountId: use.accountId!,
      roleName: use.roleName!,
      expiration: creds.expiration,
      reusable: areCredentialsReusable(creds, input.now),
    });
  }
  for (const login of logins.values()) {
    login.credentials.sort((a, b) =>
      byCodeUnits(a.accountId, b.accountId) || byCodeUnits(a.roleName, b.roleName)
    );
  }
}

function compareLogins(a: CachedLogin, b: CachedLogin): number {
  if ((a.session === null) !== (b.session === null)) return a.session === null ? 1 : -1;
  return byCodeUnits(a.session ?? "", b.session ?? "") ||
    byCodeUnits(a.startUrl ?? "", b.startUrl ?? "") || byCodeUnits(a.key, b.key);
}

/** Plain string order (locale-aware collation is slow to load and not needed here). */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
