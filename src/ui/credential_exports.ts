/**
 * Role credentials as text for shells and tools (`aws-sso-util export`): the variable names of
 * the AWS CLI's `configure export-credentials`, each value quoted for the shell that reads it.
 *
 * @module
 */
import { credentialProcessJson, type RoleCredentials } from "../cache/credential_cache.ts";
import { formatAwsTimestamp } from "../base/timestamps.ts";
import { ConfigError } from "../base/errors.ts";
import { fishQuote, powershellDoubleQuote, shellQuote } from "../base/shell_quote.ts";

/** The output formats of `export`, the first being the default. */
export const EXPORT_FORMATS = [
  "env",
  "env-no-export",
  "powershell",
  "windows-cmd",
  "fish",
  "json",
  "dotenv",
] as const;

/** One output format. */
export type ExportFormat = typeof EXPORT_FORMATS[number];

/**
 * The variables that carry `creds`, in order: the keys, the expiration under the AWS CLI's name
 * (`AWS_CREDENTIAL_EXPIRATION`) and, when known, `AWS_ACCOUNT_ID`.
 */
export function credentialVariables(creds: RoleCredentials): [string, string][] {
  const vars: [string, string][] = [
    ["AWS_ACCESS_KEY_ID", creds.accessKeyId],
    ["AWS_SECRET_ACCESS_KEY", creds.secretAccessKey],
    ["AWS_SESSION_TOKEN", creds.sessionToken],
    ["AWS_CREDENTIAL_EXPIRATION", formatAwsTimestamp(creds.expiration)],
  ];
  if (creds.accountId) vars.push(["AWS_ACCOUNT_ID", creds.accountId]);
  return vars;
}

/** Characters `cmd.exe` cannot take safely in a `set` value, even inside quotes. */
const CMD_UNSAFE = /["%!\r\n\0]/;
/** Characters that need no quotes after `set NAME=` in `cmd.exe`. */
const CMD_PLAIN = /^[A-Za-z0-9_+\/=:.,@-]*$/;

/** Text for `format`, one line per variable (the JSON format is the credential_process line). */
export function formatCredentialExports(creds: RoleCredentials, format: ExportFormat): string {
  if (format === "json") return credentialProcessJson(creds) + "\n";
  const vars = credentialVariables(creds);
  for (const [name, value] of vars) {
    if (/[\r\n\0]/.test(value)) {
      throw new ConfigError(
        `The value of ${name} contains a line break or NUL and cannot be exported.`,
      );
    }
  }
  return vars.map(([name, value]) => line(format, name, value)).join("\n") + "\n";
}

function line(format: Exclude<ExportFormat, "json">, name: string, value: string): string {
  switch (format) {
    case "env":
      return `export ${name}=${shellQuote(value)}`;
    case "env-no-export":
      return `${name}=${shellQuote(value)}`;
    case "powershell":
      return `$Env:${name}=${powershellDoubleQuote(value)}`;
    case "windows-cmd":
      if (CMD_UNSAFE.test(value)) {
        throw new ConfigError(
          `The value of ${name} holds a character cmd.exe cannot take in a set line; use another format.`,
        );
      }
      return CMD_PLAIN.test(value) ? `set ${name}=${value}` : `set "${name}=${value}"`;
    case "fish":
      return `set -gx ${name} ${fishQuote(value)}`;
    case "dotenv":
      return `${name}=${dotenvQuote(name, value)}`;
  }
}

/**
 * A dotenv value: single quotes (no escapes and no `$` expansion in npm dotenv or Docker
 * Compose) unless the value holds a single quote, then double quotes when that is safe. `${`
 * is refused: python-dotenv expands it even inside single quotes.
 */
function dotenvQuote(name: string, value: string): string {
  if (value.includes("${")) {
    throw new ConfigError(
      `The value of ${name} holds "\${" that dotenv parsers expand; use another format.`,
    );
  }
  if (!/['\\]/.test(value)) return `'${value}'`;
  if (!/["\\$`]/.test(value)) return `"${value}"`;
  const why = value.includes("\\")
    ? "a backslash, which dotenv parsers read differently"
    : value.includes('"')
    ? "both a single and a double quote, which no dotenv quoting keeps"
    : "a single quote (so it needs double quotes) and a $ or `, which Docker Compose expands in double quotes";
  throw new ConfigError(`The value of ${name} holds ${why}; use another format.`);
}
