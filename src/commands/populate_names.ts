/**
 * `configure populate`'s profile names: every (account, role, region) named by the Python tool's
 * rules or a `--profile-name-process` (a few at a time), then checked as a whole: a name no tool
 * can use, or one shared by several roles, stops the run before anything is written.
 *
 * @module
 */
import { ConfigError } from "../base/errors.ts";
import { type NameInput, profileNameProblem } from "../config/profile_naming.ts";
import type { AccountRoles } from "../sso/organisation_listing.ts";
import { Semaphore } from "../sso/concurrency.ts";
import { safeEcho } from "../base/safe_text.ts";

/** Name commands run at once with `--profile-name-process`. */
const NAME_PROCESS_CONCURRENCY = 4;

/** One profile to write, before its keys are decided. */
export interface NamedRole {
  name: string;
  accountId: string;
  accountName: string;
  roleName: string;
  region: string;
}

/** Names every (account, role, region); `SKIP` drops one. */
export async function nameAll(
  listed: readonly AccountRoles[],
  regions: readonly string[],
  nameOf: (input: NameInput) => Promise<string | undefined>,
  external: boolean,
): Promise<NamedRole[]> {
  const gate = new Semaphore(external ? NAME_PROCESS_CONCURRENCY : Number.MAX_SAFE_INTEGER);
  const tasks: Promise<NamedRole | undefined>[] = [];
  for (const { account, roles } of listed) {
    const accountName = account.accountName || account.accountId;
    for (const roleName of roles) {
      regions.forEach((region, regionIndex) => {
        const input: NameInput = {
          accountName,
          accountId: account.accountId,
          roleName,
          region,
          regionIndex,
          numRegions: regions.length,
        };
        tasks.push(gate.run(async () => {
          const name = await nameOf(input);
          return name === undefined
            ? undefined
            : { name, accountId: account.accountId, accountName, roleName, region };
        }));
      });
    }
  }
  const named = (await Promise.all(tasks)).filter((n): n is NamedRole => n !== undefined);
  return named.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Refuses unusable names and names shared by several (account, role, region): nothing is written. */
export function checkNames(named: readonly NamedRole[]): void {
  const bad = named.map((n) => ({ n, problem: profileNameProblem(n.name) }))
    .filter((b) => b.problem !== undefined);
  if (bad.length > 0) {
    const shown = bad.slice(0, 3).map((b) =>
      `"${safeEcho(b.n.name, 60)}" (account ${b.n.accountId}, role ${
        safeEcho(b.n.roleName, 60)
      }: ${b.problem})`
    );
    throw new ConfigError(
      `${bad.length} profile name(s) cannot be used, nothing was written: ${shown.join("; ")}${
        bad.length > 3 ? "; …" : ""
      }; adjust --components or the trims, or drop --raw-account-names.`,
    );
  }
  const clashes: string[] = [];
  for (let i = 0; i < named.length;) {
    let j = i + 1;
    while (j < named.length && named[j].name === named[i].name) j++;
    if (j - i > 1) {
      const users = named.slice(i, j).map((n) =>
        `${n.accountId}/${safeEcho(n.roleName, 60)}/${n.region}`
      );
      clashes.push(`${safeEcho(named[i].name, 60)} (${users.join(", ")})`);
    }
    i = j;
  }
  if (clashes.length > 0) {
    throw new ConfigError(
      `${clashes.length} profile name(s) would be used by more than one account, role and region, nothing was written: ${
        clashes.slice(0, 5).join("; ")
      }${clashes.length > 5 ? "; …" : ""}; add account_id or region to --components.`,
    );
  }
}
