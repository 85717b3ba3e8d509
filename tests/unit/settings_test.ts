/** Unit tests of credential-process settings resolution (flags > env > profile, docs/formats.md §6.2). */
import { parseAwsConfig } from "../../src/config/aws_config_file.ts";
import {
  ConfigError,
  ExitCode,
  exitCodeOf,
  FAILURE_CODES,
  InstanceError,
} from "../../src/base/errors.ts";
import {
  isHttpsUrl,
  isRegion,
  loadConfigFile,
  parseConfigText,
  parseScopes,
  resolveCredentialProcessSettings,
  type SettingFlags,
  validateSettings,
} from "../../src/config/settings.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "../assert.ts";

const CONFIG_PATH = "/home/user/.aws/config";
const START_URL = "https://example.awsapps.com/start";

const CONFIG = `
[default]
region = us-east-1

[profile legacy]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_account_id = 012345678901
sso_role_name = Legacy-Role
region = eu-west-1

[profile session]
sso_session = my-sso
sso_account_id = 123456789012
sso_role_name = SessionRole
services = local
aws_sso_util_auto_login = TRUE

[profile session-same]
sso_session = my-sso
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = R

[profile session-conflict]
sso_session = my-sso
sso_start_url = https://other.awsapps.com/start
sso_account_id = 123456789012
sso_role_name = R

[profile region-conflict]
sso_session = my-sso
sso_region = eu-west-1
sso_account_id = 123456789012
sso_role_name = R

[profile no-session]
sso_session = ghost
sso_account_id = 123456789012
sso_role_name = R

[profile partial]
sso_start_url = ${START_URL}
sso_region = us-east-1

[profile bad-account]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_account_id = 12345678901
sso_role_name = R

[sso-session my-sso]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access , ,other:scope

[services local]
sso =
  endpoint_url = http://127.0.0.1:4566
`;

const DOC = parseAwsConfig(CONFIG);

function envOf(vars: Record<string, string> = {}): (name: string) => string | undefined {
  return (name) => vars[name];
}

function resolve(flags: SettingFlags, vars: Record<string, string> = {}, doc = DOC) {
  return resolveCredentialProcessSettings(flags, envOf(vars), doc, CONFIG_PATH);
}

/** Every ConfigError must exit 2 with one sentence that ends with a period. */
function assertConfigError(fn: () => unknown, includes?: string): ConfigError {
  const error = assertThrows(fn, ConfigError, includes);
  assertOneSentence(error);
  return error;
}

function assertOneSentence(error: ConfigError): void {
  assertEquals(exitCodeOf(error, FAILURE_CODES.credentialProcess), ExitCode.invalidConfig);
  assertEquals(error.name, "ConfigError");
  assertMatch(error.message, /^[A-Z][^\n]*\.$/, "one line, capitalised, ending with a period");
  assertNotMatch(error.message, /\.\.$/, "no doubled period");
  assertNotMatch(error.message, /[.!?]\s+[A-Z]/, "no second sentence");
}

const ALL_FLAGS: SettingFlags = {
  ssoStartUrl: "https://flag.awsapps.com/start",
  ssoRegion: "eu-central-1",
  accountId: "111111111111",
  roleName: "FlagRole",
};

const ALL_ENV = {
  AWS_SSO_START_URL: "https://env.awsapps.com/start",
  AWS_SSO_REGION: "ap-southeast-2",
  AWS_SSO_ACCOUNT_ID: "222222222222",
  AWS_SSO_ROLE_NAME: "EnvRole",
};

Deno.test("resolveCredentialProcessSettings() prefers flags over env vars over the profile", () => {
  const s = resolve({ ...ALL_FLAGS, profile: "legacy" }, ALL_ENV);
  assertEquals(
    [s.startUrl, s.ssoRegion, s.accountId, s.roleName],
    ["https://flag.awsapps.com/start", "eu-central-1", "111111111111", "FlagRole"],
  );
  assertEquals(s.sources, {
    startUrl: "--sso-start-url",
    ssoRegion: "--sso-region",
    accountId: "--account-id",
    roleName: "--role-name",
  });
  assertEquals(s.profileName, "legacy");
});

Deno.test("resolveCredentialProcessSettings() takes env vars over the profile and records the source", () => {
  const s = resolve({ profile: "legacy" }, ALL_ENV);
  assertEquals(
    [s.startUrl, s.ssoRegion, s.accountId, s.roleName],
    ["https://env.awsapps.com/start", "ap-southeast-2", "222222222222", "EnvRole"],
  );
  assertEquals(s.sources, {
    startUrl: "env AWS_SSO_START_URL",
    ssoRegion: "env AWS_SSO_REGION",
    accountId: "env AWS_SSO_ACCOUNT_ID",
    roleName: "env AWS_SSO_ROLE_NAME",
  });
});

Deno.test("resolveCredentialProcessSettings() mixes sources per setting", () => {
  const s = resolve({ profile: "legacy", roleName: "FlagRole" }, {
    AWS_SSO_ACCOUNT_ID: " 222222222222 ",
    AWS_SSO_REGION: "  ",
  });
  assertEquals(s.roleName, "FlagRole");
  assertEquals(s.accountId, "222222222222", "env values are trimmed");
  assertEquals(s.ssoRegion, "us-east-1", "a blank env var counts as unset");
  assertEquals(s.startUrl, START_URL);
  assertEquals(s.sources, {
    startUrl: "profile legacy",
    ssoRegion: "profile legacy",
    accountId: "env AWS_SSO_ACCOUNT_ID",
    roleName: "--role-name",
  });
});

Deno.test("resolveCredentialProcessSettings() treats an empty flag as not given", () => {
  const s = resolve({ profile: "legacy", accountId: "" }, { AWS_SSO_ACCOUNT_ID: "222222222222" });
  assertEquals(s.accountId, "222222222222");
  assertEquals(s.sources.accountId, "env AWS_SSO_ACCOUNT_ID");
});

Deno.test("resolveCredentialProcessSettings() works from flags or env alone without a profile or config", () => {
  const fromFlags = resolveCredentialProcessSettings(ALL_FLAGS, envOf(), undefined, CONFIG_PATH);
  assertEquals(fromFlags.startUrl, "https://flag.awsapps.com/start");
  assertEquals(fromFlags.profileName, undefined);
  assertEquals(fromFlags.sessionName, undefined);
  assertEquals(fromFlags.scopes, undefined);
  assertEquals(fromFlags.endpointConfig, {});
  assertEquals(fromFlags.autoLogin, false);
  const fromEnv = resolveCredentialProcessSettings({}, envOf(ALL_ENV), undefined, CONFIG_PATH);
  assertEquals(fromEnv.roleName, "EnvRole");
});

Deno.test("resolveCredentialProcessSettings() reads a legacy profile's sso_* keys", () => {
  const s = resolve({ profile: "legacy" });
  assertEquals(
    [s.startUrl, s.ssoRegion, s.accountId, s.roleName],
    [START_URL, "us-east-1", "012345678901", "Legacy-Role"],
  );
  assertEquals(s.accountId, "012345678901", "leading zero kept");
  assertEquals(s.sessionName, undefined, "legacy tokens are keyed by start URL");
  assertEquals(s.scopes, undefined);
  assertEquals(s.autoLogin, false);
  assertEquals(Object.values(s.sources), Array(4).fill("profile legacy"));
  assertEquals(s.endpointConfig.services, undefined);
  assertEquals(s.endpointConfig.profile?.get("region"), "eu-west-1");
});

Deno.test("resolveCredentialProcessSettings() takes start URL and region from an sso_session profile's session", () => {
  const s = resolve({ profile: "session" });
  assertEquals(s.startUrl, START_URL);
  assertEquals(s.ssoRegion, "us-east-1");
  assertEquals(s.accountId, "123456789012");
  assertEquals(s.roleName, "SessionRole");
  assertEquals(s.sessionName, "my-sso");
  assertEquals(s.scopes, ["sso:account:access", "other:scope"]);
  assertEquals(s.sources, {
    startUrl: "sso-session my-sso",
    ssoRegion: "sso-session my-sso",
    accountId: "profile session",
    roleName: "profile session",
  });
  assertEquals(s.autoLogin, true, "aws_sso_util_auto_login is case-insensitive");
  assertEquals(
    s.endpointConfig.services,
    new Map([["sso", new Map([["endpoint_url", "http://127.0.0.1:4566"]])]]),
  );
});

Deno.test("resolveCredentialProcessSettings() drops the session when a flag overrides its start URL", () => {
  const s = resolve({ profile: "session", ssoStartUrl: "https://flag.awsapps.com/start" });
  assertEquals(s.startUrl, "https://flag.awsapps.com/start");
  assertEquals(s.ssoRegion, "us-east-1");
  assertEquals(
    s.sessionName,
    undefined,
    "the token then belongs to the start URL, not the session",
  );
  assertEquals(s.scopes, undefined);
  assertEquals(s.sources.startUrl, "--sso-start-url");
});

Deno.test("resolveCredentialProcessSettings() drops the session when env overrides its region", () => {
  const s = resolve({ profile: "session" }, { AWS_SSO_REGION: "us-west-2" });
  assertEquals(s.ssoRegion, "us-west-2");
  assertEquals(s.sessionName, undefined);
});

Deno.test("resolveCredentialProcessSettings() keeps the session when a flag repeats its own start URL", () => {
  const s = resolve({ profile: "session", ssoStartUrl: START_URL });
  assertEquals(s.sessionName, "my-sso");
  assertEquals(s.sources.startUrl, "--sso-start-url");
});

Deno.test("resolveCredentialProcessSettings() accepts equal sso_start_url values in profile and session", () => {
  const s = resolve({ profile: "session-same" });
  assertEquals(s.startUrl, START_URL);
  assertEquals(s.sessionName, "my-sso");
});

Deno.test("resolveCredentialProcessSettings() rejects an sso_start_url that differs between profile and session", () => {
  const error = assertConfigError(() => resolve({ profile: "session-conflict" }));
  assertEquals(
    error.message,
    "The value for sso_start_url is inconsistent between profile session-conflict (https://other.awsapps.com/start) and sso-session my-sso (https://example.awsapps.com/start).",
  );
});

Deno.test("resolveCredentialProcessSettings() rejects an sso_region that differs between profile and session", () => {
  const error = assertConfigError(() => resolve({ profile: "region-conflict" }), "sso_region");
  assertStringIncludes(error.message, "(eu-west-1)");
});

Deno.test("resolveCredentialProcessSettings() names a missing sso-session section", () => {
  const error = assertConfigError(() => resolve({ profile: "no-session" }));
  assertEquals(
    error.message,
    `Profile no-session uses sso_session ghost, but ${CONFIG_PATH} has no [sso-session ghost] section.`,
  );
});

/** An unknown profile: one sentence of kind `unknownProfile`, credential-process's exit 2. */
function assertUnknownProfile(fn: () => unknown, message: string): void {
  const error = assertThrows(fn, InstanceError);
  assertEquals([error.kind, error.message], ["unknownProfile", message]);
  assertEquals(exitCodeOf(error, FAILURE_CODES.credentialProcess), ExitCode.invalidConfig);
}

Deno.test("resolveCredentialProcessSettings() rejects an unknown profile", () => {
  assertUnknownProfile(
    () => resolve({ profile: "nope" }),
    `Profile nope was not found in ${CONFIG_PATH}.`,
  );
});

Deno.test("resolveCredentialProcessSettings() explains a missing config file when a profile is named", () => {
  assertUnknownProfile(
    () => resolveCredentialProcessSettings({ profile: "legacy" }, envOf(), undefined, CONFIG_PATH),
    `The AWS config file ${CONFIG_PATH} does not exist, so profile legacy cannot be read.`,
  );
});

Deno.test("resolveCredentialProcessSettings() names every missing setting with its flag and env var", () => {
  const error = assertConfigError(() => resolve({}));
  assertEquals(
    error.message,
    "Missing settings: SSO start URL (--sso-start-url or AWS_SSO_START_URL), SSO region (--sso-region or AWS_SSO_REGION), account id (--account-id or AWS_SSO_ACCOUNT_ID), role name (--role-name or AWS_SSO_ROLE_NAME); set them with flags or env vars, or name a profile with --profile.",
  );
  const some = assertConfigError(() => resolve({ ssoStartUrl: START_URL, ssoRegion: "us-east-1" }));
  assertStringIncludes(some.message, "account id (--account-id or AWS_SSO_ACCOUNT_ID)");
  assertStringIncludes(some.message, "role name (--role-name or AWS_SSO_ROLE_NAME)");
  assert(!some.message.includes("SSO start URL"), some.message);
  assert(!some.message.includes("SSO region"), some.message);
});

Deno.test("resolveCredentialProcessSettings() names the missing keys of a profile", () => {
  const error = assertConfigError(() => resolve({ profile: "partial" }));
  assertEquals(
    error.message,
    `Profile partial in ${CONFIG_PATH} is missing account id (sso_account_id), role name (sso_role_name); add the keys or pass them as flags.`,
  );
  const filled = resolve({ profile: "partial", accountId: "123456789012", roleName: "R" });
  assertEquals(filled.startUrl, START_URL);
});

Deno.test("resolveCredentialProcessSettings() rejects an 11-digit account id and says where it came from", () => {
  const error = assertConfigError(() => resolve({ profile: "bad-account" }));
  assertEquals(
    error.message,
    "The account id 12345678901 (from profile bad-account) is not valid: it must be exactly 12 digits.",
  );
});

Deno.test("resolveCredentialProcessSettings() rejects an account id with letters from a flag", () => {
  const error = assertConfigError(() => resolve({ ...ALL_FLAGS, accountId: "12345678901a" }));
  assertStringIncludes(error.message, "12345678901a (from --account-id)");
});

Deno.test("resolveCredentialProcessSettings() rejects an http start URL", () => {
  const error = assertConfigError(() =>
    resolve({ ...ALL_FLAGS, ssoStartUrl: "http://example.awsapps.com/start" })
  );
  assertEquals(
    error.message,
    "The SSO start URL http://example.awsapps.com/start (from --sso-start-url) is not an https URL.",
  );
});

Deno.test("resolveCredentialProcessSettings() rejects a bad region from env", () => {
  const error = assertConfigError(() =>
    resolve({ ...ALL_FLAGS, ssoRegion: undefined }, { AWS_SSO_REGION: "US-EAST-1" })
  );
  assertEquals(
    error.message,
    "The SSO region US-EAST-1 (from env AWS_SSO_REGION) is not a valid AWS region name.",
  );
});

Deno.test("resolveCredentialProcessSettings() rejects a bad role name", () => {
  const error = assertConfigError(() => resolve({ ...ALL_FLAGS, roleName: "My Role" }));
  assertEquals(
    error.message,
    "The role name My Role (from --role-name) is not a valid IAM role name.",
  );
  assertConfigError(() => resolve({ ...ALL_FLAGS, roleName: "R".repeat(65) }));
  assertEquals(resolve({ ...ALL_FLAGS, roleName: "a+=,.@_-Z9" }).roleName, "a+=,.@_-Z9");
});

Deno.test("parseScopes() splits on commas, trims items and drops empties", () => {
  assertEquals(parseScopes(undefined), undefined);
  assertEquals(parseScopes(""), undefined);
  assertEquals(parseScopes(" , ,"), undefined);
  assertEquals(parseScopes("sso:account:access"), ["sso:account:access"]);
  assertEquals(parseScopes(" a ,b,, c "), ["a", "b", "c"]);
});

Deno.test("validateSettings() accepts valid and absent values", () => {
  validateSettings({});
  validateSettings({
    startUrl: "https://d-1234567890.awsapps.com/start#/",
    ssoRegion: "us-gov-west-1",
    accountId: "000000000000",
    roleName: "AWSAdministratorAccess",
  });
});

Deno.test("validateSettings() reports each kind of invalid value with exit code 2", () => {
  const cases: [Parameters<typeof validateSettings>[0], string][] = [
    [
      { startUrl: "example.awsapps.com/start" },
      "The SSO start URL example.awsapps.com/start is not an https URL.",
    ],
    [{ startUrl: "https://" }, "The SSO start URL https:// is not an https URL."],
    [{ ssoRegion: "useast1" }, "The SSO region useast1 is not a valid AWS region name."],
    [
      { accountId: "1234-5678-9012" },
      "The account id 1234-5678-9012 is not valid: it must be exactly 12 digits.",
    ],
    [
      { accountId: "1234567890123" },
      "The account id 1234567890123 is not valid: it must be exactly 12 digits.",
    ],
    [{ roleName: "" }, "The role name  is not a valid IAM role name."],
    [
      { roleName: "a/b", sources: { roleName: "profile p" } },
      "The role name a/b (from profile p) is not a valid IAM role name.",
    ],
  ];
  for (const [input, message] of cases) {
    const error = assertThrows(() => validateSettings(input), ConfigError);
    assertEquals(error.message, message);
    assertEquals(exitCodeOf(error, FAILURE_CODES.credentialProcess), 2);
  }
});

Deno.test("isRegion() accepts the region names of every partition", () => {
  for (
    const region of [
      "us-east-1",
      "eu-west-3",
      "ap-southeast-2",
      "us-gov-west-1",
      "cn-north-1",
      "cn-northwest-1",
      "eusc-de-east-1",
      "us-iso-east-1",
      "us-isob-east-1",
      "il-central-1",
    ]
  ) {
    assert(isRegion(region), region);
  }
});

Deno.test("isRegion() rejects upper case, missing dashes and junk", () => {
  for (
    const text of [
      "US-EAST-1",
      "useast1",
      "us-east",
      "us-east-",
      "-east-1",
      "us_east_1",
      "",
      " us-east-1",
    ]
  ) {
    assert(!isRegion(text), JSON.stringify(text));
  }
});

Deno.test("isHttpsUrl() accepts only https URLs with a host", () => {
  assert(isHttpsUrl(START_URL));
  assert(isHttpsUrl("HTTPS://EXAMPLE.com"));
  assert(!isHttpsUrl("http://example.com"));
  assert(!isHttpsUrl("ftp://example.com"));
  assert(!isHttpsUrl("not a url"));
});

Deno.test("parseConfigText() turns a parse failure into a ConfigError naming file and line", () => {
  const error = assertConfigError(() => parseConfigText("[default]\nregion\n", CONFIG_PATH));
  assertEquals(
    error.message,
    `The AWS config file ${CONFIG_PATH} is malformed: line 2 is not a section header, comment or key = value: region.`,
  );
});

Deno.test("loadConfigFile() returns undefined for a missing file and parses an existing one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "settings-test-" });
  try {
    assertEquals(await loadConfigFile(`${dir}/missing`), undefined);
    await Deno.writeTextFile(`${dir}/config`, "[profile a]\nregion = us-east-1\n");
    const doc = await loadConfigFile(`${dir}/config`);
    assertEquals(doc?.sections.map((s) => s.name), ["a"]);
    await Deno.writeTextFile(`${dir}/bad`, "[profile a]\n!!!\n");
    const error = await assertRejects(() => loadConfigFile(`${dir}/bad`), ConfigError, "line 2");
    assertOneSentence(error);
    const dirError = await assertRejects(() => loadConfigFile(dir), ConfigError, "Cannot read");
    assertEquals(exitCodeOf(dirError, FAILURE_CODES.credentialProcess), 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
