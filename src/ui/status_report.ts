/**
 * The `status` report of cached SSO logins, as text for people (local times, "in 3h 12m" /
 * "expired 2h ago") and as JSON for scripts (ISO-8601 UTC timestamps). Pure: the clock and the
 * local time zone are inputs. Values read from files or the config are echoed through `safeEcho`.
 *
 * @module
 */
import type { CachedLogin } from "../cache/login_inventory.ts";
import { formatAwsTimestamp, relativeTime } from "../base/timestamps.ts";
import { shownUrl } from "../config/settings.ts";
import { safeEcho } from "../base/safe_text.ts";

/** Minutes east of UTC at an instant (the local zone by default). */
export type UtcOffset = (ms: number) => number;

/** Offsets change only on whole minutes: one time-zone lookup per minute shown, not per line. */
const offsets = new Map<number, number>();
const localOffset: UtcOffset = (ms) => {
  const minute = Math.floor(ms / 60_000);
  let offset = offsets.get(minute);
  if (offset === undefined) offsets.set(minute, offset = -new Date(ms).getTimezoneOffset());
  return offset;
};

/** A role profile in the report: its chain and the cached credentials of its last role. */
export interface ChainStatus {
  profile: string;
  /** The role the chain ends with (undefined for a broken chain). */
  roleArn?: string;
  /** The chain in one line (`chainSummary`). */
  summary?: string;
  source?: { kind: "sso" | "static"; profile: string };
  /** When the cached credentials of the last role expire; undefined: none cached. */
  expiration?: number;
  /** Whether those have 15 minutes or more left (`credential-process` reuses them). */
  reusable?: boolean;
  /** Why the chain cannot be resolved (one sentence). */
  problem?: string;
}

/**
 * The `--json` document: `{"logins":[…],"warnings":[…]}`, one line; `warnings` are the sentences
 * about the config (a `credential_process` line SDKs never run). `roleChains` comes between them
 * when the config has profiles that assume a role.
 */
export function statusJson(
  logins: readonly CachedLogin[],
  warnings: readonly string[] = [],
  chains: readonly ChainStatus[] = [],
): string {
  return JSON.stringify({
    logins: logins.map((l) => ({
      session: l.session,
      startUrl: l.startUrl ?? null,
      region: l.region ?? null,
      expiresAt: formatAwsTimestamp(l.expiresAt),
      state: l.state,
      refreshableUntil: l.refreshableUntil === undefined
        ? null
        : formatAwsTimestamp(l.refreshableUntil),
      credentials: l.credentials.map((c) => ({
        accountId: c.accountId,
        roleName: c.roleName,
        expiration: formatAwsTimestamp(c.expiration),
      })),
      profiles: l.profiles,
    })),
    ...(chains.length === 0 ? {} : {
      roleChains: chains.map((c) => ({
        profile: c.profile,
        roleArn: c.roleArn ?? null,
        source: c.source ?? null,
        expiration: c.expiration === undefined ? null : formatAwsTimestamp(c.expiration),
        problem: c.problem ?? null,
      })),
    }),
    warnings,
  }) + "\n";
}

/** The text report's `role chains:` block (nothing when there are none). */
export function chainStatusText(
  chains: readonly ChainStatus[],
  now: number,
  offset: UtcOffset = localOffset,
): string {
  if (chains.length === 0) return "";
  const lines = ["role chains:"];
  for (const c of chains) {
    if (c.problem !== undefined) {
      lines.push(`  ${safeEcho(c.profile)}: ${c.problem}`);
      continue;
    }
    lines.push(`  ${safeEcho(c.profile)}: ${c.summary}`);
    lines.push(
      c.expiration === undefined
        ? "    cached credentials: none"
        : c.expiration > now
        ? `    cached credentials expire ${localTime(c.expiration, offset)} (${
          relativeTime(c.expiration, now)
        })`
        : `    cached credentials expired ${relativeTime(c.expiration, now)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** An instant as local time: `2026-11-24 13:05 +01:00`. */
export function localTime(ms: number, offset: UtcOffset = localOffset): string {
  const minutes = offset(ms);
  const shifted = new Date(ms + minutes * 60_000).toISOString(); // UTC fields = local fields
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${
    String(abs % 60).padStart(2, "0")
  }`;
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)} ${zone}`;
}

/** The text report: one block per login, its profiles and cached role credentials indented. */
export function statusText(
  logins: readonly CachedLogin[],
  now: number,
  offset: UtcOffset = localOffset,
): string {
  const when = (ms: number) => `${localTime(ms, offset)} (${relativeTime(ms, now)})`;
  const lines: string[] = [];
  for (const login of logins) {
    if (lines.length > 0) lines.push("");
    const name = login.session === null
      ? "legacy login (no sso-session)"
      : `sso-session ${safeEcho(login.session)}`;
    const url = login.startUrl === undefined ? "unknown start URL" : shownUrl(login.startUrl);
    lines.push(`${name}: ${url} (${safeEcho(login.region ?? "unknown region")})`);
    const expiry = login.expiresAt > now
      ? `expires ${when(login.expiresAt)}`
      : `expired ${relativeTime(login.expiresAt, now)}, at ${localTime(login.expiresAt, offset)}`;
    lines.push(`  ${login.state}: token ${expiry}`);
    lines.push(
      login.refreshableUntil !== undefined
        ? `  refreshable until ${when(login.refreshableUntil)}`
        : login.state === "expired"
        ? "  a new login is required"
        : "  not refreshable: a new login is required when it expires",
    );
    lines.push(
      `  profiles: ${
        login.profiles.length > 0 ? login.profiles.map((p) => safeEcho(p)).join(", ") : "none"
      }`,
    );
    if (login.credentials.length === 0) lines.push("  cached role credentials: none");
    else lines.push("  cached role credentials:");
    for (const c of login.credentials) {
      const expiry = c.expiration > now
        ? `expire ${when(c.expiration)}`
        : `expired ${relativeTime(c.expiration, now)}`;
      lines.push(`    ${safeEcho(c.accountId)} ${safeEcho(c.roleName)}: ${expiry}`);
    }
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}
