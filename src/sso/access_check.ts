/**
 * The checks of `aws-sso-util check`, in the original tool's order and with its exit codes:
 * the instance (101 none, 102 no match, 103 ambiguous), the cached SSO token (201: missing,
 * unreadable, expired and not refreshable, or rejected by the live test), then the account and
 * role (202 account not available or without roles, 203 role in no account, 204 role not in the
 * account). A token that can be refreshed is refreshed, as `credential-process` would. Each
 * passed check is reported as a finding; the first failed one is thrown as its kind of failure,
 * which `check`'s table maps to those codes.
 *
 * @module
 */
import { type AwsConfigDocument, getProfile } from "../config/aws_config_file.ts";
import { credentialProcessCommand } from "../config/credential_process_command.ts";
import { type FoundInstance, profileInstance, resolveInstance } from "../config/instance.ts";
import type { AwsPaths } from "../base/paths.ts";
import { shownUrl, type SsoInstance } from "../config/settings.ts";
import { requireProfile } from "../config/sso_session.ts";
import { SSO_PROFILE_KEYS } from "../config/credential_process_shadowing.ts";
import { type DebugLog, redact } from "../base/debug_log.ts";
import { AccessError, ConfigError, InstanceError, LoginRequiredError } from "../base/errors.ts";
import type { Runtime } from "../base/runtime.ts";
import { formatAwsTimestamp, relativeTime } from "../base/timestamps.ts";
import { inspectTokenFile, type TokenFileInspection } from "../cache/token_file_inspection.ts";
import { withOwner } from "../base/file_owner.ts";
import { type SsoToken, TOKEN_REFRESH_WINDOW_MS, tokenFilePath } from "../cache/token_cache.ts";
import type { Finding } from "../base/check_finding.ts";
import { safeEcho, shownPath } from "../base/safe_text.ts";
import { loginState, usableWithoutLogin } from "../cache/login_state.ts";
import { getUsableToken } from "./token_provider.ts";
import {
  accountsWithRoles,
  listAllAccountRoles,
  listAllAccounts,
  Listing,
} from "./account_listing.ts";
import { SsoSession } from "./session.ts";
import { type AccountInfo, listAccountsPage } from "./sso_api.ts";

/** What to check (the command's flags). */
export interface AccessCheckRequest {
  startUrl?: string;
  ssoRegion?: string;
  /** An account id (zeros added on the left up to 12 digits) or an exact account name. */
  account?: string;
  roleName?: string;
  /** `--check-profile`. */
  profile?: string;
  /** The env var pairs that give the default instance (`--command`). */
  defaultEnv?: readonly (readonly [string, string])[];
  instanceDetails?: boolean;
  skipTokenCheck?: boolean;
  forceRefresh?: boolean;
}

/** The configuration the checks work on. */
export interface AccessCheckInput {
  /** The parsed config file; undefined when it is missing or unusable. */
  config: AwsConfigDocument | undefined;
  /** The sentence of an unreadable or malformed config file. */
  configProblem?: string;
  paths: AwsPaths;
}

/**
 * The profile whose SSO settings `--check-profile NAME` checks: NAME itself when it has SSO keys
 * (or no credential_process), else the profile its `… credential-process --profile OTHER` line
 * asks this tool for (one hop).
 */
export function checkedProfile(config: AwsConfigDocument | undefined, name: string): string {
  const profile = config && getProfile(config, name);
  const line = profile?.get("credential_process");
  if (!profile || !line || SSO_PROFILE_KEYS.some((k) => profile.has(k))) return name;
  const target = credentialProcessCommand(line).ssoProfile;
  return target !== undefined && target !== name && getProfile(config!, target) ? target : name;
}

/** Runs the checks, reporting each passed one; throws the first failure. */
export async function checkAccess(
  request: AccessCheckRequest,
  input: AccessCheckInput,
  rt: Runtime,
  log: DebugLog,
  report: (finding: Finding) => void,
): Promise<void> {
  const { instance, profile, account, roleName } = resolveChecked(request, input, rt, report);
  log.log(`instance ${instance.startUrl} ${instance.ssoRegion} (${instance.source})`);
  if (request.instanceDetails || (account === undefined && roleName === undefined)) {
    report({
      level: "ok",
      text: `SSO instance ${label(instance)}, from ${safeEcho(instance.source)}.`,
    });
  }
  if (request.skipTokenCheck) return;
  const hint = loginHint(instance, profile);
  const session = new SsoSession({
    rt,
    instance,
    config: input.config,
    profileName: profile,
    log,
    warn: (sentence) => report({ level: "warning", text: sentence }),
    loginRequiredMessage: `The refresh of the SSO token for ${label(instance)} was refused`,
  });
  const token = await usableToken(session, instance, request, report, hint);

  const endpoint = session.endpoint("sso");
  log.log(`token ${redact(token.accessToken)}; portal ${endpoint.url} (${endpoint.source})`);
  const listing = new Listing(session, token.accessToken, {
    deadline: rt.now() + rt.limits.listingMs,
    unauthorized: () =>
      new LoginRequiredError(
        `IAM Identity Center rejected the SSO token for ${
          label(instance)
        } as unauthorized; ${hint}.`,
      ),
  });
  if (account === undefined && roleName === undefined) {
    const page = await listAccountsPage(listing.api(), token.accessToken)
      .catch((error) => {
        throw listing.rejection(error);
      });
    report({
      level: "ok",
      text:
        `Live test: ListAccounts accepted the token (${page.items.length} account(s) on the first page${
          page.nextToken ? ", more on further pages" : ""
        }).`,
    });
    return;
  }
  const accounts = await listAllAccounts(listing);
  if (account !== undefined) {
    await checkAccount(listing, accounts, account, roleName, report);
  } else {
    await checkRoleAnywhere(listing, accounts, roleName!, report);
  }
}

/** The instance, the profile it came from, and the account and role to check. */
function resolveChecked(
  request: AccessCheckRequest,
  input: AccessCheckInput,
  rt: Runtime,
  report: (finding: Finding) => void,
): { instance: FoundInstance; profile?: string; account?: string; roleName?: string } {
  const { config, paths } = input;
  try {
    if (request.profile === undefined) {
      const instance = resolveInstance(
        {
          startUrl: request.startUrl,
          ssoRegion: request.ssoRegion,
          defaultEnv: request.defaultEnv,
        },
        rt.env,
        config,
        paths.configFile,
      );
      return { instance, account: request.account, roleName: request.roleName };
    }
    const name = checkedProfile(config, request.profile);
    if (name !== request.profile) {
      report({
        level: "info",
        text: `Profile ${safeEcho(request.profile)} runs \`credential-process --profile ${
          safeEcho(name)
        }\`; checking profile ${safeEcho(name)}.`,
      });
    }
    const values = requireProfile(config, name, paths.configFile);
    if (!values.get("sso_session") && !values.get("sso_start_url")) {
      throw new InstanceError(
        `Profile ${safeEcho(name)} has no SSO settings (sso_session or sso_start_url).`,
        "noInstance",
      );
    }
    const instance = profileInstance(config, name, paths.configFile);
    const account = values.get("sso_account_id") || undefined;
    const roleName = values.get("sso_role_name") || undefined;
    return { instance, profile: name, account, roleName };
  } catch (error) {
    // Without a usable config file, "nothing configured" is really "the config is broken".
    const resolution = error instanceof InstanceError;
    if (resolution && input.configProblem !== undefined) {
      throw new ConfigError(input.configProblem);
    }
    throw error;
  }
}

/** How an instance is named in findings. */
function label(instance: SsoInstance): string {
  return `${shownUrl(instance.startUrl)} (${safeEcho(instance.ssoRegion)}${
    instance.sessionName !== undefined ? `, sso-session ${safeEcho(instance.sessionName)}` : ""
  })`;
}

/** "log in again with `aws-sso-util login --profile dev`" */
function loginHint(instance: SsoInstance, profile: string | undefined): string {
  const command = profile !== undefined
    ? `aws-sso-util login --profile ${safeEcho(profile)}`
    : `aws-sso-util login ${shownUrl(instance.startUrl)} ${safeEcho(instance.ssoRegion)}`;
  return `log in again with \`${command}\``;
}

const at = (ms: number, now: number) => `${formatAwsTimestamp(ms)} (${relativeTime(ms, now)})`;

/**
 * The token to test with: the instance's cached token (or, for an sso-session found by its start
 * URL, the one cached under the start URL when only that one is usable), refreshed when it is in
 * its refresh window or expired and can be refreshed (or always, with `--force-refresh`).
 */
async function usableToken(
  session: SsoSession,
  instance: FoundInstance,
  request: AccessCheckRequest,
  report: (finding: Finding) => void,
  hint: string,
): Promise<SsoToken> {
  const { rt, log } = session;
  const candidates: SsoInstance[] = [instance];
  if (instance.sameUrlLegacy) candidates.push(instance.sameUrlLegacy);
  const inspected: { candidate: SsoInstance; path: string; file: TokenFileInspection }[] = [];
  for (const candidate of candidates) {
    const path = await tokenFilePath(session.ssoCacheDir, candidate);
    inspected.push({ candidate, path, file: await inspectTokenFile(path) });
  }
  const now = rt.now();
  const chosen =
    inspected.find(({ file }) =>
      file.kind === "token" && usableWithoutLogin(loginState(file.token, now))
    ) ?? inspected[0];
  const { candidate, path, file } = chosen;
  log.log(`token file ${path}: ${file.kind}`);
  switch (file.kind) {
    case "missing":
      throw new LoginRequiredError(
        `No SSO token is cached for ${label(instance)}: ${shownPath(path)} does not exist; ${
          hint.replace(" again", "")
        }.`,
      );
    case "unreadable":
      throw new LoginRequiredError(
        `The SSO token file ${shownPath(path)} cannot be read (${
          withOwner(file.reason, file.owner)
        }); fix its permissions, or ${hint}.`,
      );
    case "invalid":
      throw new LoginRequiredError(
        `The SSO token file ${shownPath(path)} is not usable (${file.reason}); ${hint}.`,
      );
  }
  const token = file.token;
  const written = token.raw.region;
  if (typeof written === "string" && written !== "" && written !== candidate.ssoRegion) {
    report({
      level: "warning",
      text: `The cached SSO token ${shownPath(path)} was written for region ${
        safeEcho(written)
      }, but ${label(instance)} uses ${
        safeEcho(candidate.ssoRegion)
      }: refreshing it will fail; ${hint}.`,
    });
  }
  const state = loginState(token, now);
  const refreshable = state.refreshableUntil !== undefined
    ? `, refreshable until ${formatAwsTimestamp(state.refreshableUntil)}`
    : "";
  if (state.state === "expired") {
    throw new LoginRequiredError(
      `The SSO token for ${label(instance)} expired at ${
        at(token.expiresAt, now)
      } and cannot be refreshed; ${hint}.`,
    );
  }
  if (state.state === "valid" && !request.forceRefresh) {
    const inWindow = state.refreshableUntil === undefined &&
      token.expiresAt - now < TOKEN_REFRESH_WINDOW_MS;
    report(
      inWindow
        ? {
          level: "warning",
          text: `The SSO token is valid until ${
            at(token.expiresAt, now)
          } but cannot be refreshed; ${hint} soon.`,
        }
        : {
          level: "ok",
          text: `The SSO token is valid until ${at(token.expiresAt, now)}${refreshable}.`,
        },
    );
    return token;
  }
  let fresh: SsoToken;
  try {
    fresh = await getUsableToken(
      session,
      { deadline: now + rt.limits.checkTokenMs, forceRefresh: request.forceRefresh },
      candidate,
    );
  } catch (error) {
    if (error instanceof LoginRequiredError) {
      throw new LoginRequiredError(`${error.message}; ${hint}.`);
    }
    throw error;
  }
  if (fresh.accessToken !== token.accessToken) {
    report({
      level: "ok",
      text: `The SSO token ${
        state.state === "refreshable" ? "needed a refresh and " : ""
      }was refreshed; it is valid until ${at(fresh.expiresAt, rt.now())}.`,
    });
  } else {
    report({
      level: "warning",
      text: `The SSO token was not refreshed (${
        state.refreshableUntil === undefined
          ? "it has no refresh token or its client registration expired"
          : "the SSO OIDC service did not answer in time"
      }); it stays valid until ${at(token.expiresAt, now)}.`,
    });
  }
  return fresh;
}

/** `-a`: the account (by id, padded to 12 digits, or exact name) and its roles. */
async function checkAccount(
  listing: Listing,
  accounts: AccountInfo[],
  wanted: string,
  roleName: string | undefined,
  report: (finding: Finding) => void,
): Promise<void> {
  const id = /^\d{1,12}$/.test(wanted) ? wanted.padStart(12, "0") : undefined;
  const found = accounts.find((a) => a.accountId === id) ??
    accounts.find((a) => a.accountName === wanted);
  if (!found) {
    throw new AccessError(
      `Account ${
        safeEcho(wanted)
      } is not among the ${accounts.length} account(s) this login can access.`,
      "accountUnavailable",
    );
  }
  const name = `${found.accountId} (${safeEcho(found.accountName)})`;
  const roles = await listAllAccountRoles(listing, found.accountId);
  if (roles.length === 0) {
    throw new AccessError(`Account ${name} has no roles for this login.`, "accountUnavailable");
  }
  report({
    level: "ok",
    text: `Account ${name} is available, with ${roles.length} role(s): ${
      roles.slice(0, 10).map((r) => safeEcho(r)).join(", ")
    }${roles.length > 10 ? ", …" : ""}.`,
  });
  if (roleName === undefined) return;
  if (!roles.includes(roleName)) {
    throw new AccessError(
      `Role ${safeEcho(roleName)} is not available in account ${name}.`,
      "roleNotInAccount",
    );
  }
  report({ level: "ok", text: `Role ${safeEcho(roleName)} is available in account ${name}.` });
}

/** `-r` alone: every account's roles, until it is clear which accounts have the role. */
async function checkRoleAnywhere(
  listing: Listing,
  accounts: AccountInfo[],
  roleName: string,
  report: (finding: Finding) => void,
): Promise<void> {
  const having: AccountInfo[] = [];
  for await (const { account, roles } of accountsWithRoles(listing, accounts)) {
    if (roles.includes(roleName)) having.push(account);
  }
  if (having.length === 0) {
    throw new AccessError(
      `Role ${
        safeEcho(roleName)
      } is in none of the ${accounts.length} account(s) this login can access.`,
      "roleInNoAccount",
    );
  }
  const shown = having.slice(0, 5).map((a) => `${a.accountId} (${safeEcho(a.accountName)})`);
  report({
    level: "ok",
    text: `Role ${safeEcho(roleName)} is available in ${having.length} account(s): ${
      shown.join(", ")
    }${having.length > 5 ? ", …" : ""}.`,
  });
}
