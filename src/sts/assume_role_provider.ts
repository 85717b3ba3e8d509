/**
 * The credentials at the end of a role chain (`config/role_chain.ts`): from the last hop back, each
 * hop's assumed-role credentials come from the cache shared with the AWS CLI while 15 minutes or
 * more are left (so a cached last hop makes no call at all, as in botocore), else from AssumeRole
 * with the previous hop's credentials (or the chain's source: SSO role credentials from the
 * caller, or static keys), one fetch per hop shared by concurrent processes (a lock beside the
 * cache file), and are cached again.
 *
 * - Role chaining: STS limits a session assumed with role credentials (an SSO role's, or another
 *   assumed role's) to one hour; a longer `duration_seconds` asks for one hour, and says so.
 * - When STS refuses the source's credentials as expired or invalid (`ExpiredToken`,
 *   `InvalidClientTokenId`), they are fetched once more (the cache skipped) and the call repeated
 *   once; not static keys, which would be the same.
 * - `mfa_serial`: the code is asked through the caller's prompt (after the source's credentials
 *   are at hand, so that the code is fresh); without one (no terminal) that is one sentence.
 * - Every failure is one sentence naming the role and the profile; nothing is cached on failure.
 *
 * @module
 */
import { chainCachePaths, readAssumedRole, writeAssumedRole } from "../cache/assumed_role_cache.ts";
import { areCredentialsReusable, type RoleCredentials } from "../cache/credential_cache.ts";
import { fileFailureReason } from "../base/file_failure.ts";
import { lockPathFor, withFileLock } from "../base/file_lock.ts";
import { type ResolvedEndpoint, resolveEndpoint } from "../config/endpoints.ts";
import { dirName, type Env } from "../base/paths.ts";
import {
  type ChainSource,
  type RoleChain,
  type RoleHop,
  STS_GLOBAL_REGION,
} from "../config/role_chain.ts";
import type { CredentialProcessSettings } from "../config/settings.ts";
import { type DebugLog, redact } from "../base/debug_log.ts";
import { AwsApiError, ConfigError, LoginRequiredError } from "../base/errors.ts";
import type { Runtime } from "../base/runtime.ts";
import { safeEcho, shownPath } from "../base/safe_text.ts";
import { assumeRole, type AssumeRoleInput } from "./sts_api.ts";
import type { SigningCredentials } from "../net/signing_types.ts";

/** STS's limit on a role-chained session (seconds). */
export const ROLE_CHAINING_MAX_SECONDS = 3600;

/** What a run of the chain takes. */
export interface AssumeRoleRun {
  rt: Pick<Runtime, "env" | "now" | "sleep" | "limits" | "http" | "timeout">;
  log: DebugLog;
  /** `~/.aws/cli/cache` (`rt.paths().cliCacheDir`). */
  cliCacheDir: string;
  /** Epoch ms after which the STS calls are abandoned; an MFA prompt restarts this budget. */
  deadline: number;
  /** Says a warning sentence (each distinct one once per run: `warnOnce` of role_credentials). */
  warn(sentence: string): void;
  /** Asks the user for an MFA code; undefined when nobody can be asked (no terminal). */
  mfaCode?: MfaPrompt;
  /** Ignore cached credentials (every hop, and the SSO source) and fetch them all anew. */
  forceRefresh?: boolean;
  /**
   * The SSO role credentials of a chain that starts at an SSO profile: the caller's
   * `roleCredentials(settings, { forceRefresh: refresh, login }, run)`. `refresh` is true when STS
   * refused the previous ones as expired or invalid, or the run forces a refresh.
   */
  ssoCredentials(settings: CredentialProcessSettings, refresh: boolean): Promise<RoleCredentials>;
}

/** Asks for the current code of MFA device `serial`, for `profile`'s role; the code as typed. */
export type MfaPrompt = (request: { serial: string; profile: string; roleArn: string }) => Promise<
  string
>;

/** The chain's credentials: those of its last hop. */
export interface ChainCredentials {
  /** The assumed role's credentials; `accountId` is the role's account. */
  credentials: RoleCredentials;
  /** The assumed role's session ARN (`arn:aws:sts::…:assumed-role/ROLE/SESSION`), when known. */
  arn?: string;
  /** True when they came from the cache. */
  cached: boolean;
}

/** Credentials one step of the chain hands to the next, and who they are. */
interface Link<C extends SigningCredentials = SigningCredentials> {
  credentials: C;
  /** Who they are, for messages: an ARN, "SSO role R in account A (profile p)", … */
  identity: string;
  /** Temporary role credentials (STS then caps an AssumeRole with them at one hour). */
  roleSession: boolean;
  /** Fetching them again may give others (not so static keys). */
  refreshable: boolean;
  arn?: string;
  cached: boolean;
}

/** STS codes of signing credentials it refuses: expired, or not (any longer) valid. */
const SOURCE_REFUSED = new Set(["ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId"]);

/**
 * The credentials of `chain`'s last hop: cached ones with 15+ minutes left, else assumed hop by
 * hop (see the module). STS's endpoint comes from the chain's region and endpoint settings;
 * invalid settings are a ConfigError before anything is read or sent.
 */
export async function assumeRoleChain(
  chain: RoleChain,
  run: AssumeRoleRun,
): Promise<ChainCredentials> {
  const { rt, log } = run;
  const endpoint = stsEndpoint(chain, rt.env);
  log.log(
    `role chain of ${chain.profile}: ${chain.hops.length} hop(s), STS ${endpoint.url} (${endpoint.source}; region ${chain.stsRegion} from ${chain.stsRegionSource})`,
  );
  const paths = await chainCachePaths(chain, run.cliCacheDir);
  const started = rt.now();
  const budget = { deadline: run.deadline, ms: run.deadline - started };

  /** Lock files this run holds: a hop whose arguments repeat an outer hop's shares its file. */
  const held = new Set<string>();

  /** The credentials of hop `i` (-1: the source); `refresh`: not from the cache. */
  const linkAt = (i: number, refresh: boolean): Promise<Link> =>
    i < 0
      ? sourceCredentials(chain.source, run, refresh || Boolean(run.forceRefresh))
      : hopAt(i, refresh);

  const hopAt = async (i: number, refresh: boolean): Promise<Link<RoleCredentials>> => {
    const hop = chain.hops[i];
    const path = paths[i];
    const fromCache = !refresh && !run.forceRefresh;
    if (fromCache) {
      const hit = await reusable(path, hop, rt.now(), log);
      if (hit) return hit;
    }
    const lockPath = lockPathFor(path);
    const waitMs = held.has(lockPath)
      ? 0
      : Math.min(rt.limits.credentialLockWaitMs, Math.max(0, budget.deadline - rt.now() - 3000));
    const fetch = async (locked: boolean) => {
      // Another process may have assumed it while we waited for the lock.
      const hit = locked && fromCache ? await reusable(path, hop, rt.now(), log) : undefined;
      if (hit) return hit;
      const fresh = await assumeHop(i, (refreshSource) => linkAt(i - 1, refreshSource));
      try {
        await writeAssumedRole(path, fresh.result);
        log.log(`assumed role cached: ${path}`);
      } catch (error) {
        log.log(`could not write the assumed-role cache: ${(error as Error).message}`);
        run.warn(
          `Cannot store assumed-role credentials in ${shownPath(dirName(path))} (${
            fileFailureReason(error)
          }); other runs cannot reuse them, so each assumes the role again.`,
        );
      }
      return fresh.link;
    };
    if (held.has(lockPath)) return await fetch(false);
    return await withFileLock(lockPath, waitMs, async (locked) => {
      if (locked) held.add(lockPath);
      try {
        return await fetch(locked);
      } finally {
        held.delete(lockPath);
      }
    });
  };

  /** AssumeRole of hop `i` with the previous link's credentials (fetched once more if refused). */
  const assumeHop = async (i: number, previous: (refresh: boolean) => Promise<Link>) => {
    const hop = chain.hops[i];
    let source = await previous(false);
    const input: AssumeRoleInput = {
      roleArn: hop.roleArn,
      roleSessionName: hop.roleSessionName ?? `botocore-session-${Math.floor(rt.now() / 1000)}`,
      externalId: hop.externalId,
      durationSeconds: cappedDuration(hop, source, run),
      serialNumber: hop.mfaSerial,
    };
    if (hop.mfaSerial !== undefined) {
      input.tokenCode = await askMfaCode(hop, run);
      budget.deadline = Math.max(budget.deadline, rt.now() + budget.ms);
    }
    const label = `AssumeRole of ${safeEcho(hop.roleArn)} (profile ${safeEcho(hop.profile)})`;
    for (let tries = 1;; tries++) {
      log.log(
        `${label} with ${
          redact(source.credentials.accessKeyId)
        } (${source.identity}) via ${endpoint.url}`,
      );
      try {
        const result = await assumeRole(
          { rt, endpoint, deadline: budget.deadline, log },
          source.credentials,
          input,
          label,
        );
        const { arn } = result.assumedRoleUser;
        log.log(
          `assumed ${arn}: ${redact(result.credentials.accessKeyId)} expiring ${
            new Date(result.credentials.expiration).toISOString()
          }`,
        );
        const link: Link<RoleCredentials> = {
          credentials: result.credentials,
          identity: arn || `role ${safeEcho(hop.roleArn)}`,
          roleSession: true,
          refreshable: true,
          arn: arn || undefined,
          cached: false,
        };
        return { result, link };
      } catch (error) {
        if (
          error instanceof AwsApiError && SOURCE_REFUSED.has(error.errorCode) && tries === 1 &&
          source.refreshable
        ) {
          log.log(`${label}: STS refused the source credentials (${error.errorCode}); again`);
          source = await previous(true);
          continue;
        }
        throw explained(error, hop, source, endpoint, tries > 1);
      }
    }
  };

  const { credentials, arn, cached } = await hopAt(chain.hops.length - 1, false);
  return { credentials, arn, cached };
}

/**
 * STS's endpoint for the chain's region and settings. Without a region (`aws-global`: STS's
 * global endpoint, as in botocore), FIPS and dual-stack use `us-east-1`'s endpoints (the global
 * one has neither), and requests are signed for `us-east-1`, the global endpoint's region.
 */
export function stsEndpoint(chain: RoleChain, env: Env): ResolvedEndpoint {
  const resolve = (region: string) => resolveEndpoint("sts", region, env, chain.endpointConfig);
  let endpoint = resolve(chain.stsRegion);
  if (chain.stsRegion !== STS_GLOBAL_REGION) return endpoint;
  if (endpoint.client.useFips.value || endpoint.client.useDualStack.value) {
    endpoint = resolve("us-east-1");
  }
  return endpoint.signingRegion === STS_GLOBAL_REGION
    ? { ...endpoint, signingRegion: "us-east-1" }
    : endpoint;
}

/** Cached credentials of `hop` at `path` with 15+ minutes left, as a link; else undefined. */
async function reusable(
  path: string,
  hop: RoleHop,
  now: number,
  log: DebugLog,
): Promise<Link<RoleCredentials> | undefined> {
  const cached = await readAssumedRole(path);
  if (!cached || !areCredentialsReusable(cached.credentials, now)) {
    log.log(`assumed-role cache ${cached ? "stale" : "miss"}: ${path} (profile ${hop.profile})`);
    return undefined;
  }
  log.log(`assumed-role cache hit: ${path} (${redact(cached.credentials.accessKeyId)})`);
  return {
    credentials: cached.credentials,
    identity: cached.arn ?? `role ${safeEcho(hop.roleArn)}`,
    roleSession: true,
    refreshable: true,
    arn: cached.arn,
    cached: true,
  };
}

/** The chain's source: static keys, or the SSO role credentials the caller fetches. */
async function sourceCredentials(
  source: ChainSource,
  run: AssumeRoleRun,
  refresh: boolean,
): Promise<Link> {
  if (source.kind === "static") {
    return {
      credentials: source.credentials,
      identity: `the access key ${redact(source.credentials.accessKeyId)} of profile ${
        safeEcho(source.profile)
      }`,
      // Static keys with a session token may be a role's (STS then decides on the one-hour cap).
      roleSession: false,
      refreshable: false,
      cached: false,
    };
  }
  const { settings } = source;
  const credentials = await run.ssoCredentials(settings, refresh);
  return {
    credentials,
    identity: `the SSO role ${
      safeEcho(settings.roleName)
    } in account ${settings.accountId} (profile ${safeEcho(source.profile)})`,
    roleSession: true,
    refreshable: true,
    cached: false,
  };
}

/**
 * The DurationSeconds to ask for: the hop's, but at most one hour when the source's credentials
 * are a role session (STS refuses more for a role-chained session), which is then said once.
 */
function cappedDuration(hop: RoleHop, source: Link, run: AssumeRoleRun): number | undefined {
  const asked = hop.durationSeconds;
  if (asked === undefined || asked <= ROLE_CHAINING_MAX_SECONDS || !source.roleSession) {
    return asked;
  }
  run.warn(
    `duration_seconds = ${asked} of profile ${
      safeEcho(hop.profile)
    } asks for more than the one hour STS allows a role-chained session (a role assumed with an SSO role's or another role's credentials); asking for ${ROLE_CHAINING_MAX_SECONDS} seconds.`,
  );
  return ROLE_CHAINING_MAX_SECONDS;
}

/** The MFA code for `hop`, asked through the run's prompt: six digits. */
async function askMfaCode(hop: RoleHop, run: AssumeRoleRun): Promise<string> {
  const where = `profile ${safeEcho(hop.profile)} (mfa_serial ${safeEcho(hop.mfaSerial)})`;
  if (!run.mfaCode) {
    throw new LoginRequiredError(
      `Assuming the role of ${where} needs an MFA code, and there is no terminal to ask for it; run the command in a terminal once (the role's credentials are then cached for the next runs).`,
    );
  }
  const code = (await run.mfaCode({
    serial: hop.mfaSerial!,
    profile: hop.profile,
    roleArn: hop.roleArn,
  })).trim();
  if (!/^\d{6}$/.test(code)) {
    throw new ConfigError(`The MFA code for ${where} must be 6 digits.`);
  }
  return code;
}

/** One sentence for a failed AssumeRole of `hop` with `source`'s credentials. */
function explained(
  error: unknown,
  hop: RoleHop,
  source: Link,
  endpoint: ResolvedEndpoint,
  retried: boolean,
): unknown {
  if (!(error instanceof AwsApiError)) return error;
  const role = `${safeEcho(hop.roleArn)} (profile ${safeEcho(hop.profile)})`;
  const said = error.serviceMessage;
  const sentence = (text: string) =>
    new AwsApiError(text, error.errorCode, error.retryable, error.serviceMessage);
  switch (error.errorCode) {
    case "AccessDenied":
      if (hop.mfaSerial !== undefined && /MultiFactorAuthentication/i.test(said)) {
        return sentence(
          `STS refused the MFA code of ${safeEcho(hop.mfaSerial)} for role ${role}: ${said}.`,
        );
      }
      return sentence(
        `AccessDenied: ${source.identity} may not assume role ${role}; check the role's trust policy${
          hop.externalId !== undefined ? " and external_id" : ""
        }${said ? ` (STS: ${said})` : ""}.`,
      );
    case "ExpiredToken":
    case "ExpiredTokenException":
    case "InvalidClientTokenId":
      return sentence(
        `STS refused the credentials of ${source.identity} (${error.errorCode}${
          retried ? ", even fetched anew" : ""
        }), so role ${role} cannot be assumed${said ? `: ${said}` : ""}.`,
      );
    case "RegionDisabledException":
      return sentence(
        `STS is not activated in region ${
          safeEcho(endpoint.signingRegion)
        } for the account of ${source.identity}, so role ${role} cannot be assumed there; activate the region in IAM, or set AWS_REGION (or the profile's region) to another one.`,
      );
    case "ValidationError":
      if (/role chaining/i.test(said)) {
        return sentence(
          `STS refused duration_seconds = ${hop.durationSeconds} of profile ${
            safeEcho(hop.profile)
          }: a role-chained session lasts at most one hour; set duration_seconds to ${ROLE_CHAINING_MAX_SECONDS} or less.`,
        );
      }
      return error;
    default:
      return error;
  }
}
