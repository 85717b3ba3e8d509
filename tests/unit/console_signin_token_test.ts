import { assertEquals, assertRejects, assertThrows } from "../assert.ts";
import {
  AwsApiError,
  ConfigError,
  EXIT_CODES,
  exitCodeOf,
  FAILURE_CODES,
} from "../../src/base/errors.ts";
import {
  getSigninToken,
  parseDuration,
  parseSigninTokenResponse,
  signinTokenRequest,
} from "../../src/console/signin_token.ts";
import { DebugLog } from "../../src/base/debug_log.ts";
import { NetworkFailure } from "../../src/net/http_client.ts";
import { withRuntime } from "../../src/base/runtime.ts";
import { systemRuntime } from "../../src/system_runtime.ts";

const CREDS = { accessKeyId: "ASIAKEY", secretAccessKey: "s3cr/et+", sessionToken: "tok=en" };

Deno.test("duration: whole minutes from 15 to 720, else one sentence naming the source", () => {
  assertEquals(parseDuration("15", "--duration"), 15);
  assertEquals(parseDuration(720, "the token's duration"), 720);
  for (const bad of ["14", "721", "60.5", "1e2", "-30", "", "sixty"]) {
    const error = assertThrows(() => parseDuration(bad, "--duration"), ConfigError);
    assertEquals(exitCodeOf(error, FAILURE_CODES.console), 2);
    assertEquals(
      error.message.startsWith("--duration must be a whole number of minutes from 15 to 720"),
      true,
    );
  }
});

Deno.test("getSigninToken request: POST form with the session JSON and SessionDuration in seconds", () => {
  const request = signinTokenRequest("https://signin.aws.amazon.com/federation", CREDS, 60);
  assertEquals(request.method, "POST");
  assertEquals(request.url, "https://signin.aws.amazon.com/federation");
  const form = new URLSearchParams(request.body);
  assertEquals(form.get("Action"), "getSigninToken");
  assertEquals(form.get("SessionDuration"), "3600");
  assertEquals(JSON.parse(form.get("Session")!), {
    sessionId: "ASIAKEY",
    sessionKey: "s3cr/et+",
    sessionToken: "tok=en",
  });
  const noDuration = new URLSearchParams(
    signinTokenRequest("https://x/federation", CREDS).body,
  );
  assertEquals(noDuration.has("SessionDuration"), false);
});

Deno.test("getSigninToken answers: 200 with a token; anything else is one sentence, exit 4", () => {
  assertEquals(parseSigninTokenResponse(200, '{"SigninToken":"abc-_123"}', "h"), "abc-_123");
  const cases: [number, string, string][] = [
    [400, "Bad", "refused the sign-in token request with HTTP 400"],
    [500, "", "refused the sign-in token request with HTTP 500"],
    [200, "<html>", "answered without a valid sign-in token"],
    [200, "[]", "answered without a valid sign-in token"],
    [200, '{"SigninToken":42}', "answered without a valid sign-in token"],
    [200, '{"SigninToken":"a b"}', "answered without a valid sign-in token"],
  ];
  for (const [status, body, text] of cases) {
    const error = assertThrows(
      () => parseSigninTokenResponse(status, body, "signin.aws.amazon.com"),
      AwsApiError,
      text,
    );
    assertEquals(exitCodeOf(error, FAILURE_CODES.console), EXIT_CODES.console.awsApi);
    assertEquals(error.message.split(". ").length, 1, error.message);
  }
});

Deno.test("getSigninToken goes through the runtime's transport; a network failure is exit 4", async () => {
  const sent: string[] = [];
  const rt = withRuntime(systemRuntime(), {
    http: (request) => {
      sent.push(request.body ?? "");
      return Promise.resolve({
        status: 200,
        headers: new Headers(),
        body: '{"SigninToken":"T0K"}',
      });
    },
  });
  const log = new DebugLog(true);
  const token = await getSigninToken(rt, {
    federationUrl: "https://signin.aws.amazon.com/federation",
    credentials: CREDS,
    durationMinutes: 30,
    log,
  });
  assertEquals(token, "T0K");
  assertEquals(new URLSearchParams(sent[0]).get("SessionDuration"), "1800");
  assertEquals(log.lines.some((l) => l.includes("s3cr") || l.includes("T0K")), false);

  const down = withRuntime(systemRuntime(), {
    http: () => Promise.reject(new NetworkFailure("refused", "connection refused", "h")),
  });
  await assertRejects(
    () =>
      getSigninToken(down, {
        federationUrl: "https://signin.aws.amazon.com/federation",
        credentials: CREDS,
        log,
      }),
    AwsApiError,
    "Could not reach the AWS sign-in endpoint signin.aws.amazon.com: connection refused.",
  );
});
