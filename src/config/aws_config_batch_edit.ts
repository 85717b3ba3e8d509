/**
 * Many section edits of the AWS config file in ONE pass: the file is parsed once, every edit is
 * applied to its own section, and sections to create are appended in the given order. Same
 * line-preserving rules as `aws_config_edit.ts` (unedited lines byte for byte with their own line
 * terminators, new lines in the file's newline style), plus whole-section deletion; built for
 * `configure populate`, which edits thousands of profiles at once; `editConfigText` applies its
 * edits one pass each through it.
 *
 * @module
 */
import { type ConfigSection, headerName, parseAwsConfig } from "./aws_config_file.ts";

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
    return target.name === "default" ? "[default]" : `[profile ${headerName(target.name)}]`;
  }
  if (target.kind === "credentials") return `[${target.name}]`;
  return `[sso-session ${headerName(target.name)}]`;
}

/** An edit of one section, or the deletion of every section matching `target`. */
export type BatchEdit = SectionEdit | { target: SectionTarget; deleteSection: true };

function targetKey(target: SectionTarget): string {
  return `${target.kind}\n${target.name}`;
}

/** The targets a section answers to (`[default]` is the default profile and credentials). */
function sectionKeys(section: ConfigSection): string[] {
  switch (section.kind) {
    case "default":
      return [
        targetKey({ kind: "profile", name: "default" }),
        targetKey({ kind: "credentials", name: "default" }),
      ];
    case "profile":
    case "sso-session":
      return [targetKey({ kind: section.kind, name: section.name })];
    case "other":
      return [targetKey({ kind: "credentials", name: section.name })];
    default:
      return [];
  }
}

/**
 * Applies `edits` (at most one per section) to `text` and returns the new text. Throws on an
 * invalid key or a value with a line break, as `editConfigText` does.
 */
export function editConfigBatch(text: string, edits: readonly BatchEdit[]): string {
  const seen = new Set<string>();
  for (const edit of edits) {
    const key = targetKey(edit.target);
    if (seen.has(key)) throw new Error(`two edits of one section: ${edit.target.name}`);
    seen.add(key);
    for (const [k, value] of "set" in edit ? edit.set ?? [] : []) {
      if (!/^[^\s=:[\]#;][^\s=:[\]]*$/.test(k)) throw new Error(`invalid config key: ${k}`);
      if (/[\r\n]/.test(value)) throw new Error(`config value of ${k} contains a line break`);
    }
  }
  const doc = parseAwsConfig(text);
  const { lines, newline } = doc;
  const ends: string[] = [];
  const re = /\r?\n/g;
  let match: RegExpExecArray | null;
  while (ends.length < lines.length && (match = re.exec(text)) !== null) ends.push(match[0]);
  while (ends.length < lines.length) ends.push("");

  const byKey = new Map<string, ConfigSection[]>();
  for (const section of doc.sections) {
    for (const key of sectionKeys(section)) byKey.set(key, [...(byKey.get(key) ?? []), section]);
  }

  const deleted = new Set<number>();
  const replaced = new Map<number, string>();
  const inserted = new Map<number, string[]>();
  const appended: string[][] = [];
  const deleteLines = (from: number, to: number) => {
    for (let i = from; i <= to; i++) deleted.add(i);
  };

  for (const edit of edits) {
    const sections = byKey.get(targetKey(edit.target)) ?? [];
    if ("deleteSection" in edit) {
      for (const s of sections) {
        deleteLines(s.headerLine, s.lastLine);
        // One blank line after it goes too, so that removals leave no growing gaps.
        const next = s.lastLine + 1;
        if (next < lines.length && lines[next].trim() === "") deleted.add(next);
      }
      continue;
    }
    const entries = sections.flatMap((s) => s.entries);
    const set = new Map(edit.set ?? []);
    const removed = new Set(edit.remove ?? []);
    const missing: string[] = [];
    for (const [key, value] of set) {
      const found = entries.filter((e) => e.key === key);
      if (found.length === 0) {
        missing.push(`${key} = ${value}`);
        continue;
      }
      const last = found[found.length - 1];
      for (const e of found.slice(0, -1)) deleteLines(e.line, e.lastLine);
      const unchanged = last.value === value && last.subsection === undefined &&
        last.line === last.lastLine;
      if (!unchanged) {
        deleteLines(last.line + 1, last.lastLine);
        replaced.set(last.line, `${key} = ${value}`);
      }
    }
    for (const e of entries) {
      if (!set.has(e.key) && (removed.has(e.key) || edit.removeOthers)) {
        deleteLines(e.line, e.lastLine);
      }
    }
    if (missing.length === 0) continue;
    if (sections.length > 0) {
      const at = sections[sections.length - 1].lastLine;
      inserted.set(at, [...(inserted.get(at) ?? []), ...missing]);
    } else {
      appended.push([sectionHeader(edit.target), ...missing]);
    }
  }

  const parts: string[] = [];
  let endsWithNewline = true;
  const push = (line: string, end: string) => {
    parts.push(line, end);
    endsWithNewline = end !== "";
  };
  lines.forEach((line, i) => {
    const extra = inserted.get(i) ?? [];
    if (!deleted.has(i)) {
      push(replaced.get(i) ?? line, extra.length > 0 && ends[i] === "" ? newline : ends[i]);
    } else if (extra.length > 0 && parts.length > 0 && !endsWithNewline) {
      parts.push(newline);
      endsWithNewline = true;
    }
    for (const added of extra) push(added, newline);
  });
  if (appended.length > 0) {
    if (parts.length > 0 && !endsWithNewline) parts.push(newline);
    let last = lastKeptLine(lines, deleted, replaced);
    for (const section of appended) {
      if (last !== undefined && last.trim() !== "") parts.push(newline);
      for (const added of section) parts.push(added, newline);
      last = section[section.length - 1];
    }
  }
  return parts.join("");
}

function lastKeptLine(
  lines: readonly string[],
  deleted: ReadonlySet<number>,
  replaced: ReadonlyMap<number, string>,
): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!deleted.has(i)) return replaced.get(i) ?? lines[i];
  }
  return undefined;
}
