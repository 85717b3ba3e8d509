import { assertEquals, assertThrows } from "../assert.ts";
import { ConfigError, exitCodeOf, FAILURE_CODES } from "../../src/base/errors.ts";
import {
  type ConsoleConfig,
  decodeConfigToken,
  encodeConfigToken,
} from "../../src/console/config_token.ts";

// Made by the Python aws-sso-util's encoding (json.dumps(ensure_ascii=True, separators=(",", ":"))
// then base64.urlsafe_b64encode) for the settings below.
const PYTHON_FULL =
  "eyJ2IjoiMSIsInNzb3VybCI6Imh0dHBzOi8vZXhhbXBsZS5hd3NhcHBzLmNvbS9zdGFydCIsInNzb3JlZyI6InVzLWVhc3QtMSIsInVybCI6Imh0dHBzOi8vdXMtd2VzdC0yLnNpZ25pbi5hd3MuYW1hem9uLmNvbS9mZWRlcmF0aW9uIiwiZHN0IjoiaHR0cHM6Ly91cy13ZXN0LTIuY29uc29sZS5hd3MuYW1hem9uLmNvbS9lYzIvaG9tZT9yZWdpb249dXMtd2VzdC0yIiwiYWNjIjoiMTIzNDU2Nzg5MDEyIiwicm9sIjoiTXlSb2xlIiwicmVnIjoidXMtd2VzdC0yIiwiZHVyIjo2MH0=";
const FULL: ConsoleConfig = {
  startUrl: "https://example.awsapps.com/start",
  ssoRegion: "us-east-1",
  federationUrl: "https://us-west-2.signin.aws.amazon.com/federation",
  destination: "https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2",
  accountId: "123456789012",
  roleName: "MyRole",
  region: "us-west-2",
  durationMinutes: 60,
};
const PYTHON_UNICODE =
  "eyJ2IjoiMSIsInNzb3VybCI6Imh0dHBzOi8vZC0xMjMuYXdzYXBwcy5jb20vc3RhcnQjXHUwMGU5Iiwic3NvcmVnIjoiZXUtd2VzdC0xIiwidXJsIjoiaHR0cHM6Ly9zaWduaW4uYXdzLmFtYXpvbi5jb20vZmVkZXJhdGlvbiIsImRzdCI6Imh0dHBzOi8vY29uc29sZS5hd3MuYW1hem9uLmNvbS8iLCJpc3MiOiJodHRwczovL2ludHJhbmV0LmV4YW1wbGUvXHUwMGZjIn0=";
const UNICODE: ConsoleConfig = {
  startUrl: "https://d-123.awsapps.com/start#é",
  ssoRegion: "eu-west-1",
  federationUrl: "https://signin.aws.amazon.com/federation",
  destination: "https://console.aws.amazon.com/",
  issuer: "https://intranet.example/ü",
};
const PYTHON_PADDED =
  "eyJ2IjoiMSIsInNzb3VybCI6Imh0dHBzOi8vZXhhbXBsZS5hd3NhcHBzLmNvbS9zdGFydCIsInNzb3JlZyI6InVzLWVhc3QtMSIsInVybCI6Imh0dHBzOi8vc2lnbmluLmF3cy5hbWF6b24uY29tL2ZlZGVyYXRpb24iLCJkc3QiOiJodHRwczovL2NvbnNvbGUuYXdzLmFtYXpvbi5jb20vP3g9MT4ifQ==";

const b64 = (json: unknown) => btoa(JSON.stringify(json)).replace(/\+/g, "-").replace(/\//g, "_");

Deno.test("config tokens are byte-for-byte those of the Python tool", () => {
  assertEquals(encodeConfigToken(FULL), PYTHON_FULL);
  assertEquals(encodeConfigToken(UNICODE), PYTHON_UNICODE);
});

Deno.test("Python's tokens decode to their settings, and ours round-trip", () => {
  assertEquals(decodeConfigToken(PYTHON_FULL), { config: FULL, unknownKeys: [] });
  assertEquals(decodeConfigToken(PYTHON_UNICODE), { config: UNICODE, unknownKeys: [] });
  assertEquals(
    decodeConfigToken(PYTHON_PADDED).config.destination,
    "https://console.aws.amazon.com/?x=1>",
  );
  // Without padding, and with surrounding blanks (a pasted token).
  assertEquals(
    decodeConfigToken(` ${PYTHON_PADDED.replace(/=+$/, "")}\n`).config.ssoRegion,
    "us-east-1",
  );
  const minimal: ConsoleConfig = {
    startUrl: "https://x.awsapps.com/start",
    ssoRegion: "cn-north-1",
    federationUrl: "https://signin.amazonaws.cn/federation",
    destination: "https://console.amazonaws.cn/",
  };
  assertEquals(decodeConfigToken(encodeConfigToken(minimal)).config, minimal);
});

Deno.test("older long keys are read; unknown keys are reported, not fatal", () => {
  const token = b64({
    version: "1",
    sso_start_url: "https://x.awsapps.com/start",
    sso_region: "us-east-2",
    federation_endpoint: "https://signin.aws.amazon.com/federation",
    destination: "https://console.aws.amazon.com/",
    account_id: "111122223333",
    role_name: "Admin",
    duration: "90",
    colour: "blue",
  });
  const { config, unknownKeys } = decodeConfigToken(token);
  assertEquals(config.accountId, "111122223333");
  assertEquals(config.roleName, "Admin");
  assertEquals(config.durationMinutes, "90" as unknown as number);
  assertEquals(unknownKeys, ["colour"]);
});

Deno.test("a bad config token is one sentence, exit 2", () => {
  const cases: [string, string][] = [
    ["", "it is empty"],
    ["not base64!", "it is not base64 text"],
    [btoa("\xff\xfe"), "it is not base64 of UTF-8 text"],
    [btoa("{nope"), "it does not hold JSON"],
    [btoa("[1]"), "it does not hold a JSON object"],
    [b64({ ssourl: "x" }), "it has no version"],
    [b64({ v: "2" }), "its version 2 is not 1"],
    [b64({ v: "1", acc: 5 }), "its acc is not a string"],
  ];
  for (const [token, why] of cases) {
    const error = assertThrows(() => decodeConfigToken(token), ConfigError, why);
    assertEquals(exitCodeOf(error, FAILURE_CODES.console), 2);
    assertEquals(error.message.startsWith("The config token is not valid: "), true);
  }
});
