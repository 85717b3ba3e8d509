/**
 * The console config token of the Python aws-sso-util (`console get-config-token`): a launch's
 * settings, without any credential, as URL-safe base64 (with padding) of compact JSON. Keys are
 * short and in this order: `v` ("1"), `ssourl`, `ssoreg`, `url` (the federation endpoint), `dst`
 * (the destination URL), then, when set, `acc`, `rol`, `reg`, `dur` (minutes, a number), `iss`.
 * Non-ASCII characters are written as `\uXXXX`, as Python's `json.dumps` does, so both tools make
 * the same bytes. Reading accepts the short keys and the long ones older tokens used
 * (`sso_start_url`, `account_id`…), with or without padding, in either base64 alphabet.
 *
 * @module
 */
import { ConfigError } from "../base/errors.ts";
import { safeEcho } from "../base/safe_text.ts";

/** A launch's settings as a config token carries them. */
export interface ConsoleConfig {
  startUrl: string;
  ssoRegion: string;
  /** The federation endpoint, e.g. `https://signin.aws.amazon.com/federation`. */
  federationUrl: string;
  /** The destination URL. */
  destination: string;
  accountId?: string;
  roleName?: string;
  /** The console region. */
  region?: string;
  durationMinutes?: number;
  issuer?: string;
}

/** Field ↔ short key ↔ the long key of older tokens, in the token's key order. */
const KEYS: readonly [keyof ConsoleConfig | "version", string, string][] = [
  ["version", "v", "version"],
  ["startUrl", "ssourl", "sso_start_url"],
  ["ssoRegion", "ssoreg", "sso_region"],
  ["federationUrl", "url", "federation_endpoint"],
  ["destination", "dst", "destination"],
  ["accountId", "acc", "account_id"],
  ["roleName", "rol", "role_name"],
  ["region", "reg", "region"],
  ["durationMinutes", "dur", "duration"],
  ["issuer", "iss", "issuer"],
];

/** The only token version there is. */
export const CONFIG_TOKEN_VERSION = "1";

/** A config token is at most this long (a real one is a few hundred characters). */
const MAX_TOKEN_CHARS = 16 * 1024;

/** JSON text with every non-ASCII character escaped as `\uXXXX` (Python's `ensure_ascii`). */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function base64UrlEncode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_");
}

/** The token of `config` (the same bytes as the Python tool makes for the same settings). */
export function encodeConfigToken(config: ConsoleConfig): string {
  const payload: Record<string, string | number> = {};
  for (const [field, short] of KEYS) {
    const value = field === "version" ? CONFIG_TOKEN_VERSION : config[field];
    if (value !== undefined && value !== "") payload[short] = value;
  }
  return base64UrlEncode(asciiJson(payload));
}

/** A decoded token: the settings present, and keys this tool does not know (warned about). */
export interface DecodedConfigToken {
  config: Partial<ConsoleConfig>;
  unknownKeys: string[];
}

const invalid = (why: string) => new ConfigError(`The config token is not valid: ${why}.`);

/** Reads a token; every problem is one ConfigError sentence (exit 2). Values are checked by type. */
export function decodeConfigToken(token: string): DecodedConfigToken {
  const text = token.trim();
  if (text === "") throw invalid("it is empty");
  if (text.length > MAX_TOKEN_CHARS) throw invalid("it is too long");
  if (!/^[A-Za-z0-9_\-+/]+={0,2}$/.test(text)) throw invalid("it is not base64 text");
  let json: string;
  try {
    const std = text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
    const binary = atob(std + "=".repeat((4 - std.length % 4) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    json = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalid("it is not base64 of UTF-8 text");
  }
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    throw invalid("it does not hold JSON");
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw invalid("it does not hold a JSON object");
  }
  const config: Partial<Record<keyof ConsoleConfig, string | number>> = {};
  const unknownKeys: string[] = [];
  let version: unknown;
  for (const [key, value] of Object.entries(payload)) {
    const entry = KEYS.find(([, short, long]) => key === short || key === long);
    if (entry === undefined) {
      unknownKeys.push(key);
      continue;
    }
    const [field] = entry;
    if (field === "version") {
      version = value;
      continue;
    }
    if (value === null || value === undefined) continue;
    if (field === "durationMinutes") {
      if (typeof value !== "number" && typeof value !== "string") {
        throw invalid(`its duration is not a number`);
      }
      config[field] = value;
      continue;
    }
    if (typeof value !== "string") throw invalid(`its ${key} is not a string`);
    config[field] = value;
  }
  if (version !== CONFIG_TOKEN_VERSION) {
    throw invalid(
      version === undefined
        ? "it has no version"
        : `its version ${safeEcho(String(version))} is not 1 (made by a newer tool?)`,
    );
  }
  return { config: config as Partial<ConsoleConfig>, unknownKeys };
}
