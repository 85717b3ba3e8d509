/**
 * What `configure populate` does to the AWS config file, decided before anything is written:
 * which profiles it adds, updates or leaves as they are, which it removes with `--prune`, and the
 * section edits that do it in one write (`aws_config_batch_edit.ts`).
 *
 * Profiles this tool writes are marked `sso_auto_populated = true` (the key the Python
 * aws-sso-util writes). `--prune` removes only marked profiles of the same Identity Center
 * instance (same start URL and SSO region, through their sso-session or their own keys) that are
 * not in the new set; an unmarked profile, or another instance's, is never removed.
 *
 * Pure: the parsed config and the wanted profiles in, the plan out.
 *
 * @module
 */
import { type AwsConfigDocument, getProfile, getSsoSession } from "./aws_config_file.ts";
import type { ExistingConfigAction } from "./aws_config_edit.ts";
import type { BatchEdit } from "./aws_config_batch_edit.ts";
import { isTrueSetting } from "../base/truthy.ts";

/** The key marking a profile as written by `configure populate`. */
export const POPULATED_MARKER = "sso_auto_populated";

/** One profile the run wants, with its keys in writing order. */
export interface WantedProfile {
  name: string;
  /**
   * Keys always written, split around the `-c` defaults so that the file reads as the original
   * writes it: SSO keys and region first, then the defaults, then these `tail` keys.
   */
  head: ReadonlyArray<readonly [string, string]>;
  tail: ReadonlyArray<readonly [string, string]>;
}

/** Everything the plan is decided from. */
export interface PopulatePlanInput {
  config: AwsConfigDocument | undefined;
  /** Sorted by name, names unique. */
  profiles: readonly WantedProfile[];
  /** `-c KEY=VALUE` pairs. */
  defaults: ReadonlyArray<readonly [string, string]>;
  action: ExistingConfigAction;
  /** Keys that must not remain in the written profiles (e.g. `credential_process`). */
  removeKeys: readonly string[];
  prune: boolean;
  instance: { startUrl: string; ssoRegion: string };
  /** An `[sso-session]` section to create before the profiles (start URL, region, scopes). */
  newSession?: { name: string; values: ReadonlyArray<readonly [string, string]> };
}

/** The decided changes. */
export interface PopulatePlan {
  added: string[];
  updated: string[];
  unchanged: string[];
  removed: string[];
  /** The edits to apply, in one pass, in this order. */
  edits: BatchEdit[];
}

/** True when `profile` (its own keys, or its sso-session's) uses this instance. */
export function profileUsesInstance(
  config: AwsConfigDocument,
  profile: Map<string, string>,
  instance: { startUrl: string; ssoRegion: string },
): boolean {
  const sessionName = profile.get("sso_session");
  const source = sessionName ? getSsoSession(config, sessionName) : profile;
  return source !== undefined && source.get("sso_start_url") === instance.startUrl &&
    source.get("sso_region") === instance.ssoRegion;
}

/** The names of profiles marked as populated that use this instance, in file order. */
export function populatedProfiles(
  config: AwsConfigDocument | undefined,
  instance: { startUrl: string; ssoRegion: string },
): string[] {
  if (!config) return [];
  const names = new Set<string>();
  for (const section of config.sections) {
    if (section.kind !== "profile" && section.kind !== "default") continue;
    const profile = getProfile(config, section.name)!;
    if (
      isTrueSetting(profile.get(POPULATED_MARKER)) &&
      profileUsesInstance(config, profile, instance)
    ) {
      names.add(section.name);
    }
  }
  return [...names];
}

/**
 * Decides the plan. With `keep` (default) and `overwrite`, an existing profile's other keys stay;
 * `keep` leaves a `-c` key it already has; `discard` drops every key not written by this run.
 */
export function planPopulate(input: PopulatePlanInput): PopulatePlan {
  const plan: PopulatePlan = { added: [], updated: [], unchanged: [], removed: [], edits: [] };
  if (input.newSession) {
    plan.edits.push({
      target: { kind: "sso-session", name: input.newSession.name },
      set: input.newSession.values,
    });
  }
  const wanted = new Set(input.profiles.map((p) => p.name));
  for (const profile of input.profiles) {
    const existing = input.config && getProfile(input.config, profile.name);
    const set = new Map<string, string>(profile.head);
    for (const [key, value] of input.defaults) {
      if (set.has(key)) continue;
      if (input.action === "keep" && existing?.has(key)) continue;
      set.set(key, value);
    }
    for (const [key, value] of profile.tail) set.set(key, value);
    const remove = input.removeKeys.filter((key) => !set.has(key));
    plan.edits.push({
      target: { kind: "profile", name: profile.name },
      set: [...set],
      remove,
      removeOthers: input.action === "discard",
    });
    if (!existing) plan.added.push(profile.name);
    else if (sameProfile(existing, set, remove, input.action)) plan.unchanged.push(profile.name);
    else plan.updated.push(profile.name);
  }
  if (input.prune) {
    for (const name of populatedProfiles(input.config, input.instance)) {
      if (wanted.has(name)) continue;
      plan.removed.push(name);
      plan.edits.push({ target: { kind: "profile", name }, deleteSection: true });
    }
    plan.removed.sort();
  }
  return plan;
}

function sameProfile(
  existing: Map<string, string>,
  set: Map<string, string>,
  remove: readonly string[],
  action: ExistingConfigAction,
): boolean {
  for (const [key, value] of set) if (existing.get(key) !== value) return false;
  if (remove.some((key) => existing.has(key))) return false;
  if (action === "discard") return [...existing.keys()].every((key) => set.has(key));
  return true;
}
