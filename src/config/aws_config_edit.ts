/**
 * Line-preserving edits of the AWS config file, on top of `aws_config_file.ts`'s parse result:
 * set, replace or remove keys of one `[profile NAME]` (or `[default]`) or `[sso-session NAME]`
 * section, or append that section at the end. Every line that is not edited (comments, blank
 * lines, other sections, sub-sections, a BOM) comes back byte for byte, each with its own line
 * terminator; new lines use the file's newline style.
 */
import { editConfigBatch, type SectionEdit } from "./aws_config_batch_edit.ts";

/** What to do with a profile that already exists (`--existing-config-action`). */
export type ExistingConfigAction = "keep" | "overwrite" | "discard";

export const EXISTING_CONFIG_ACTIONS: readonly ExistingConfigAction[] = [
  "keep",
  "overwrite",
  "discard",
];

/** Applies the edits in order to the text of a config file and returns the new text. */
export function editConfigText(text: string, edits: SectionEdit | readonly SectionEdit[]): string {
  const list = Array.isArray(edits) ? edits as readonly SectionEdit[] : [edits as SectionEdit];
  return list.reduce((current, edit) => editConfigBatch(current, [edit]), text);
}

/** What this run wants in a profile. */
export interface ProfilePlan {
  /** Values decided by flags, prompts or pickers: always written, in this order for new keys. */
  values: ReadonlyArray<readonly [string, string]>;
  /** `--config-default` pairs: with `keep`, a key the profile already has is left alone. */
  defaults?: ReadonlyArray<readonly [string, string]>;
  /** Keys that must not remain in the profile. */
  remove?: readonly string[];
}

/**
 * The edit of profile `name` for an existing-config action, as aws-sso-util does it:
 * `keep` sets our values and only those `--config-default` keys the profile lacks, keeping all
 * other keys; `overwrite` sets every value and default, keeping unrelated keys; `discard` drops
 * the profile's existing keys and writes only ours.
 */
export function planProfileEdit(
  existing: Map<string, string> | undefined,
  name: string,
  plan: ProfilePlan,
  action: ExistingConfigAction,
): SectionEdit {
  const set = new Map<string, string>();
  for (const [key, value] of plan.values) set.set(key, value);
  for (const [key, value] of plan.defaults ?? []) {
    if (set.has(key)) continue;
    if (action === "keep" && existing?.has(key)) continue;
    set.set(key, value);
  }
  const remove = (plan.remove ?? []).filter((key) => !set.has(key));
  return {
    target: { kind: "profile", name },
    set: [...set],
    remove,
    removeOthers: action === "discard",
  };
}
