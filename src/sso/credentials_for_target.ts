/**
 * Role credentials for `run-as`, `export` and `serve`: resolves the role from their shared
 * options, then takes the one credential path (`role_credentials.ts`). The returned getter can
 * be called again (a credential endpoint refreshing), each call a fresh run of that path.
 *
 * @module
 */
import type { RoleCredentials } from "../cache/credential_cache.ts";
import { DebugLog } from "../base/debug_log.ts";
import { resolveRoleTarget, type RoleOptions } from "../config/role_target.ts";
import type { Runtime } from "../base/runtime.ts";
import type { CredentialProcessSettings } from "../config/settings.ts";
import { roleCredentials, settingsSession, warnOnce } from "./role_credentials.ts";
import type { SessionLogin } from "./session.ts";

/** The resolved role and a getter of its credentials. */
export interface TargetCredentials {
  /** The program's region (`--region`, else the profile's), when known. */
  region?: string;
  /** The role's resolved settings (instance, account, role). */
  settings: CredentialProcessSettings;
  getCredentials(): Promise<RoleCredentials>;
}

/** Resolves the role (ConfigError on bad options); touches no network until called. */
export async function credentialsForTarget(
  options: RoleOptions & { region?: string },
  rt: Runtime,
  login?: SessionLogin,
): Promise<TargetCredentials> {
  const target = await resolveRoleTarget(options, rt.env, rt.paths().configFile);
  let first = true;
  return {
    region: target.region,
    settings: target.settings,
    async getCredentials() {
      const log = new DebugLog(Boolean(options.verbose));
      const warnings = warnOnce(rt, log);
      const session = settingsSession(target.settings, {
        rt,
        log,
        warn: warnings.warn,
        login,
        loginWanted: options.login,
      });
      try {
        // --force-refresh applies to the first fetch; later ones refresh only when needed.
        const forceRefresh = first && Boolean(options.forceRefresh);
        first = false;
        return await roleCredentials(session, target.settings, { forceRefresh });
      } finally {
        await warnings.settled();
        for (const line of log.lines) await rt.stderr.write(`${line}\n`);
      }
    },
  };
}
