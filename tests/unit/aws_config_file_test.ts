/** Unit tests of the AWS config file parser (docs/formats.md §6.1). */
import {
  type AwsConfigDocument,
  ConfigParseError,
  type ConfigSection,
  getProfile,
  getServices,
  getSsoSession,
  headerName,
  parseAwsConfig,
  profileNames,
} from "../../src/config/aws_config_file.ts";
import { assert, assertEquals, assertMatch, assertThrows } from "../assert.ts";

function section(doc: AwsConfigDocument, kind: string, name: string): ConfigSection {
  const found = doc.sections.find((s) => s.kind === kind && s.name === name);
  assert(found, `no [${kind} ${name}] section`);
  return found;
}

/** A realistic file; the comment on each line is its 0-based index. */
const REALISTIC = [
  "# ~/.aws/config written by aws configure sso", // 0
  "[default]", // 1
  "region = us-east-1", // 2
  "output = json", // 3
  "", // 4
  "; a semicolon comment", // 5
  "[profile dev]", // 6
  "sso_session = my-sso", // 7
  "sso_account_id = 012345678901", // 8
  "sso_role_name = Admin", // 9
  "s3 =", // 10
  "    max_concurrent_requests = 20", // 11
  "    # an indented comment inside the sub-section", // 12
  "    signature_version = s3v4", // 13
  "region = eu-west-1", // 14
  "services = local", // 15
  "", // 16
  "[sso-session my-sso]", // 17
  "sso_start_url = https://example.awsapps.com/start", // 18
  "sso_region = us-east-1", // 19
  "sso_registration_scopes = sso:account:access", // 20
  "", // 21
  "[services local]", // 22
  "sso =", // 23
  "  endpoint_url = http://127.0.0.1:4566", // 24
  "sso_oidc =", // 25
  "  endpoint_url = http://127.0.0.1:4567", // 26
  "", // 27
  "# trailing comment", // 28
  "",
].join("\n");

Deno.test("parseAwsConfig() records header, entry and last line indices for a realistic file", () => {
  const doc = parseAwsConfig(REALISTIC);
  assertEquals(doc.newline, "\n");
  assertEquals(doc.lines.length, 29, "the final empty string after the last newline is dropped");
  assertEquals(
    doc.sections.map((s) => [s.kind, s.name, s.headerLine, s.lastLine]),
    [
      ["default", "default", 1, 3],
      ["profile", "dev", 6, 15],
      ["sso-session", "my-sso", 17, 20],
      ["services", "local", 22, 26],
    ],
  );
  const dev = section(doc, "profile", "dev");
  assertEquals(
    dev.entries.map((e) => [e.key, e.value, e.line, e.lastLine]),
    [
      ["sso_session", "my-sso", 7, 7],
      ["sso_account_id", "012345678901", 8, 8],
      ["sso_role_name", "Admin", 9, 9],
      ["s3", "", 10, 13],
      ["region", "eu-west-1", 14, 14],
      ["services", "local", 15, 15],
    ],
  );
  assertEquals(
    dev.entries[3].subsection,
    new Map([["max_concurrent_requests", "20"], ["signature_version", "s3v4"]]),
  );
  const services = section(doc, "services", "local");
  assertEquals(services.entries.map((e) => [e.key, e.line, e.lastLine]), [
    ["sso", 23, 24],
    ["sso_oidc", 25, 26],
  ]);
  // Every recorded index points at the line it claims to.
  assertEquals(doc.lines[dev.headerLine], "[profile dev]");
  assertEquals(doc.lines[dev.entries[4].line], "region = eu-west-1");
});

Deno.test("parseAwsConfig() skips #, ; and indented comments and blank lines", () => {
  const doc = parseAwsConfig(
    "# top\n;semi\n[profile a]\n  # indented hash\n\t; indented semicolon\nregion = us-west-2\n\n",
  );
  assertEquals(doc.sections.length, 1);
  assertEquals(doc.sections[0].entries.map((e) => [e.key, e.value]), [["region", "us-west-2"]]);
  assertEquals(getProfile(doc, "a"), new Map([["region", "us-west-2"]]));
});

Deno.test("parseAwsConfig() keeps a '#' inside a value, as botocore does (no inline comments)", () => {
  const doc = parseAwsConfig("[profile a]\nrole_session_name = a#b ; c\n");
  assertEquals(getProfile(doc, "a")?.get("role_session_name"), "a#b ; c");
});

Deno.test("parseAwsConfig() reads [default] and [profile default] as the default profile", () => {
  const doc = parseAwsConfig(
    "[default]\nregion = us-east-1\noutput = json\n[profile default]\nregion = eu-west-1\n",
  );
  assertEquals(doc.sections.map((s) => [s.kind, s.name]), [
    ["default", "default"],
    ["profile", "default"],
  ]);
  assertEquals(
    getProfile(doc, "default"),
    new Map([["region", "eu-west-1"], ["output", "json"]]),
    "later section wins per key, like botocore",
  );
  assertEquals(profileNames(doc), ["default"]);
});

Deno.test("parseAwsConfig() accepts extra spaces inside [profile x] headers", () => {
  const doc = parseAwsConfig(
    "[  profile   spaced  ]\nregion = us-east-1\n[profile\ttabbed]\nregion = us-west-1\n[ default ]\n",
  );
  assertEquals(doc.sections.map((s) => [s.kind, s.name]), [
    ["profile", "spaced"],
    ["profile", "tabbed"],
    ["default", "default"],
  ]);
  assertEquals(getProfile(doc, "spaced")?.get("region"), "us-east-1");
  assertEquals(getProfile(doc, "tabbed")?.get("region"), "us-west-1");
});

Deno.test("parseAwsConfig() classifies [sso-session x], [services x] and other sections", () => {
  const doc = parseAwsConfig(
    "[sso-session corp]\nsso_region = eu-central-1\n[services svc]\n[plugins]\ncli_legacy_plugin_path = /x\n[profile]\n[profilex]\n",
  );
  assertEquals(doc.sections.map((s) => [s.kind, s.name]), [
    ["sso-session", "corp"],
    ["services", "svc"],
    ["other", "plugins"],
    ["other", "profile"],
    ["other", "profilex"],
  ]);
  assertEquals(getSsoSession(doc, "corp"), new Map([["sso_region", "eu-central-1"]]));
  assertEquals(getSsoSession(doc, "other"), undefined);
  assertEquals(getProfile(doc, "plugins"), undefined, "an other section is not a profile");
  assertEquals(getProfile(doc, "x"), undefined);
  assertEquals(profileNames(doc), []);
});

Deno.test("parseAwsConfig() exposes [services x] sso and sso_oidc sub-sections", () => {
  const doc = parseAwsConfig(REALISTIC);
  assertEquals(
    getServices(doc, "local"),
    new Map([
      ["sso", new Map([["endpoint_url", "http://127.0.0.1:4566"]])],
      ["sso_oidc", new Map([["endpoint_url", "http://127.0.0.1:4567"]])],
    ]),
  );
  assertEquals(getServices(doc, "missing"), undefined);
});

Deno.test("parseAwsConfig() keeps s3 = sub-section keys out of the profile's keys", () => {
  const doc = parseAwsConfig(REALISTIC);
  const dev = getProfile(doc, "dev");
  assert(dev);
  assertEquals(dev.has("max_concurrent_requests"), false);
  assertEquals(dev.has("signature_version"), false);
  assertEquals(dev.has("s3"), false, "the sub-section key itself is not a plain value");
  assertEquals(
    dev,
    new Map([
      ["sso_session", "my-sso"],
      ["sso_account_id", "012345678901"],
      ["sso_role_name", "Admin"],
      ["region", "eu-west-1"],
      ["services", "local"],
    ]),
  );
});

Deno.test("parseAwsConfig() accepts the key: value delimiter", () => {
  const doc = parseAwsConfig("[profile colon]\nregion: us-west-2\nendpoint_url: http://h:4566\n");
  assertEquals(
    getProfile(doc, "colon"),
    new Map([["region", "us-west-2"], ["endpoint_url", "http://h:4566"]]),
  );
});

Deno.test("parseAwsConfig() lower-cases keys and sub-section keys but not values or names", () => {
  const doc = parseAwsConfig(
    "[profile MixedCase]\nSSO_Account_ID = 123456789012\nSSO_ROLE_NAME = AdminRole\nS3 =\n  Max_Bandwidth = 10MB/s\n",
  );
  const profile = getProfile(doc, "MixedCase");
  assertEquals(profile?.get("sso_account_id"), "123456789012");
  assertEquals(profile?.get("sso_role_name"), "AdminRole");
  assertEquals(getProfile(doc, "mixedcase"), undefined, "profile names are case-sensitive");
  assertEquals(doc.sections[0].entries[2].key, "s3");
  assertEquals(doc.sections[0].entries[2].subsection, new Map([["max_bandwidth", "10MB/s"]]));
});

Deno.test("parseAwsConfig() keeps leading zeros when an account id starts with 0", () => {
  const doc = parseAwsConfig(
    "[profile z]\nsso_account_id = 012345678901\naws_account_id=000000000001\n",
  );
  const profile = getProfile(doc, "z");
  assertEquals(profile?.get("sso_account_id"), "012345678901");
  assertEquals(typeof profile?.get("sso_account_id"), "string");
  assertEquals(profile?.get("aws_account_id"), "000000000001");
});

Deno.test("parseAwsConfig() trims values and keeps = inside a value", () => {
  const doc = parseAwsConfig("[profile t]\n  region   =   us-east-1   \nx = a=b=c\nempty =\n");
  assertEquals(
    getProfile(doc, "t"),
    new Map([["region", "us-east-1"], ["x", "a=b=c"], ["empty", ""]]),
  );
});

Deno.test("parseAwsConfig() reads CRLF files and remembers the newline style", () => {
  const text = "[default]\r\nregion = us-east-1\r\n\r\n[profile b]\r\nsso_role_name = R\r\n";
  const doc = parseAwsConfig(text);
  assertEquals(doc.newline, "\r\n");
  assertEquals(doc.lines, [
    "[default]",
    "region = us-east-1",
    "",
    "[profile b]",
    "sso_role_name = R",
  ]);
  assertEquals(getProfile(doc, "default"), new Map([["region", "us-east-1"]]));
  assertEquals(getProfile(doc, "b")?.get("sso_role_name"), "R", "no trailing \\r in values");
  assertEquals(section(doc, "profile", "b").headerLine, 3);
});

Deno.test("parseAwsConfig() ignores a UTF-8 byte order mark before the first header", () => {
  const doc = parseAwsConfig("\uFEFF[default]\nregion = us-east-1\n");
  assertEquals(doc.sections.map((s) => [s.kind, s.name, s.headerLine]), [[
    "default",
    "default",
    0,
  ]]);
  assertEquals(getProfile(doc, "default")?.get("region"), "us-east-1");
});

Deno.test("parseAwsConfig() merges duplicate sections, the later key winning", () => {
  const doc = parseAwsConfig(
    "[profile a]\nregion = us-east-1\noutput = json\n[profile b]\nregion = x\n[profile a]\nregion = eu-west-1\n",
  );
  assertEquals(doc.sections.length, 3, "sections are kept as written, for rewriting");
  assertEquals(getProfile(doc, "a"), new Map([["region", "eu-west-1"], ["output", "json"]]));
  assertEquals(profileNames(doc), ["a", "b"]);

  const sessions = parseAwsConfig(
    "[sso-session s]\nsso_region = us-east-1\n[sso-session s]\nsso_region = us-west-2\nsso_start_url = https://x\n",
  );
  assertEquals(
    getSsoSession(sessions, "s"),
    new Map([["sso_region", "us-west-2"], ["sso_start_url", "https://x"]]),
  );
});

Deno.test("parseAwsConfig() joins indented continuation lines to a non-empty value", () => {
  const doc = parseAwsConfig(
    "[profile c]\ndescription = first\n  second\n\tthird = 3\nregion = us-east-1\n",
  );
  const c = section(doc, "profile", "c");
  assertEquals(c.entries.map((e) => [e.key, e.value, e.line, e.lastLine]), [
    ["description", "first\nsecond\nthird = 3", 1, 3],
    ["region", "us-east-1", 4, 4],
  ]);
  assertEquals(c.entries[0].subsection, undefined);
  assertEquals(c.lastLine, 4);
});

Deno.test("parseAwsConfig() treats an indented line that is not key = value under an empty key as its value", () => {
  const doc = parseAwsConfig("[profile c]\nnote =\n  just text\n");
  assertEquals(getProfile(doc, "c")?.get("note"), "just text");
});

Deno.test("parseAwsConfig() ignores keys before the first section", () => {
  const doc = parseAwsConfig("region = us-east-1\n[profile a]\noutput = json\n");
  assertEquals(doc.sections.length, 1);
  assertEquals(getProfile(doc, "a"), new Map([["output", "json"]]));
});

Deno.test("parseAwsConfig() throws ConfigParseError with the 1-based line number of a malformed line", () => {
  const error = assertThrows(
    () => parseAwsConfig("# c\n[profile a]\nregion = us-east-1\nthis is not valid\n"),
    ConfigParseError,
  );
  assertEquals(error.lineNumber, 4);
  assertEquals(error.lineText, "this is not valid");
  assertMatch(
    error.message,
    /^line 4 is not a section header, comment or key = value: this is not valid$/,
  );
  assertEquals(error.name, "ConfigParseError");
});

Deno.test("parseAwsConfig() counts CRLF lines and the BOM line correctly in errors", () => {
  const error = assertThrows(
    () => parseAwsConfig("\uFEFF[default]\r\nregion = x\r\n\r\n[broken\r\n"),
    ConfigParseError,
  );
  assertEquals(error.lineNumber, 4);
});

Deno.test("parseAwsConfig() rejects a malformed line before any section and a bad sub-section line", () => {
  assertEquals(
    assertThrows(() => parseAwsConfig("garbage\n[default]\n"), ConfigParseError).lineNumber,
    1,
  );
  assertEquals(
    assertThrows(
      () => parseAwsConfig("[profile a]\ns3 =\n  max_concurrent_requests = 1\n  not a pair\n"),
      ConfigParseError,
    ).lineNumber,
    4,
  );
  assertEquals(
    assertThrows(() => parseAwsConfig("[profile a]\n= value\n"), ConfigParseError).lineNumber,
    2,
  );
});

Deno.test("parseAwsConfig() returns no sections for an empty file", () => {
  for (const text of ["", "\n", "# only a comment\n", "\uFEFF"]) {
    const doc = parseAwsConfig(text);
    assertEquals(doc.sections, [], JSON.stringify(text));
    assertEquals(profileNames(doc), []);
  }
});

Deno.test("profileNames() lists default and profile sections in file order without duplicates", () => {
  const doc = parseAwsConfig(
    REALISTIC + "[profile b]\n[profile dev]\n[sso-session x]\n[profile a]\n",
  );
  assertEquals(profileNames(doc), ["default", "dev", "b", "a"]);
});

Deno.test("parseAwsConfig() accepts a comment after a section header, as configparser does", () => {
  const doc = parseAwsConfig(
    "[profile x] # production\nregion = us-east-1\n[default] ; main\nregion = eu-west-1\n",
  );
  assertEquals(getProfile(doc, "x")?.get("region"), "us-east-1");
  assertEquals(getProfile(doc, "default")?.get("region"), "eu-west-1");
});

Deno.test("headerName() quotes names as botocore's shlex reads them back; the parser unquotes them", () => {
  const names = ["plain.name", "Dev-#2", "a b", "Bob's", 'Say "hi"', "back\\slash", `both'"`];
  const written = names.map(headerName);
  assertEquals(written, [
    "plain.name",
    "Dev-#2",
    "'a b'",
    `"Bob's"`,
    `'Say "hi"'`,
    "'back\\slash'",
    `"both'\\""`,
  ]);
  const doc = parseAwsConfig(written.map((w) => `[profile ${w}]\nregion = x\n`).join(""));
  assertEquals(profileNames(doc), names);
  // botocore ignores a header that does not split into two words; so does the parser.
  assertEquals(profileNames(parseAwsConfig(`[profile 'a' 'b']\nregion = x\n`)), []);
});
