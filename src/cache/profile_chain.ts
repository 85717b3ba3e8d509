/**
 * A profile's role chain as the commands read it from the files: the config file (already
 * parsed) and, only for a profile that assumes a role, the shared credentials file (its source's
 * static keys may be there); and the chain's cached credentials in the assumed-role cache. Reads
 * files only: `status` and `check` use it offline, the credential commands before assuming.
 *
 * @module
 */
import { CliError, ConfigError } from "../base/errors.ts";
import type { Runtime } from "../base/runtime.ts";
import { safeEcho } from "../base/safe_text.ts";
import { assumesRole, type AwsConfigDocument, profileNames } from "../config/aws_config_file.ts";
import type { FoundInstance } from "../config/instance.ts";
import { resolveRoleChain, type RoleChain, type RoleChainInput } from "../config/role_chain.ts";
import { chainCachePaths, readAssumedRole } from "./assumed_role_cache.ts";
import { tokenCacheKey } from "./cache_keys.ts";
import type { RoleCredentials } from "./credential_cache.ts";
import { credentialsFilePath } from "./credentials_file.ts";
import { readCredentialsFile } from "./credentials_file_profiles.ts";

/**
 * The role chain of `profile`, or undefined when it assumes no role. The credentials file is read
 * only for a role profile. One sentence (ConfigError) for a broken chain.
 */
export async function profileChain(
  rt: Pick<Runtime, "env" | "paths">,
  profile: string,
  config: AwsConfigDocument | undefined,
): Promise<RoleChain | undefined> {
  if (!assumesRole(config, profile)) return undefined;
  return resolveRoleChain(profile, await chainInput(rt, config));
}

/** The files' contents and paths the resolver reads. */
async function chainInput(
  rt: Pick<Runtime, "env" | "paths">,
  config: AwsConfigDocument | undefined,
): Promise<RoleChainInput> {
  const credentialsPath = credentialsFilePath(rt.env);
  return {
    config,
    configPath: rt.paths().configFile,
    credentials: await readCredentialsFile(credentialsPath),
    credentialsPath,
    env: rt.env,
  };
}

/** A role profile of the config file: its chain, or the sentence that says why it is broken. */
export type ConfiguredChain =
  | { profile: string; chain: RoleChain; problem?: undefined }
  | { profile: string; chain?: undefined; problem: string };

/** Every role profile of `config` (in file order) with its chain or its problem. */
export async function configuredChains(
  rt: Pick<Runtime, "env" | "paths">,
  config: AwsConfigDocument | undefined,
): Promise<ConfiguredChain[]> {
  const names = config ? profileNames(config).filter((name) => assumesRole(config, name)) : [];
  if (names.length === 0) return [];
  const input = await chainInput(rt, config);
  return names.map((profile): ConfiguredChain => {
    try {
      return { profile, chain: resolveRoleChain(profile, input)! };
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      return { profile, problem: error.message };
    }
  });
}

/** The cached credentials of a chain's last role, whatever time they have left, with their ARN. */
export interface CachedChainCredentials {
  path: string;
  credentials: RoleCredentials;
  arn?: string;
}

/** Reads the assumed-role cache entry of the chain's last hop; undefined when there is none. */
export async function cachedChainCredentials(
  chain: RoleChain,
  cliCacheDir: string,
): Promise<CachedChainCredentials | undefined> {
  const paths = await chainCachePaths(chain, cliCacheDir);
  const path = paths[paths.length - 1];
  const entry = await readAssumedRole(path);
  return entry && { path, ...entry };
}

/** A role profile's IAM Identity Center source, as `login` and `logout --profile` select it. */
export interface ChainSsoSource {
  /** The instance `credential-process` uses for the chain's first credentials. */
  instance: FoundInstance;
  /** The profile whose SSO settings these are, when a profile names them. */
  profileName?: string;
}

/**
 * The IAM Identity Center instance whose login the chain of role profile `profile` starts from
 * (undefined when `profile` assumes no role): exactly the instance `credential-process --profile`
 * takes its token from. A broken chain, or one that starts from static keys (no login to give),
 * is one sentence: a ConfigError of kind `badInstance`.
 */
export async function chainSsoSource(
  rt: Pick<Runtime, "env" | "paths">,
  profile: string,
  config: AwsConfigDocument | undefined,
): Promise<ChainSsoSource | undefined> {
  let chain: RoleChain | undefined;
  try {
    chain = await profileChain(rt, profile, config);
  } catch (error) {
    if (error instanceof CliError) throw new ConfigError(error.message, "badInstance");
    throw error;
  }
  if (!chain) return undefined;
  if (chain.source.kind !== "sso") {
    throw new ConfigError(
      `Profile ${safeEcho(profile)} assumes a role with the static keys of profile ${
        safeEcho(chain.source.profile)
      }, which need no SSO login.`,
      "badInstance",
    );
  }
  const { settings } = chain.source;
  return {
    instance: {
      startUrl: settings.startUrl,
      ssoRegion: settings.ssoRegion,
      sessionName: settings.sessionName,
      scopes: settings.scopes,
      sameUrlLegacy: settings.sameUrlLegacy,
      source: `profile ${chain.source.profile}, the source of role profile ${profile}`,
    },
    profileName: settings.profileName,
  };
}

/**
 * The assumed-role cache files of every role profile in `config` whose chain starts from an SSO
 * login with one of the token cache `keys` (every SSO login when `keys` is undefined): what
 * `logout` deletes so that no role assumed with a login outlives it. Broken chains and chains
 * on static keys are skipped.
 */
export async function chainCacheFilesOfLogins(
  rt: Pick<Runtime, "env" | "paths">,
  config: AwsConfigDocument | undefined,
  keys: ReadonlySet<string> | undefined,
): Promise<string[]> {
  const files = new Set<string>();
  for (const { chain } of await configuredChains(rt, config)) {
    if (chain?.source.kind !== "sso") continue;
    if (keys && !keys.has(await tokenCacheKey(chain.source.settings))) continue;
    for (const path of await chainCachePaths(chain, rt.paths().cliCacheDir)) files.add(path);
  }
  return [...files];
}
