/**
 * The kinds of failure and the commands' exit-code tables (src/base/errors.ts): a failure carries
 * its kind, and the table of the command that runs gives its code.
 */
import { assertEquals } from "../assert.ts";
import {
  AccessError,
  AwsApiError,
  CliError,
  type CommandTable,
  ConfigError,
  describeFailure,
  EXIT_CODES,
  exitCodeOf,
  FAILURE_CODES,
  type FailureKind,
  InstanceError,
  LoginError,
  LoginRequiredError,
} from "../../src/base/errors.ts";

const TABLES = Object.keys(FAILURE_CODES) as CommandTable[];

Deno.test("exitCodeOf() gives each command's own code for one kind of failure", () => {
  const unknownProfile = new InstanceError("Profile x was not found.", "unknownProfile");
  assertEquals(exitCodeOf(unknownProfile, FAILURE_CODES.credentialProcess), 2);
  assertEquals(exitCodeOf(unknownProfile, FAILURE_CODES.login), 1);
  assertEquals(exitCodeOf(unknownProfile, FAILURE_CODES.check), 102);
  const loginRequired = new LoginRequiredError("Log in.");
  assertEquals(exitCodeOf(loginRequired, FAILURE_CODES.credentialProcess), 1);
  assertEquals(exitCodeOf(loginRequired, FAILURE_CODES.check), 201);
  const expired = new LoginError("The window expired.", "loginExpired");
  assertEquals(exitCodeOf(expired, FAILURE_CODES.login), EXIT_CODES.login.expired);
  assertEquals(exitCodeOf(expired, FAILURE_CODES.configure), 2);
  const denied = new LoginError("Denied.", "loginDenied");
  assertEquals(exitCodeOf(denied, FAILURE_CODES.credentialProcess), 3);
  assertEquals(exitCodeOf(denied, FAILURE_CODES.login), 3);
  const noInstance = new InstanceError("No instance.", "noInstance");
  assertEquals(exitCodeOf(noInstance, FAILURE_CODES.roles), 1);
  assertEquals(exitCodeOf(noInstance, FAILURE_CODES.configure), 2);
  assertEquals(exitCodeOf(noInstance, FAILURE_CODES.console), 2);
  assertEquals(exitCodeOf(noInstance, FAILURE_CODES.check), 101);
  const role = new AccessError("Role R is in no account.", "roleInNoAccount");
  assertEquals(exitCodeOf(role, FAILURE_CODES.check), 203);
});

Deno.test("exitCodeOf() gives a kind a command does not list its unexpected code", () => {
  const cancelled = new CliError("Cancelled.", "cancelled");
  assertEquals(exitCodeOf(cancelled, FAILURE_CODES.configure), 130);
  assertEquals(exitCodeOf(cancelled, FAILURE_CODES.status), FAILURE_CODES.status.unexpected);
  assertEquals(exitCodeOf(new AwsApiError("x"), FAILURE_CODES.login), EXIT_CODES.login.other);
});

Deno.test("every table makes usage errors and bad settings exit 2, whatever else it maps", () => {
  for (const table of TABLES) {
    const codes = FAILURE_CODES[table];
    assertEquals(exitCodeOf(new ConfigError("Bad.", "usage"), codes), 2, table);
    assertEquals(exitCodeOf(new ConfigError("Bad."), codes), 2, table);
    const kinds = Object.keys(codes) as FailureKind[];
    for (const kind of kinds) {
      const code = codes[kind]!;
      assertEquals(Number.isInteger(code) && code > 0 && code < 256, true, `${table} ${kind}`);
    }
  }
});

Deno.test("describeFailure() reports the sentence with the code of the table it is given", () => {
  const error = new InstanceError("Several SSO instances are configured.", "ambiguous");
  assertEquals(describeFailure(error, FAILURE_CODES.check), {
    message: "Several SSO instances are configured.",
    exitCode: 103,
  });
  assertEquals(describeFailure(error, FAILURE_CODES.login).exitCode, 1);
  assertEquals(describeFailure(new Error("boom"), FAILURE_CODES.login).exitCode, 4);
  assertEquals(describeFailure(new Error("boom")).exitCode, 5);
});
