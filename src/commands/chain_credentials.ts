/**
 * Credentials of a role-chain profile (`role_arn` + `source_profile`, to any depth) for every
 * command that runs with a profile's credentials: the chain resolved from the config and
 * credentials files as botocore resolves it (`config/role_chain.ts`), its source's credentials
 * (an IAM Identity Center role through the one credential path, or static keys), and each hop
 * assumed through STS with the cache shared with the AWS CLI (`sts/assume_role_provider.ts`).
 *
 * `credential-process` loads this module only for a profile with `role_arn`, so the SSO path's
 * start-up does not grow.
 *
 * @module
 */
import type { DebugLog } from "../base/debug_log.ts";
import { ConfigError } from "../base/errors.ts";
import type { Runtime } from "../base/runtime.ts";
import { safeEcho } from "../base/safe_text.ts";
import type { RoleCredentials } from "../cache/credential_cache.ts";
import { profileChain } from "../cache/profile_chain.ts";
import type { AwsConfigDocument } from "../config/aws_config_file.ts";
import type { RoleChain } from "../config/role_chain.ts";
import { roleCredentialsWithLogin } from "../login/lazy_login.ts";
import { assumeRoleChain } from "../sts/assume_role_provider.ts";
import { mfaPromptOn } from "../ui/mfa_prompt.ts";
import { promptIO } from "../ui/prompt.ts";

/** Refuses SSO flags beside a role-chain profile: its role and source come from the chain. */
export function refuseSsoFlags(profile: string, given: [string, unknown][]): void {
  const flags = given.filter(([, v]) => v !== undefined).map(([f]) => f);
  if (flags.length === 0) return;
  throw new ConfigError(
    `Profile ${safeEcho(profile)} assumes a role (role_arn), so its role comes from the chain; ${
      flags.join(", ")
    } cannot be combined with it.`,
  );
}

/** One fetch of a chain's credentials. */
export interface ChainRun {
  rt: Runtime;
  log: DebugLog;
  /** Says a warning sentence (once per run). */
  warn(sentence: string): void;
  /** `--login`: log in when the chain's SSO source needs it (also `aws_sso_util_auto_login`). */
  loginWanted?: boolean;
  /** Ignore every cached credential of the chain and its source. */
  forceRefresh?: boolean;
}

/**
 * The credentials of the chain's last role: cached ones with 15+ minutes left, else assumed hop
 * by hop. An MFA code is asked on the terminal when stdin is one; otherwise a hop that needs one
 * is a "login required" sentence.
 */
export async function chainCredentials(chain: RoleChain, run: ChainRun): Promise<RoleCredentials> {
  const { rt, log, warn } = run;
  const result = await assumeRoleChain(chain, {
    rt,
    log,
    cliCacheDir: rt.paths().cliCacheDir,
    deadline: rt.now() + rt.limits.credentialProcessMs,
    warn,
    mfaCode: rt.stdinIsTerminal() ? mfaPromptOn(promptIO(rt)) : undefined,
    forceRefresh: run.forceRefresh,
    ssoCredentials: (settings, refresh) =>
      roleCredentialsWithLogin(settings, {
        rt,
        log,
        warn,
        loginWanted: run.loginWanted,
        forceRefresh: refresh,
      }),
  });
  log.log(
    `role chain of ${chain.profile}: ${result.cached ? "cached" : "assumed"} ${
      result.arn ?? chain.hops[chain.hops.length - 1].roleArn
    }`,
  );
  return result.credentials;
}

/**
 * The credentials of `profile`, which assumes a role: its chain resolved from the files, SSO
 * `flags` given beside it refused. `credential-process`'s way in (it loads this module lazily).
 */
export async function roleProfileCredentials(
  profile: string,
  config: AwsConfigDocument | undefined,
  flags: [string, unknown][],
  run: ChainRun,
): Promise<RoleCredentials> {
  refuseSsoFlags(profile, flags);
  const chain = await profileChain(run.rt, profile, config);
  if (!chain) throw new ConfigError(`Profile ${safeEcho(profile)} assumes no role (no role_arn).`);
  return await chainCredentials(chain, run);
}

/** "role arn:aws:iam::222222222222:role/Deploy (profile deploy, via …)", for human lines. */
export function chainRole(chain: RoleChain): string {
  const last = chain.hops[chain.hops.length - 1];
  return `role ${safeEcho(last.roleArn)} (profile ${safeEcho(chain.profile)})`;
}
