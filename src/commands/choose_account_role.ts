/**
 * The account and role `configure profile` writes, when the flags do not give them: an access
 * token for the instance (the cached or refreshed one, else a login), then the accounts and roles
 * from the one listing (`./account_listing.ts`: paced, throttling retried), with a picker when
 * there is more than one to choose from.
 */
import type { DebugLog } from "../base/debug_log.ts";
import { type EndpointConfig, resolveEndpoint } from "../config/endpoints.ts";
import { AwsApiError, LoginRequiredError, NothingToChooseError } from "../base/errors.ts";
import type { Runtime } from "../base/runtime.ts";
import { naturalCompare, type PickerItem } from "../ui/picker.ts";
import type { PromptIO } from "../ui/prompt.ts";
import type { SsoInstance } from "../config/settings.ts";
import type { AccountInfo } from "../sso/sso_api.ts";
import {
  createRolesLimiter,
  listAllAccountRoles,
  listAllAccounts,
  type ListingContext,
} from "../sso/account_listing.ts";
import { pick } from "../ui/terminal_picker.ts";
import { getUsableTokenOfEither, loginRequiredMessage } from "../sso/token_provider.ts";

/** Signature of `loginInstance` in `../login/oidc_login.ts` (the login command's flow). */
export type LoginFunction = (
  instance: SsoInstance,
  context: LoginContext,
) => Promise<{ token: { accessToken: string } }>;

/** What configure hands to the login flow. */
export interface LoginContext {
  rt: Runtime;
  ssoCacheDir: string;
  endpointConfig?: EndpointConfig;
  log: DebugLog;
  /** The profile's or session's `sso_use_device_code = true`. */
  useDeviceCode?: boolean;
}

/** What choosing an account and role needs from the outside world. */
export interface AccountRoleContext {
  /** Environment, clock, limits (`configureTokenMs`) and HTTP transport. */
  rt: Runtime;
  io: PromptIO;
  /** stdin and stderr are terminals (default for interactive mode, raw-mode pickers). */
  terminal: boolean;
  log: DebugLog;
  /** Runs a login (the `login` command's flow); undefined: login required is an error. */
  login?: LoginFunction;
}

/** Account and role to write, from flags or the pickers. */
export async function chooseAccountAndRole(
  instance: SsoInstance,
  wanted: {
    accountId?: string;
    roleName?: string;
    initialAccount?: string;
    initialRole?: string;
    name: string;
    endpointConfig: EndpointConfig;
    useDeviceCode: boolean;
  },
  ctx: AccountRoleContext,
  ssoCacheDir: string,
): Promise<{ accountId: string; roleName: string }> {
  const { io } = ctx;
  const endpoint = resolveEndpoint("sso", instance.ssoRegion, ctx.rt.env, wanted.endpointConfig);
  // One limiter for every listing call, whichever token it carries.
  const limiter = createRolesLimiter({ clock: ctx.rt, limits: ctx.rt.limits, log: ctx.log });
  const listing = (accessToken: string): ListingContext => ({
    rt: ctx.rt,
    endpoint,
    accessToken,
    deadline: ctx.rt.now() + ctx.rt.limits.listingMs,
    log: ctx.log,
    limiter,
  });
  const login = { endpointConfig: wanted.endpointConfig, useDeviceCode: wanted.useDeviceCode };
  let token = await accessToken(instance, ctx, ssoCacheDir, login, false);
  const withToken = async <T>(call: (accessToken: string) => Promise<T>): Promise<T> => {
    try {
      return await call(token);
    } catch (error) {
      // A token the service no longer accepts (signed out elsewhere): log in again, once.
      if (!(error instanceof AwsApiError && error.errorCode === "UnauthorizedException")) {
        throw error;
      }
      token = await accessToken(instance, ctx, ssoCacheDir, login, true);
      return await call(token);
    }
  };

  let accountId = wanted.accountId;
  if (accountId === undefined) {
    const accounts = (await withToken((t) => listAllAccounts(listing(t)))).sort(byAccountName);
    if (accounts.length === 0) {
      throw new NothingToChooseError(
        `No AWS accounts are available to you through ${instance.startUrl}.`,
      );
    }
    if (accounts.length === 1) {
      await io.write(`The only AWS account available to you is: ${accounts[0].accountId}\n`);
      accountId = accounts[0].accountId;
    } else {
      await io.write(`There are ${accounts.length} AWS accounts available to you.\n`);
      accountId = await pick(accounts.map(accountItem), {
        title: "Choose an account",
        initial: accounts.findIndex((a) => a.accountId === wanted.initialAccount),
        io,
        terminal: ctx.terminal,
      });
    }
    await io.write(`Using the account ID ${accountId}\n`);
  }

  let roleName = wanted.roleName;
  if (roleName === undefined) {
    const roles = (await withToken((t) => listAllAccountRoles(listing(t), accountId!)))
      .sort(naturalCompare);
    if (roles.length === 0) {
      throw new NothingToChooseError(`No roles in account ${accountId} are available to you.`);
    }
    if (roles.length === 1) {
      await io.write(`The only role available to you is: ${roles[0]}\n`);
      roleName = roles[0];
    } else {
      await io.write(`There are ${roles.length} roles available to you.\n`);
      roleName = await pick(roles.map(roleItem), {
        title: "Choose a role",
        initial: roles.indexOf(wanted.initialRole ?? ""),
        io,
        terminal: ctx.terminal,
      });
    }
    await io.write(`Using the role name "${roleName}"\n`);
  }
  return { accountId, roleName };
}

function byAccountName(a: AccountInfo, b: AccountInfo): number {
  return naturalCompare(a.accountName, b.accountName) || naturalCompare(a.accountId, b.accountId);
}

function accountItem(account: AccountInfo): PickerItem<string> {
  const email = account.emailAddress ? ` (${account.emailAddress})` : "";
  return {
    label: `${account.accountId}  ${account.accountName}${email}`,
    searchText: `${account.accountId} ${account.accountName}`,
    key: account.accountId,
    value: account.accountId,
  };
}

function roleItem(role: string): PickerItem<string> {
  return { label: role, searchText: role, key: role, value: role };
}

/**
 * An access token for listing accounts: the instance's cached (or refreshed) token, or for an
 * sso-session the start URL's legacy token; when there is none (or `forceLogin`), a login.
 */
async function accessToken(
  instance: SsoInstance,
  ctx: AccountRoleContext,
  ssoCacheDir: string,
  login: { endpointConfig: EndpointConfig; useDeviceCode: boolean },
  forceLogin: boolean,
): Promise<string> {
  const { endpointConfig } = login;
  const legacy = instance.sessionName
    ? { startUrl: instance.startUrl, ssoRegion: instance.ssoRegion }
    : undefined;
  const message = loginRequiredMessage(instance);
  const tokenContext = () => ({
    rt: ctx.rt,
    ssoCacheDir,
    endpointConfig,
    deadline: ctx.rt.now() + ctx.rt.limits.configureTokenMs,
    log: ctx.log,
    loginRequiredMessage: message,
  });
  if (!forceLogin) {
    try {
      return (await getUsableTokenOfEither(instance, legacy, tokenContext())).accessToken;
    } catch (error) {
      if (!(error instanceof LoginRequiredError)) throw error;
    }
  }
  if (!ctx.login) throw new LoginRequiredError(message);
  const result = await ctx.login(instance, {
    rt: ctx.rt,
    ssoCacheDir,
    endpointConfig,
    log: ctx.log,
    useDeviceCode: login.useDeviceCode || undefined,
  });
  return result.token.accessToken;
}
