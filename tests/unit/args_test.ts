/** Unit tests of the tiny flag parser used by credential-process, and of "did you mean". */
import { formatHelp, type OptionSpec, parseOptions } from "../../src/ui/args.ts";
import { ConfigError } from "../../src/base/errors.ts";
import { didYouMean, editDistance, similarNames } from "../../src/base/did_you_mean.ts";
import { assertEquals, assertThrows } from "../assert.ts";

const SPECS: OptionSpec[] = [
  { names: ["--profile", "-p"], key: "profile", value: "NAME", description: "the AWS profile" },
  {
    names: ["--sso-start-url", "--start-url"],
    key: "ssoStartUrl",
    value: "URL",
    description: "the SSO start URL",
  },
  { names: ["--account-id"], key: "accountId", value: "ID", description: "the account id" },
  { names: ["--debug", "-d"], key: "debug", description: "write a debug log" },
];

function assertConfigError(argv: string[], message: string): void {
  const error = assertThrows(() => parseOptions(argv, SPECS), ConfigError);
  assertEquals(error.message, message);
  assertEquals(error.kind, "usage");
}

Deno.test("parseOptions() returns an empty result for no arguments", () => {
  assertEquals(parseOptions([], SPECS), {});
});

Deno.test("parseOptions() reads --name value and --name=value", () => {
  assertEquals(parseOptions(["--profile", "dev", "--account-id=012345678901"], SPECS), {
    profile: "dev",
    accountId: "012345678901",
  });
});

Deno.test("parseOptions() keeps everything after the first = as the value", () => {
  assertEquals(
    parseOptions(["--sso-start-url=https://x.awsapps.com/start?a=b"], SPECS),
    { ssoStartUrl: "https://x.awsapps.com/start?a=b" },
  );
  assertEquals(parseOptions(["--profile="], SPECS), { profile: "" }, "an explicit empty value");
});

Deno.test("parseOptions() maps aliases and short names to the same key", () => {
  assertEquals(parseOptions(["-p", "a"], SPECS), { profile: "a" });
  assertEquals(parseOptions(["--start-url", "https://u"], SPECS), { ssoStartUrl: "https://u" });
  assertEquals(parseOptions(["-d"], SPECS), { debug: true });
});

Deno.test("parseOptions() sets boolean flags to true and lets a repeated option win last", () => {
  assertEquals(parseOptions(["--debug", "--profile", "a", "--profile", "b"], SPECS), {
    debug: true,
    profile: "b",
  });
});

Deno.test("parseOptions() rejects an unknown option with commander's usage sentence", () => {
  assertConfigError(
    ["--nope"],
    "Unknown option '--nope'; run `aws-sso-util credential-process --help` for usage.",
  );
  assertConfigError(
    ["--profile", "a", "--nope=1"],
    "Unknown option '--nope=1'; run `aws-sso-util credential-process --help` for usage.",
  );
  assertConfigError(
    ["-x"],
    "Unknown option '-x'; run `aws-sso-util credential-process --help` for usage.",
  );
  assertConfigError(
    ["--Profile", "a"],
    "Unknown option '--Profile'; run `aws-sso-util credential-process --help` for usage.",
  );
});

Deno.test("parseOptions() rejects a positional argument", () => {
  assertConfigError(
    ["stray"],
    "Too many arguments for 'credential-process'. Expected 0 arguments but got 1: stray; run `aws-sso-util credential-process --help` for usage.",
  );
  assertConfigError(
    ["--debug", "extra", "more"],
    "Too many arguments for 'credential-process'. Expected 0 arguments but got 2: extra, more; run `aws-sso-util credential-process --help` for usage.",
  );
});

Deno.test("parseOptions() rejects an option whose value is missing", () => {
  assertConfigError(
    ["--profile"],
    "Option '--profile <NAME>' argument missing; run `aws-sso-util credential-process --help` for usage.",
  );
  assertConfigError(
    ["-p"],
    "Option '-p <NAME>' argument missing; run `aws-sso-util credential-process --help` for usage.",
  );
});

Deno.test("parseOptions() rejects a value that looks like a long flag", () => {
  assertConfigError(
    ["--profile", "--debug"],
    "Option '--profile <NAME>' argument missing; run `aws-sso-util credential-process --help` for usage.",
  );
  assertConfigError(
    ["--account-id", "--profile", "x"],
    "Option '--account-id <ID>' argument missing; run `aws-sso-util credential-process --help` for usage.",
  );
});

Deno.test("parseOptions() accepts values that start with a single dash or follow =", () => {
  assertEquals(parseOptions(["--profile", "-dev"], SPECS), { profile: "-dev" });
  assertEquals(parseOptions(["--profile=--weird"], SPECS), { profile: "--weird" });
});

Deno.test("parseOptions() rejects a value given to a boolean flag", () => {
  assertConfigError(
    ["--debug=true"],
    "Unknown option '--debug=true' (did you mean --debug?); run `aws-sso-util credential-process --help` for usage.",
  );
});

Deno.test("formatHelp() prints commander's layout: short name first, aliases, --help, examples", () => {
  assertEquals(
    formatHelp(
      "aws-sso-util credential-process [options]",
      "Prints credentials.",
      SPECS,
      ["aws-sso-util credential-process --profile dev"],
    ),
    [
      "Usage: aws-sso-util credential-process [options]",
      "",
      "Prints credentials.",
      "",
      "Options:",
      "  -p, --profile <NAME>   the AWS profile",
      "  --sso-start-url <URL>  the SSO start URL (alias --start-url)",
      "  --account-id <ID>      the account id",
      "  -d, --debug            write a debug log",
      "  -h, --help             show this help",
      "",
      "Examples:",
      "  aws-sso-util credential-process --profile dev",
      "",
    ].join("\n"),
  );
});

Deno.test("formatHelp() wraps long descriptions under their column, as commander does", () => {
  const help = formatHelp("cmd", "s", [{
    names: ["-x"],
    key: "x",
    description: "a description long enough to need a second line when the terminal is eighty wide",
  }]);
  assertEquals(help.split("\n").slice(5), [
    "  -x          a description long enough to need a second line when the terminal",
    "              is eighty wide",
    "  -h, --help  show this help",
    "",
  ]);
});

Deno.test("similarNames and didYouMean suggest close names only, the closest first", () => {
  const names = ["dev", "dev-admin", "prod", "Staging", "sandbox"];
  assertEquals(similarNames("dve", names), ["dev"]);
  assertEquals(similarNames("staging", names), ["Staging"]);
  assertEquals(similarNames("prd", names), ["prod"]);
  assertEquals(similarNames("x", names), []);
  assertEquals(similarNames("completely-else", names), []);
  assertEquals(editDistance("abcd", "acbd"), 1);
  assertEquals(didYouMean("dev-admn", names), " (did you mean dev-admin?)");
  assertEquals(didYouMean("devv", ["dev", "deva"]), " (did you mean dev or deva?)");
  assertEquals(didYouMean("zzz", names), "");
});
