/** Profile names of `configure populate`, against the Python aws-sso-util's rules. */
import { assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { ConfigError } from "../../src/base/errors.ts";
import {
  applyCase,
  type NameInput,
  profileName,
  profileNameProblem,
  profileNaming,
  safeAccountName,
  shortRegion,
} from "../../src/config/profile_naming.ts";

const noEnv = () => undefined;
const input = (over: Partial<NameInput> = {}): NameInput => ({
  accountName: "Prod Account",
  accountId: "012345678901",
  roleName: "AdministratorAccess",
  region: "us-east-1",
  regionIndex: 0,
  numRegions: 2,
  ...over,
});

Deno.test("shortRegion splits from the right and abbreviates area and direction", () => {
  const table: [string, string][] = [
    ["us-east-1", "usea1"],
    ["us-east-2", "usea2"],
    ["us-west-2", "uswe2"],
    ["ap-northeast-1", "apne1"],
    ["ap-southeast-2", "apse2"],
    ["ap-south-1", "apso1"],
    ["eu-central-1", "euce1"],
    ["eu-north-1", "euno1"],
    ["sa-east-1", "saea1"],
    ["me-central-1", "mece1"],
    ["il-central-1", "ilce1"],
    ["af-south-1", "afso1"],
    ["ca-west-1", "cawe1"],
    ["us-gov-west-1", "govwe1"],
    ["us-gov-east-1", "govea1"],
    ["cn-northwest-1", "cnnw1"],
    ["us-iso-east-1", "us-isoea1"],
    ["eusc-de-east-1", "eusc-deea1"],
    ["ap-southwest-9", "apsw9"],
    ["mx-upper-1", "mxupper1"],
    ["local", "local"],
    ["a-b", "a-b"],
  ];
  for (const [region, short] of table) assertEquals(shortRegion(region), short, region);
});

Deno.test("safe account names: runs of whitespace and brackets become -, edges trimmed", () => {
  assertEquals(safeAccountName("  My [Prod]  Account "), "My-Prod-Account");
  assertEquals(safeAccountName("a\t\n b"), "a-b");
  assertEquals(safeAccountName("--x--"), "x");
  assertEquals(safeAccountName("keep.these_chars/@+"), "keep.these_chars/@+");
});

Deno.test("case transforms behave as Python's str methods", () => {
  assertEquals(applyCase("hello WORLD-foo", "capitalize"), "Hello world-foo");
  assertEquals(applyCase("hello WORLD-foo", "title"), "Hello World-Foo");
  assertEquals(applyCase("a1b they're", "title"), "A1B They'Re");
  assertEquals(applyCase("Straße", "casefold"), "strasse");
  assertEquals(applyCase("Straße", "lower"), "straße");
  assertEquals(applyCase("Mixed", "upper"), "MIXED");
  assertEquals(applyCase("Mixed", undefined), "Mixed");
});

Deno.test("default format: the first region has no region component, others the short one", () => {
  const naming = profileNaming({}, noEnv);
  assertEquals(profileName(input(), naming), "Prod-Account.AdministratorAccess");
  assertEquals(
    profileName(input({ region: "eu-west-1", regionIndex: 1 }), naming),
    "Prod-Account.AdministratorAccess.euwe1",
  );
});

Deno.test("include-region always, long style, separators from flag and env", () => {
  const always = profileNaming({ includeRegion: "always", regionStyle: "long" }, noEnv);
  assertEquals(profileName(input(), always), "Prod-Account.AdministratorAccess.us-east-1");
  const env = (name: string) =>
    name === "AWS_CONFIGURE_SSO_DEFAULT_PROFILE_NAME_SEPARATOR" ? "_" : undefined;
  assertEquals(profileName(input(), profileNaming({}, env)), "Prod-Account_AdministratorAccess");
  assertEquals(
    profileName(input(), profileNaming({ separator: "-" }, env)),
    "Prod-Account-AdministratorAccess",
  );
});

Deno.test("components: ids, account_number, explicit regions and literal text", () => {
  const naming = profileNaming({
    components: "aws,account_number,role_name,region,short_region",
    separator: "-",
  }, noEnv);
  // Region components are dropped from the first region's name, literals stay.
  assertEquals(profileName(input(), naming), "aws-012345678901-AdministratorAccess");
  assertEquals(
    profileName(input({ region: "ap-northeast-1", regionIndex: 1 }), naming),
    "aws-012345678901-AdministratorAccess-ap-northeast-1-apne1",
  );
  const ids = profileNaming({ components: "account_id,role_name", includeRegion: "always" }, noEnv);
  assertEquals(profileName(input(), ids), "012345678901.AdministratorAccess");
  const braces = profileNaming({ components: "{x},role_name" }, noEnv);
  assertEquals(profileName(input(), braces), "{x}.AdministratorAccess");
});

Deno.test("case runs before the trims; trims apply every match, in order", () => {
  const naming = profileNaming({
    accountNameCase: "lower",
    roleNameCase: "upper",
    trimAccountName: ["^prod-", "count$"],
    trimRoleName: ["ACCESS$", "A"],
  }, noEnv);
  // lower: "prod-account" → trims: "account" → "ac"; upper role → "ADMINISTRATOR" → "DMINISTRTOR".
  assertEquals(profileName(input(), naming), "ac.DMINISTRTOR");
});

Deno.test("raw account names, empty names and SKIP", () => {
  const raw = profileNaming({ safeAccountNames: false }, noEnv);
  assertEquals(
    profileName(input({ accountName: "My [Acct]" }), raw),
    "My [Acct].AdministratorAccess",
  );
  const safe = profileNaming({}, noEnv);
  assertEquals(profileName(input({ accountName: "" }), safe), "012345678901.AdministratorAccess");
  const skip = profileNaming({ components: "SKIP" }, noEnv);
  assertEquals(profileName(input(), skip), undefined);
});

Deno.test("bad naming flags are ConfigErrors (exit 2) naming the flag", () => {
  const error = assertThrows(
    () => profileNaming({ trimAccountName: ["("] }, noEnv),
    ConfigError,
  ) as ConfigError;
  assertMatch(error.message, /--trim-account-name/);
  assertThrows(() => profileNaming({ includeRegion: "never" }, noEnv), ConfigError);
  assertThrows(() => profileNaming({ regionStyle: "tiny" }, noEnv), ConfigError);
  assertThrows(() => profileNaming({ roleNameCase: "snake" }, noEnv), ConfigError);
  assertThrows(() => profileNaming({ components: "," }, noEnv), ConfigError);
});

Deno.test("profileNameProblem refuses names a section header cannot carry", () => {
  // Blanks, quotes, #, ; and = are written quoted where botocore's shlex needs it.
  for (const good of ["a.b-c_d/e@f", "a b", "a'b", 'a"b', "a#b", "a;b", "a=b"]) {
    assertEquals(profileNameProblem(good), undefined, JSON.stringify(good));
  }
  for (const bad of ["", "default", "a[b", "a]b", "a\nb", "a\x1bb", " a"]) {
    assertEquals(typeof profileNameProblem(bad), "string", JSON.stringify(bad));
  }
});
