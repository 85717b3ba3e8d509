/**
 * Role credentials for `run-as`, `export` and `serve`: resolves the role from their shared
 * options, then takes the one credential path (`sso/role_credentials.ts`), or for a profile that
 * assumes a role (`role_arn`) its role chain (`chain_credentials.ts`). The returned getter can be
 * called again (a credential endpoint refreshing), each call a fresh run of that path.
 *
 * @module
 */
import type { RoleCredentials } from "../cache/credential_cache.ts";
import { DebugLog } from "../base/debug_log.ts";
import type { Runtime } from "../base/runtime.ts";
import { safeEcho } from "../base/safe_text.ts";
import { loadConfigFile } from "../config/settings.ts";
import {
  checkRegionFlag,
  resolveRoleTarget,
  type RoleOptions,
  targetRegion,
} from "../config/role_target.ts";
import type { CredentialProcessSettings } from "../config/settings.ts";
import { roleCredentialsWithLogin } from "../login/lazy_login.ts";
import { warnOnce } from "../sso/role_credentials.ts";
import { profileChain } from "../cache/profile_chain.ts";
import { chainCredentials, chainRole, refuseSsoFlags } from "./chain_credentials.ts";

/** The resolved role and a getter of its credentials. */
export interface TargetCredentials {
  /** The program's region (`--region`, else the profile's), when known. */
  region?: string;
  /** The role, for a human line ("role Admin in account 123456789012"). */
  role: string;
  /**
   * The IAM Identity Center settings the credentials come from (for a role chain: its SSO
   * source's); undefined for a chain on static keys.
   */
  ssoSettings?: CredentialProcessSettings;
  getCredentials(): Promise<RoleCredentials>;
}

/** Resolves the role (ConfigError on bad options); touches no network until called. */
export async function credentialsForTarget(
  options: RoleOptions & { region?: string },
  rt: Runtime,
): Promise<TargetCredentials> {
  let first = true;
  /** One fetch: the run's log on stderr with `-v`, its warnings said once. */
  const fetch = async (get: (parts: FetchParts) => Promise<RoleCredentials>) => {
    const log = new DebugLog(Boolean(options.verbose));
    const warnings = warnOnce(rt, log);
    try {
      // --force-refresh applies to the first fetch; later ones refresh only when needed.
      const forceRefresh = first && Boolean(options.forceRefresh);
      first = false;
      return await get({ log, warn: warnings.warn, forceRefresh });
    } finally {
      await warnings.settled();
      for (const line of log.lines) await rt.stderr.write(`${line}\n`);
    }
  };

  checkRegionFlag(options.region);
  const config = await loadConfigFile(rt.paths().configFile);
  if (options.profile !== undefined) {
    const chain = await profileChain(rt, options.profile, config);
    if (chain) {
      refuseSsoFlags(options.profile, [
        ["-a/--account-id", options.accountId],
        ["-r/--role-name", options.roleName],
        ["-u/--sso-start-url", options.ssoStartUrl],
        ["--sso-region", options.ssoRegion],
      ]);
      return {
        region: targetRegion(options, config),
        role: chainRole(chain),
        ssoSettings: chain.source.kind === "sso" ? chain.source.settings : undefined,
        getCredentials: () =>
          fetch((parts) => chainCredentials(chain, { rt, ...parts, loginWanted: options.login })),
      };
    }
  }

  const target = resolveRoleTarget(options, rt.env, config, rt.paths().configFile);
  const { settings } = target;
  return {
    region: target.region,
    role: `role ${safeEcho(settings.roleName)} in account ${safeEcho(settings.accountId)}`,
    ssoSettings: settings,
    getCredentials: () =>
      fetch((parts) =>
        roleCredentialsWithLogin(settings, { rt, ...parts, loginWanted: options.login })
      ),
  };
}

/** What one fetch of the getter is given. */
interface FetchParts {
  log: DebugLog;
  warn(sentence: string): void;
  forceRefresh: boolean;
}
