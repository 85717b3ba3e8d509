/**
 * Line-preserving edits of the AWS config file, on top of `aws_config_file.ts`'s parse result:
 * set, replace or remove keys of one `[profile NAME]` (or `[default]`) or `[sso-session NAME]`
 * section, or append that section at the end. Every line that is not edited (comments, blank
 * lines, other sections, sub-sections, a BOM) comes back byte for byte, each with its own line
 * terminator; new lines use the file's newline style.
 */
import { type AwsConfigDocument, type ConfigEntry, parseAwsConfig } from "./aws_config_file.ts";

/** What to do with a profile that already exists (`--existing-config-action`). */
export type ExistingConfigAction = "keep" | "overwrite" | "discard";

export const EXISTING_CONFIG_ACTIONS: readonly ExistingConfigAction[] = [
  "keep",
  "overwrite",
  "discard",
];

/**
 * The section an edit applies to. The profile `default` also matches a `[default]` section;
 * `credentials` is a `[NAME]` section of the shared credentials file.
 */
export interface SectionTarget {
  kind: "profile" | "sso-session" | "credentials";
  name: string;
}

/** One section's changes. */
export interface SectionEdit {
  target: SectionTarget;
  /**
   * Keys to set, in order: an existing key is replaced in place (its line kept byte for byte when
   * the value is unchanged), a new key is added after the section's last key.
   */
  set?: ReadonlyArray<readonly [string, string]>;
  /** Keys to delete, together with their continuation or sub-section lines. */
  remove?: readonly string[];
  /** Delete every key that is not in `set` (comments and blank lines stay). */
  removeOthers?: boolean;
}

/** The `[...]` header line of a new section. */
export function sectionHeader(target: SectionTarget): string {
  if (target.kind === "profile") {
    return target.name === "default" ? "[default]" : `[profile ${target.name}]`;
  }
  if (target.kind === "credentials") return `[${target.name}]`;
  return `[sso-session ${target.name}]`;
}

/** Applies the edits in order to the text of a config file and returns the new text. */
export function editConfigText(text: string, edits: SectionEdit | readonly SectionEdit[]): string {
  const list = Array.isArray(edits) ? edits as readonly SectionEdit[] : [edits as SectionEdit];
  return list.reduce((current, edit) => applyEdit(current, edit), text);
}

/** Line terminators of `text`, one per line of `parseAwsConfig(text).lines`. */
function lineEnds(text: string, count: number): string[] {
  const ends: string[] = [];
  const re = /\r?\n/g;
  let match: RegExpExecArray | null;
  while (ends.length < count && (match = re.exec(text)) !== null) ends.push(match[0]);
  while (ends.length < count) ends.push(""); // the last line has no terminator
  return ends;
}

function matches(section: AwsConfigDocument["sections"][number], target: SectionTarget): boolean {
  if (target.kind === "profile") {
    return (section.kind === "profile" && section.name === target.name) ||
      (target.name === "default" && section.kind === "default");
  }
  if (target.kind === "credentials") {
    return target.name === "default"
      ? section.kind === "default"
      : section.kind === "other" && section.name === target.name;
  }
  return section.kind === "sso-session" && section.name === target.name;
}

function applyEdit(text: string, edit: SectionEdit): string {
  for (const [key, value] of edit.set ?? []) {
    if (!/^[^\s=:[\]#;][^\s=:[\]]*$/.test(key)) throw new Error(`invalid config key: ${key}`);
    if (/[\r\n]/.test(value)) throw new Error(`config value of ${key} contains a line break`);
  }
  const doc = parseAwsConfig(text);
  const { lines, newline } = doc;
  const ends = lineEnds(text, lines.length);
  const sections = doc.sections.filter((s) => matches(s, edit.target));
  const entries: ConfigEntry[] = sections.flatMap((s) => s.entries);
  const set = new Map(edit.set ?? []);
  const removed = new Set(edit.remove ?? []);

  const deleted = new Set<number>();
  const replaced = new Map<number, string>();
  const deleteEntry = (e: ConfigEntry) => {
    for (let i = e.line; i <= e.lastLine; i++) deleted.add(i);
  };

  const missing: [string, string][] = [];
  for (const [key, value] of set) {
    const found = entries.filter((e) => e.key === key);
    if (found.length === 0) {
      missing.push([key, value]);
      continue;
    }
    const last = found[found.length - 1];
    found.slice(0, -1).forEach(deleteEntry);
    const unchanged = last.value === value && last.subsection === undefined &&
      last.line === last.lastLine;
    if (!unchanged) {
      deleteEntry(last);
      deleted.delete(last.line);
      replaced.set(last.line, `${key} = ${value}`);
    }
  }
  for (const e of entries) {
    if (!set.has(e.key) && (removed.has(e.key) || edit.removeOthers)) deleteEntry(e);
  }

  const inserted = new Map<number, string[]>();
  let appended: string[] = [];
  if (missing.length > 0) {
    const added = missing.map(([key, value]) => `${key} = ${value}`);
    if (sections.length > 0) {
      inserted.set(sections[sections.length - 1].lastLine, added);
    } else {
      const lastLine = lines.length > 0 ? lines[lines.length - 1] : undefined;
      const separator = lastLine !== undefined && lastLine.trim() !== "" ? [""] : [];
      appended = [...separator, sectionHeader(edit.target), ...added];
    }
  }

  let out = "";
  lines.forEach((line, i) => {
    const extra = inserted.get(i) ?? (i === lines.length - 1 ? appended : []);
    if (!deleted.has(i)) {
      const end = extra.length > 0 && ends[i] === "" ? newline : ends[i];
      out += (replaced.get(i) ?? line) + end;
    } else if (extra.length > 0 && out !== "" && !/\n$/.test(out)) {
      out += newline;
    }
    for (const added of extra) out += added + newline;
  });
  if (lines.length === 0) { for (const added of appended) out += added + newline; }
  return out;
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
