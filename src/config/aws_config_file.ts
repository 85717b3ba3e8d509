/**
 * A line-preserving parser for the AWS shared config file, following botocore's rules:
 * `[default]`, `[profile NAME]`, `[sso-session NAME]` and `[services NAME]` sections,
 * full-line `#`/`;` comments, `key = value` (or `key: value`) with keys lower-cased, values kept
 * as strings (an account id keeps its leading zeros), and indented `sub = value` lines under a
 * key with an empty value forming a sub-section (such as `s3 =`), which are not profile keys.
 * Every line keeps its index so that `configure` can rewrite one section and nothing else.
 */
import { safeEcho } from "../base/safe_text.ts";
import { splitCommandLine } from "../base/shell_split.ts";

export type SectionKind = "default" | "profile" | "sso-session" | "services" | "other";

export interface ConfigEntry {
  key: string;
  value: string;
  /** Index of the `key = value` line; continuation and sub-section lines follow it. */
  line: number;
  /** Index of the last line that belongs to this entry. */
  lastLine: number;
  /** Present when the key opens an indented sub-section (`s3 =` then `  max_concurrent_requests = 5`). */
  subsection?: Map<string, string>;
}

export interface ConfigSection {
  kind: SectionKind;
  /** The profile, session or services name (`default` for `[default]`). */
  name: string;
  /** Index of the `[...]` header line. */
  headerLine: number;
  /** Index of the last key, continuation or sub-section line (the header when there is none). */
  lastLine: number;
  entries: ConfigEntry[];
}

export interface AwsConfigDocument {
  lines: string[];
  /** The file's newline style, kept when rewriting. */
  newline: "\n" | "\r\n";
  sections: ConfigSection[];
}

/** A line the parser cannot make sense of, with its 1-based number. */
export class ConfigParseError extends Error {
  constructor(readonly lineNumber: number, readonly lineText: string) {
    super(
      `line ${lineNumber} is not a section header, comment or key = value: ${
        safeEcho(lineText.trim())
      }`,
    );
    this.name = "ConfigParseError";
  }
}

const HEADER = /^\s*\[\s*([^\]]*?)\s*\](\s*[#;].*)?\s*$/;
const COMMENT = /^\s*[#;]/;
const KEY_VALUE = /^([^=:\s][^=:]*?)\s*[=:]\s*(.*?)\s*$/;

/** Parses the text of an AWS config file. Throws ConfigParseError on a malformed line. */
export function parseAwsConfig(text: string): AwsConfigDocument {
  const newline = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const sections: ConfigSection[] = [];
  let section: ConfigSection | undefined;
  let entry: ConfigEntry | undefined;

  lines.forEach((raw, index) => {
    const line = index === 0 ? raw.replace(/^\uFEFF/, "") : raw;
    if (line.trim() === "" || COMMENT.test(line)) return;
    const header = HEADER.exec(line);
    if (header) {
      section = { ...classifySection(header[1]), headerLine: index, lastLine: index, entries: [] };
      sections.push(section);
      entry = undefined;
      return;
    }
    if (/^\s/.test(line) && entry && section) {
      const sub = KEY_VALUE.exec(line.trim());
      if (entry.value === "" && sub) {
        entry.subsection ??= new Map();
        entry.subsection.set(sub[1].toLowerCase(), sub[2]);
      } else if (entry.subsection === undefined) {
        entry.value = entry.value === "" ? line.trim() : `${entry.value}\n${line.trim()}`;
      } else {
        throw new ConfigParseError(index + 1, line);
      }
      entry.lastLine = index;
      section.lastLine = index;
      return;
    }
    const kv = KEY_VALUE.exec(line.trim());
    if (!kv) throw new ConfigParseError(index + 1, line);
    if (!section) return; // keys before any section are ignored, like the SDKs' loaders do
    entry = { key: kv[1].toLowerCase(), value: kv[2], line: index, lastLine: index };
    section.entries.push(entry);
    section.lastLine = index;
  });
  return { lines, newline, sections };
}

function classifySection(header: string): { kind: SectionKind; name: string } {
  if (header === "default") return { kind: "default", name: "default" };
  const match = /^(profile|sso-session|services)\s+(.+)$/.exec(header);
  if (!match) return { kind: "other", name: header };
  const kind = match[1] as SectionKind;
  if (!/['"\\]/.test(match[2])) return { kind, name: match[2].trim() };
  // A quoted name (`[profile "Bob's Account"]`): botocore splits the header with shlex and
  // ignores the section unless that gives exactly two words.
  const words = splitCommandLine(match[2]);
  return words.length === 1 ? { kind, name: words[0] } : { kind: "other", name: header };
}

/**
 * The name as it is written in a section header: as it is when botocore's shlex split reads it
 * back unchanged, else quoted (single quotes, or double quotes when it holds a single quote).
 */
export function headerName(name: string): string {
  if (!/[\s'"\\]/.test(name)) return name;
  return name.includes("'") ? `"${name.replace(/["\\]/g, "\\$&")}"` : `'${name}'`;
}

/** Flattened key/values of a section (later duplicates win), without sub-section keys. */
export type SectionValues = Map<string, string>;

function collect(
  doc: AwsConfigDocument,
  match: (s: ConfigSection) => boolean,
): { values: SectionValues; subsections: Map<string, Map<string, string>> } | undefined {
  const found = doc.sections.filter(match);
  if (found.length === 0) return undefined;
  const values: SectionValues = new Map();
  const subsections = new Map<string, Map<string, string>>();
  for (const section of found) {
    for (const e of section.entries) {
      if (e.subsection) subsections.set(e.key, e.subsection);
      else values.set(e.key, e.value);
    }
  }
  return { values, subsections };
}

/** The keys of `[profile NAME]` (or `[default]` for `default`), or undefined if there is none. */
export function getProfile(doc: AwsConfigDocument, name: string): SectionValues | undefined {
  return collect(
    doc,
    (s) =>
      (s.kind === "profile" && s.name === name) || (name === "default" && s.kind === "default"),
  )?.values;
}

/**
 * True when profile `name` assumes a role (`role_arn`), so that its credentials come from STS
 * through its role chain (`role_chain.ts`) rather than from its own keys.
 */
export function assumesRole(doc: AwsConfigDocument | undefined, name: string): boolean {
  return Boolean(doc && getProfile(doc, name)?.get("role_arn"));
}

/** The keys of `[sso-session NAME]`, or undefined if there is none. */
export function getSsoSession(doc: AwsConfigDocument, name: string): SectionValues | undefined {
  return collect(doc, (s) => s.kind === "sso-session" && s.name === name)?.values;
}

/** The per-service sub-sections of `[services NAME]` (`sso = ...` etc.), or undefined. */
export function getServices(
  doc: AwsConfigDocument,
  name: string,
): Map<string, Map<string, string>> | undefined {
  return collect(doc, (s) => s.kind === "services" && s.name === name)?.subsections;
}

/** Names of all profiles, in file order, without duplicates. */
export function profileNames(doc: AwsConfigDocument): string[] {
  const names = doc.sections.filter((s) => s.kind === "profile" || s.kind === "default")
    .map((s) => s.name);
  return [...new Set(names)];
}

/** The credentials file's profiles: section name → its keys (later duplicates win). */
export type CredentialsFileProfiles = Map<string, Map<string, string>>;
