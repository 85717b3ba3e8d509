/**
 * A profile's role chain, resolved as botocore's `AssumeRoleProvider` resolves it (botocore 1.43):
 * a profile with `role_arn` assumes that role with the credentials of its `source_profile`, which
 * may itself assume a role, to any depth, until a profile that has credentials of its own:
 *
 * - IAM Identity Center (SSO) settings (`sso_account_id` / `sso_role_name`, legacy `sso_*` keys or
 *   `sso_session`);
 * - static keys (`aws_access_key_id` and `aws_secret_access_key`, `aws_session_token`) in the
 *   shared credentials file or, after `credential_process`, in the config file;
 * - a `credential_process` line that runs this tool's `credential-process` (`--profile NAME` and
 *   the setting flags): that run's SSO settings, or NAME's own chain when NAME assumes a role.
 *
 * Profiles are botocore's view: the config file's, with the credentials file's sections merged in
 * (its keys win). A source profile's own credentials are looked for in botocore's order (web
 * identity, SSO, credentials file, `login_session`, `credential_process`, config file keys), and
 * a source profile with static keys is used for them even when it has a `role_arn` (so a profile
 * may name itself as its source). `credential_source`, web identity, `login_session` and other
 * programs' `credential_process` lines are refused, one sentence each.
 *
 * STS is called for every hop in one region, as botocore and the AWS CLI call it: `AWS_REGION`,
 * else `AWS_DEFAULT_REGION`, else the `region` of the profile asked for, else STS's global
 * endpoint (`aws-global`: `sts.amazonaws.com`, signed for `us-east-1`); the endpoint settings
 * (FIPS, dual-stack, `sts_regional_endpoints`, `[services]`) are that profile's.
 *
 * Pure: takes the parsed files and the environment; never touches the file system or network.
 *
 * @module
 */
import {
  type AwsConfigDocument,
  type CredentialsFileProfiles,
  getProfile,
  profileNames,
} from "./aws_config_file.ts";
import { credentialProcessCommand, credentialProcessFlags } from "./credential_process_command.ts";
import { type EndpointConfig, profileEndpointConfig } from "./endpoints.ts";
import type { Env } from "../base/paths.ts";
import {
  type CredentialProcessSettings,
  isRegion,
  resolveCredentialProcessSettings,
} from "./settings.ts";
import { ConfigError } from "../base/errors.ts";
import { didYouMean } from "../base/did_you_mean.ts";
import { safeEcho, shownPath } from "../base/safe_text.ts";

/** A chain may assume at most this many roles (botocore sets no limit; loops are caught apart). */
export const MAX_ROLE_HOPS = 10;

/** STS's global endpoint, botocore's STS region when none is configured. */
export const STS_GLOBAL_REGION = "aws-global";

/** One AssumeRole of a chain: the settings of the profile that has the `role_arn`. */
export interface RoleHop {
  profile: string;
  roleArn: string;
  /** `role_session_name`; undefined: generated at each call (`botocore-session-<unix seconds>`). */
  roleSessionName?: string;
  externalId?: string;
  /** `mfa_serial`: the MFA device whose code AssumeRole needs. */
  mfaSerial?: string;
  /** `duration_seconds`: a whole number from 900 to 43200. */
  durationSeconds?: number;
  /** The profile's `region` (informational: every hop calls STS in the chain's region). */
  region?: string;
}

/** Where a chain's first credentials come from. */
export type ChainSource =
  | {
    kind: "sso";
    /** The profile whose SSO settings these are (`settings.profileName`). */
    profile: string;
    /** Set when a `credential_process` line of this profile ran `credential-process` for them. */
    viaCredentialProcess?: string;
    /** What `sso/role_credentials.ts` `roleCredentials()` takes. */
    settings: CredentialProcessSettings;
  }
  | {
    kind: "static";
    profile: string;
    /** The file the keys are in. */
    file: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  };

/** A profile's resolved chain. */
export interface RoleChain {
  /** The profile asked for (whose role the last hop assumes). */
  profile: string;
  source: ChainSource;
  /** The hops in the order they are assumed: the first with the source's credentials. */
  hops: RoleHop[];
  /** The region STS is called in for every hop (or {@link STS_GLOBAL_REGION}). */
  stsRegion: string;
  /** Where {@link stsRegion} came from ("AWS_REGION", "profile deploy", "default"). */
  stsRegionSource: string;
  /** The endpoint and client settings of the profile asked for (for STS's endpoint). */
  endpointConfig: EndpointConfig;
}

/** What the resolver reads. */
export interface RoleChainInput {
  /** The parsed config file; undefined when there is none. */
  config: AwsConfigDocument | undefined;
  configPath: string;
  /** The credentials file's profiles (`readCredentialsFile`); empty when there is none. */
  credentials: CredentialsFileProfiles;
  credentialsPath: string;
  /** `AWS_REGION`, `AWS_DEFAULT_REGION`; `AWS_SSO_*` for a `credential-process` line's run. */
  env: Env;
  /** How `credential_process` lines are split (default: this OS's rules). */
  os?: string;
}

const noEnv: Env = () => undefined;

/** The profile as botocore sees it: config file keys, credentials file keys over them. */
function mergedProfile(name: string, input: RoleChainInput): Map<string, string> | undefined {
  const fromConfig = input.config ? getProfile(input.config, name) : undefined;
  const fromCredentials = input.credentials.get(name);
  if (!fromConfig && !fromCredentials) return undefined;
  return new Map([...fromConfig ?? [], ...fromCredentials ?? []]);
}

/** botocore's `_has_assume_role_config_vars`: a `role_arn` without web identity. */
function hasAssumeRole(profile: Map<string, string>): boolean {
  return profile.has("role_arn") && !profile.has("web_identity_token_file");
}

/** botocore's `_has_static_credentials`. */
function hasStaticKeys(profile: Map<string, string>): boolean {
  return profile.has("aws_access_key_id") || profile.has("aws_secret_access_key");
}

/** Whether `profile` assumes a role (has `role_arn`), so that {@link resolveRoleChain} applies. */
export function isRoleProfile(profile: string, input: RoleChainInput): boolean {
  return mergedProfile(profile, input)?.has("role_arn") ?? false;
}

/**
 * The chain of `profile`, or undefined when it has no `role_arn` (not a role profile: the caller
 * goes on with its SSO settings). Every problem is one sentence (ConfigError, exit 2): a loop of
 * `source_profile`s (named), a missing profile, both or neither of `source_profile` and
 * `credential_source`, `credential_source` (not supported), a malformed `role_arn`,
 * `duration_seconds`, `role_session_name`, `external_id` or `mfa_serial`, a source without
 * credentials or with incomplete ones, more than {@link MAX_ROLE_HOPS} hops.
 */
export function resolveRoleChain(profile: string, input: RoleChainInput): RoleChain | undefined {
  const top = mergedProfile(profile, input);
  if (!top) throw missingProfile(profile, input);
  if (!top.has("role_arn")) return undefined;
  if (top.has("web_identity_token_file")) throw unsupported(profile, "web_identity_token_file");
  const visited = [profile];
  const hops: RoleHop[] = [];
  let name = profile;
  let source: ChainSource | undefined;
  while (source === undefined) {
    const keys = mergedProfile(name, input)!;
    hops.unshift(roleHop(name, keys, input));
    if (hops.length > MAX_ROLE_HOPS) {
      throw new ConfigError(
        `Profile ${
          safeEcho(profile)
        } needs more than ${MAX_ROLE_HOPS} roles assumed one after another (${
          chainPhrase(visited)
        } …); aws-sso-util follows at most ${MAX_ROLE_HOPS}.`,
      );
    }
    const sourceName = sourceProfileOf(name, keys, visited, input);
    visited.push(sourceName);
    const sourceKeys = mergedProfile(sourceName, input)!;
    if (hasStaticKeys(sourceKeys) || !hasAssumeRole(sourceKeys)) {
      const found = ownCredentials(sourceName, sourceKeys, name, visited, input);
      if ("continueAt" in found) name = found.continueAt;
      else source = found;
    } else {
      name = sourceName;
    }
  }
  const region = stsRegion(profile, top, input.env);
  return {
    profile,
    source,
    hops,
    ...region,
    endpointConfig: profileEndpointConfig(input.config, profile),
  };
}

/** The hop of role profile `name`, its settings checked. */
function roleHop(name: string, keys: Map<string, string>, input: RoleChainInput): RoleHop {
  const where = `in profile ${safeEcho(name)} of ${shownPath(fileOf(name, input))}`;
  const roleArn = keys.get("role_arn")!;
  if (!ROLE_ARN.test(roleArn) || roleArn.length > 2048) {
    throw new ConfigError(
      `role_arn = ${
        safeEcho(roleArn)
      } ${where} is not an IAM role ARN: write it as arn:aws:iam::123456789012:role/NAME.`,
    );
  }
  const checked = (key: string, pattern: RegExp, what: string) => {
    const value = keys.get(key);
    if (value === undefined) return undefined;
    if (!pattern.test(value)) {
      throw new ConfigError(`${key} = ${safeEcho(value)} ${where} is not valid: ${what}.`);
    }
    return value;
  };
  // An empty role_session_name is a generated one, as in botocore.
  const sessionName = keys.get("role_session_name") || undefined;
  if (sessionName !== undefined && !SESSION_NAME.test(sessionName)) {
    throw new ConfigError(
      `role_session_name = ${
        safeEcho(sessionName)
      } ${where} is not valid: use 2 to 64 letters, digits and _+=,.@- only.`,
    );
  }
  return {
    profile: name,
    roleArn,
    roleSessionName: sessionName,
    externalId: checked(
      "external_id",
      EXTERNAL_ID,
      "use 2 to 1224 letters, digits and _+=,.@:/- only",
    ),
    mfaSerial: checked(
      "mfa_serial",
      MFA_SERIAL,
      "write the MFA device's ARN (arn:aws:iam::123456789012:mfa/NAME) or serial number",
    ),
    durationSeconds: durationOf(keys.get("duration_seconds"), where),
    region: keys.get("region") || undefined,
  };
}

/** An IAM role ARN of any partition, the role's path included. */
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** STS's constraints on AssumeRole's parameters. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:\/-]{2,1224}$/;
const MFA_SERIAL = /^[\w+=\/:,.@-]{9,256}$/;

/** STS's range of DurationSeconds (the role's own maximum may be lower). */
const MIN_DURATION = 900;
const MAX_DURATION = 43_200;

/**
 * `duration_seconds` as a number. botocore ignores a value that is not a whole number; we refuse
 * it (one sentence) rather than assume a role for a duration nobody asked for.
 */
function durationOf(text: string | undefined, where: string): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(value >= MIN_DURATION && value <= MAX_DURATION)) {
    throw new ConfigError(
      `duration_seconds = ${
        safeEcho(text)
      } ${where} is not valid: set it to a whole number of seconds from ${MIN_DURATION} to ${MAX_DURATION}.`,
    );
  }
  return value;
}

/**
 * The `source_profile` of role profile `name`, checked as botocore checks it: exactly one of
 * `source_profile` and `credential_source` (which is not supported), an existing profile, no loop
 * (a profile may name itself only when it has static keys).
 */
function sourceProfileOf(
  name: string,
  keys: Map<string, string>,
  visited: readonly string[],
  input: RoleChainInput,
): string {
  const sourceProfile = keys.get("source_profile");
  const credentialSource = keys.get("credential_source");
  const shown = safeEcho(name);
  if (sourceProfile !== undefined && credentialSource !== undefined) {
    throw new ConfigError(
      `Profile ${shown} has both source_profile and credential_source; keep one of them (source_profile names the profile whose credentials assume its role).`,
    );
  }
  if (credentialSource !== undefined) {
    throw new ConfigError(
      `Profile ${shown} uses credential_source = ${
        safeEcho(credentialSource)
      }, which aws-sso-util does not support: it assumes roles with a source_profile's credentials only.`,
    );
  }
  if (sourceProfile === undefined || sourceProfile === "") {
    throw new ConfigError(
      `Profile ${shown} has role_arn but no source_profile: add source_profile = NAME, the profile whose credentials assume the role.`,
    );
  }
  const source = mergedProfile(sourceProfile, input);
  if (!source) {
    throw missingProfile(sourceProfile, input, { profile: name, how: "as its source_profile" });
  }
  if (
    visited.includes(sourceProfile) && (sourceProfile !== name || !hasStaticKeys(source))
  ) {
    throw loop([...visited, sourceProfile]);
  }
  return sourceProfile;
}

/**
 * The credentials of source profile `name` (`keys`), in botocore's order; or the profile whose
 * chain goes on, for a `credential-process --profile OTHER` line where OTHER assumes a role.
 */
function ownCredentials(
  name: string,
  keys: Map<string, string>,
  roleProfile: string,
  visited: string[],
  input: RoleChainInput,
): ChainSource | { continueAt: string } {
  if (keys.has("role_arn") && keys.has("web_identity_token_file")) {
    throw unsupported(name, "web_identity_token_file");
  }
  if (keys.has("sso_account_id") || keys.has("sso_role_name")) {
    return {
      kind: "sso",
      profile: name,
      settings: resolveCredentialProcessSettings(
        { profile: name },
        noEnv,
        input.config,
        input.configPath,
      ),
    };
  }
  const inCredentialsFile = input.credentials.get(name);
  if (inCredentialsFile?.has("aws_access_key_id")) {
    return staticSource(name, inCredentialsFile, input.credentialsPath);
  }
  if (keys.has("login_session")) throw unsupported(name, "login_session");
  const line = keys.get("credential_process");
  if (line !== undefined) return processSource(name, line, visited, input);
  const inConfig = input.config ? getProfile(input.config, name) : undefined;
  if (inConfig?.has("aws_access_key_id")) return staticSource(name, inConfig, input.configPath);
  throw new ConfigError(
    `Profile ${safeEcho(name)}, the source_profile of ${
      safeEcho(roleProfile)
    }, has no credentials: give it SSO settings (sso_session or sso_start_url, sso_account_id, sso_role_name), static keys in ${
      shownPath(input.credentialsPath)
    }, or a role_arn and source_profile of its own.`,
  );
}

/** Static keys; a key id without its secret is one sentence (the keys are never echoed). */
function staticSource(name: string, keys: Map<string, string>, file: string): ChainSource {
  const accessKeyId = keys.get("aws_access_key_id")!;
  const secretAccessKey = keys.get("aws_secret_access_key");
  if (!accessKeyId || !secretAccessKey) {
    throw new ConfigError(
      `Profile ${safeEcho(name)} in ${
        shownPath(file)
      } has aws_access_key_id but no aws_secret_access_key; add the secret key or remove both.`,
    );
  }
  const sessionToken = keys.get("aws_session_token") ?? keys.get("aws_security_token");
  return {
    kind: "static",
    profile: name,
    file,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
  };
}

/**
 * A `credential_process` source: a line running this tool's `credential-process` gives that
 * run's SSO settings (its flags, `AWS_SSO_*` as the child would see them, its `--profile`), or
 * the chain of its `--profile` when that profile assumes a role. Another program is refused.
 */
function processSource(
  name: string,
  line: string,
  visited: string[],
  input: RoleChainInput,
): ChainSource | { continueAt: string } {
  const flags = credentialProcessFlags(credentialProcessCommand(line, input.os));
  if (flags === undefined) {
    throw new ConfigError(
      `Profile ${
        safeEcho(name)
      } gets its credentials from a credential_process program other than aws-sso-util, which aws-sso-util does not run to assume a role; give it SSO settings or static keys instead.`,
    );
  }
  const target = flags.profile;
  if (target !== undefined && target !== name) {
    const keys = mergedProfile(target, input);
    if (!keys) {
      throw missingProfile(target, input, { profile: name, how: "in its credential_process line" });
    }
    if (hasAssumeRole(keys)) {
      if (visited.includes(target)) throw loop([...visited, target]);
      visited.push(target);
      return { continueAt: target };
    }
  }
  return {
    kind: "sso",
    profile: target ?? name,
    viaCredentialProcess: name,
    settings: resolveCredentialProcessSettings(flags, input.env, input.config, input.configPath),
  };
}

/** The region STS is called in, and where it came from. */
function stsRegion(
  profile: string,
  keys: Map<string, string>,
  env: Env,
): { stsRegion: string; stsRegionSource: string } {
  const candidates: [string | undefined, string, string][] = [
    [env("AWS_REGION"), "AWS_REGION", "AWS_REGION="],
    [env("AWS_DEFAULT_REGION"), "AWS_DEFAULT_REGION", "AWS_DEFAULT_REGION="],
    [keys.get("region"), `profile ${profile}`, "region = "],
  ];
  for (const [value, source, shown] of candidates) {
    const region = value?.trim();
    if (!region) continue;
    if (!isRegion(region) && region !== STS_GLOBAL_REGION) {
      throw new ConfigError(
        `${shown}${safeEcho(region)}${
          source.startsWith("profile") ? ` in profile ${safeEcho(profile)}` : ""
        } is not a valid AWS region name (STS is called in it to assume the role of profile ${
          safeEcho(profile)
        }).`,
      );
    }
    return { stsRegion: region, stsRegionSource: source };
  }
  return { stsRegion: STS_GLOBAL_REGION, stsRegionSource: "default" };
}

/** The file a profile is in, for messages: the config file, else the credentials file. */
function fileOf(name: string, input: RoleChainInput): string {
  return input.config && getProfile(input.config, name) ? input.configPath : input.credentialsPath;
}

function chainPhrase(names: readonly string[]): string {
  return names.map((n) => safeEcho(n, 100)).join(" → ");
}

function loop(names: readonly string[]): ConfigError {
  return new ConfigError(
    `The source_profile settings form a loop: ${
      chainPhrase(names)
    }; make one of these profiles get its own credentials (SSO settings or static keys).`,
  );
}

/** A profile that neither file has; `referrer` names it (`how`: "as its source_profile"). */
function missingProfile(
  name: string,
  input: RoleChainInput,
  referrer?: { profile: string; how: string },
): ConfigError {
  const known = new Set([
    ...(input.config ? profileNames(input.config) : []),
    ...input.credentials.keys(),
  ]);
  const where = `${shownPath(input.configPath)} or ${shownPath(input.credentialsPath)}${
    didYouMean(name, known)
  }`;
  return new ConfigError(
    referrer === undefined
      ? `Profile ${safeEcho(name)} was not found in ${where}.`
      : `Profile ${safeEcho(referrer.profile)} names profile ${
        safeEcho(name)
      } ${referrer.how}, but there is no such profile in ${where}.`,
  );
}

function unsupported(name: string, key: string): ConfigError {
  return new ConfigError(
    `Profile ${
      safeEcho(name)
    } uses ${key}, which aws-sso-util does not support as the source of a role chain; give it SSO settings or static keys instead.`,
  );
}

/** "SSO role R in account A (profile p) → arn:…:role/X (profile q)": a chain in one line. */
export function chainSummary(chain: RoleChain): string {
  const source = chain.source.kind === "sso"
    ? `SSO role ${chain.source.settings.roleName} in account ${chain.source.settings.accountId} (profile ${
      safeEcho(chain.source.profile)
    })`
    : `static keys of profile ${safeEcho(chain.source.profile)}`;
  return [
    source,
    ...chain.hops.map((h) => `${safeEcho(h.roleArn)} (profile ${safeEcho(h.profile)})`),
  ]
    .join(" → ");
}
