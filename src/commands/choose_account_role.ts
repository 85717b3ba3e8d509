/**
 * The account and role `configure profile` writes, when the flags do not give them: an access
 * token for the instance (the cached or refreshed one, else a login), then the accounts and roles
 * from the one listing (`./account_listing.ts`: paced, throttling retried), with a picker when
 * there is more than one to choose from.
 */
import { AwsApiError, NothingToChooseError } from "../base/errors.ts";
import { naturalCompare, type PickerItem } from "../ui/picker.ts";
import type { PromptIO } from "../ui/prompt.ts";
import type { AccountInfo } from "../sso/sso_api.ts";
import {
  createRolesLimiter,
  listAllAccountRoles,
  listAllAccounts,
  Listing,
} from "../sso/account_listing.ts";
import { pick } from "../ui/terminal_picker.ts";
import type { SsoSession } from "../sso/session.ts";
import { tokenOrLogin } from "../sso/token_provider.ts";

/** Where the pickers talk to the user. */
export interface PickerUi {
  io: PromptIO;
  /** stdin and stderr are terminals (default for interactive mode, raw-mode pickers). */
  terminal: boolean;
}

/** Account and role to write, from flags or the pickers. */
export async function chooseAccountAndRole(
  session: SsoSession,
  wanted: {
    accountId?: string;
    roleName?: string;
    initialAccount?: string;
    initialRole?: string;
  },
  ui: PickerUi,
): Promise<{ accountId: string; roleName: string }> {
  const { io } = ui;
  const { rt, instance } = session;
  // One limiter for every listing call, whichever token it carries.
  const limiter = createRolesLimiter({ clock: rt, limits: rt.limits, log: session.log });
  const listing = (accessToken: string) =>
    new Listing(session, accessToken, { deadline: rt.now() + rt.limits.listingMs, limiter });
  const token = (forceLogin: boolean) =>
    tokenOrLogin(session, { deadline: rt.now() + rt.limits.configureTokenMs }, forceLogin)
      .then((t) => t.accessToken);
  let accessToken = await token(false);
  const withToken = async <T>(call: (accessToken: string) => Promise<T>): Promise<T> => {
    try {
      return await call(accessToken);
    } catch (error) {
      // A token the service no longer accepts (signed out elsewhere): log in again, once.
      if (!(error instanceof AwsApiError && error.errorCode === "UnauthorizedException")) {
        throw error;
      }
      accessToken = await token(true);
      return await call(accessToken);
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
        terminal: ui.terminal,
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
        terminal: ui.terminal,
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
