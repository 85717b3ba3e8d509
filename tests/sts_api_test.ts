/**
 * STS AssumeRole (src/sts/sts_api.ts) against the AWS SDK for JavaScript v3 and the fake STS: the
 * request goes on the wire as the SDK sends it (body, content type, signed headers), its SigV4
 * signature is the SDK's signer's for the same request and clock, errors are named as the SDK
 * names them, and the fake's signature check, retries and failures behave as STS's. The SDK
 * packages are test-only.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import { FakeSts } from "./fake/sts.ts";
import { endpointAt, REPO_DIR, testRuntime } from "./helpers.ts";
import { NO_OPENSSL, skipNotice, tlsFixture } from "./tls_fixture.ts";
import { resolveEndpoint } from "../src/config/endpoints.ts";
import { AwsApiError } from "../src/base/errors.ts";
import { assumeRole, type AssumeRoleInput } from "../src/sts/sts_api.ts";
import type { HttpRequest, HttpResponse } from "../src/base/runtime.ts";

const ROLE = "arn:aws:iam::222222222222:role/Deploy";
const NOW = Date.UTC(2030, 4, 6, 7, 8, 9);
const CREDENTIALS = {
  accessKeyId: "ASIASOURCEEXAMPLE",
  secretAccessKey: "source/secret+key",
  sessionToken: "source-session-token//=",
};

async function sdk() {
  const [sts, { SignatureV4 }] = await Promise.all([
    import("npm:@aws-sdk/client-sts@3.1178.0"),
    import("npm:@smithy/signature-v4@5.7.5"),
  ]);
  return { sts, SignatureV4 };
}

const SUCCESS_XML = (expiration: string) =>
  `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><AssumedRoleUser><AssumedRoleId>AROAX:s</AssumedRoleId><Arn>arn:aws:sts::222222222222:assumed-role/Deploy/s</Arn></AssumedRoleUser><Credentials><AccessKeyId>ASIANEW</AccessKeyId><SecretAccessKey>new-secret</SecretAccessKey><SessionToken>new-token</SessionToken><Expiration>${expiration}</Expiration></Credentials><PackedPolicySize>7</PackedPolicySize></AssumeRoleResult><ResponseMetadata><RequestId>req-42</RequestId></ResponseMetadata></AssumeRoleResponse>`;

/** A server answering every request with `next` and recording what it got. */
function captureServer() {
  const requests: { method: string; headers: Record<string, string>; body: string }[] = [];
  const state = {
    next: { status: 200, body: SUCCESS_XML("2099-01-01T00:00:00Z") } as {
      status: number;
      body: string;
      headers?: Record<string, string>;
    },
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    requests.push({
      method: req.method,
      headers: Object.fromEntries(req.headers),
      body: await req.text(),
    });
    return new Response(state.next.body, {
      status: state.next.status,
      headers: { "content-type": "text/xml", ...state.next.headers },
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    state,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** A transport recording our request and answering with `answer`. */
function recordingTransport(answer: () => Partial<HttpResponse>) {
  const sent: HttpRequest[] = [];
  const http = (request: HttpRequest) => {
    sent.push(request);
    return Promise.resolve({
      status: 200,
      headers: new Headers({ "content-type": "text/xml", "x-amzn-requestid": "req-42" }),
      body: SUCCESS_XML("2099-01-01T00:00:00Z"),
      ...answer(),
    });
  };
  return { sent, http };
}

function signedHeaderNames(authorization: string): string[] {
  return /SignedHeaders=([^,]+)/.exec(authorization)![1].split(";");
}

const CASES: {
  region: string;
  credentials: typeof CREDENTIALS | Omit<typeof CREDENTIALS, "sessionToken">;
  input: AssumeRoleInput;
}[] = [
  { region: "eu-west-1", credentials: CREDENTIALS, input: { roleArn: ROLE, roleSessionName: "s" } },
  {
    region: "us-gov-west-1",
    credentials: { accessKeyId: "AKIASTATIC", secretAccessKey: "static" },
    input: {
      roleArn: "arn:aws-us-gov:iam::222222222222:role/path/Deploy",
      roleSessionName: "alice@example.com",
      durationSeconds: 900,
      externalId: "a b:c/d=e+f,g@h!'()*",
      serialNumber: "arn:aws-us-gov:iam::111111111111:mfa/alice",
      tokenCode: "123456",
    },
  },
];

Deno.test("AssumeRole goes on the wire as the JS SDK v3 sends it, signed as the SDK's own signer signs it for the same inputs and clock", async () => {
  const { sts, SignatureV4 } = await sdk();
  await using server = captureServer();
  for (const { region, credentials, input } of CASES) {
    const client = new sts.STSClient({
      region,
      endpoint: server.url,
      maxAttempts: 1,
      credentials,
    });
    try {
      await client.send(
        new sts.AssumeRoleCommand({
          RoleArn: input.roleArn,
          RoleSessionName: input.roleSessionName,
          DurationSeconds: input.durationSeconds,
          ExternalId: input.externalId,
          SerialNumber: input.serialNumber,
          TokenCode: input.tokenCode,
        }),
      );
      const theirs = server.requests.at(-1)!;
      const { sent, http } = recordingTransport(() => ({}));
      const rt = testRuntime({}, { http, now: () => NOW });
      const endpoint = resolveEndpoint(
        "sts",
        region,
        (n) => n === "AWS_ENDPOINT_URL_STS" ? server.url : undefined,
      );
      const result = await assumeRole({ rt, endpoint, deadline: NOW + 10_000 }, credentials, input);
      assertEquals(result.credentials.accessKeyId, "ASIANEW");
      const ours = sent.at(-1)!;
      const label = `${region} ${input.roleArn}`;
      // The same body, content type, payload hash and session token.
      assertEquals(ours.body, theirs.body, label);
      for (
        const name of [
          "content-type",
          "content-length",
          "x-amz-content-sha256",
          "x-amz-security-token",
        ]
      ) {
        assertEquals(ours.headers[name], theirs.headers[name], `${label}: ${name}`);
      }
      // The same signed headers, but the SDK's own x-amz-user-agent.
      assertEquals(
        signedHeaderNames(ours.headers["authorization"]),
        signedHeaderNames(theirs.headers["authorization"]).filter((h) => h !== "x-amz-user-agent"),
        label,
      );
      assertEquals(ours.headers["x-amz-date"], "20300506T070809Z");
      // The SDK's signer on our request at our clock gives our signature.
      const url = new URL(ours.url);
      const { authorization: _, ...unsigned } = ours.headers;
      const signer = new SignatureV4({
        service: "sts",
        region,
        credentials,
        sha256: client.config.sha256,
      });
      const signed = await signer.sign({
        method: ours.method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: {},
        headers: { ...unsigned, host: url.host },
        body: ours.body,
      }, { signingDate: new Date(NOW) });
      assertEquals(ours.headers["authorization"], signed.headers["authorization"], label);
      assertMatch(
        ours.headers["authorization"],
        new RegExp(
          `^AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20300506/${region}/sts/aws4_request, `,
        ),
      );
    } finally {
      client.destroy();
    }
  }
});

Deno.test("AssumeRole's answer: credentials, the role's account, the assumed role, what botocore caches", async () => {
  const { http } = recordingTransport(() => ({}));
  const rt = testRuntime({}, { http });
  const result = await assumeRole(
    {
      rt,
      endpoint: endpointAt("https://sts.example.test", {}, "sts"),
      deadline: rt.now() + 10_000,
    },
    CREDENTIALS,
    { roleArn: ROLE, roleSessionName: "s" },
  );
  assertEquals(result, {
    credentials: {
      accessKeyId: "ASIANEW",
      secretAccessKey: "new-secret",
      sessionToken: "new-token",
      expiration: Date.UTC(2099, 0, 1),
      accountId: "222222222222",
    },
    assumedRoleUser: {
      assumedRoleId: "AROAX:s",
      arn: "arn:aws:sts::222222222222:assumed-role/Deploy/s",
    },
    packedPolicySize: 7,
    sourceIdentity: undefined,
    requestId: "req-42",
    httpHeaders: { "x-amzn-requestid": "req-42", "content-type": "text/xml" },
  });
});

Deno.test("a malformed or out-of-range answer is one sentence, and damaged credentials are never sent", async () => {
  const bodies: [string, string][] = [
    [
      "<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>",
      "AssumeRole returned incomplete credentials.",
    ],
    ["not xml", "AssumeRole got a malformed response from sts.example.test."],
    [
      SUCCESS_XML("2001-01-01T00:00:00Z"),
      "AssumeRole returned an invalid credential expiration time; try again later.",
    ],
    [SUCCESS_XML("tomorrow"), "AssumeRole returned incomplete credentials."],
    [
      SUCCESS_XML("2099-01-01T00:00:00Z").replace("new-token", "new&#10;token"),
      "AssumeRole returned credentials that cannot be sent in a header; try again later.",
    ],
  ];
  for (const [body, message] of bodies) {
    const { http } = recordingTransport(() => ({ body }));
    const rt = testRuntime({}, { http });
    const error = await assertRejects(
      () =>
        assumeRole(
          {
            rt,
            endpoint: endpointAt("https://sts.example.test", { AWS_MAX_ATTEMPTS: "1" }, "sts"),
            deadline: rt.now() + 10_000,
          },
          CREDENTIALS,
          { roleArn: ROLE, roleSessionName: "s" },
        ),
      AwsApiError,
    );
    assertEquals([error.errorCode, error.message], ["InvalidResponse", message]);
  }
  const { sent, http } = recordingTransport(() => ({}));
  const rt = testRuntime({}, { http });
  const error = await assertRejects(
    () =>
      assumeRole(
        {
          rt,
          endpoint: endpointAt("https://sts.example.test", {}, "sts"),
          deadline: rt.now() + 10_000,
        },
        { ...CREDENTIALS, sessionToken: "token\nwith a line break" },
        { roleArn: ROLE, roleSessionName: "s" },
      ),
    AwsApiError,
  );
  assertEquals(error.errorCode, "InvalidClientTokenId");
  assertEquals(sent.length, 0);
});

/** Recorded STS error answers: what the SDK and we must name alike. */
const ERRORS: Record<string, { status: number; body: string }> = {
  "access-denied": {
    status: 403,
    body:
      `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::1:user/x is not authorized to perform: sts:AssumeRole on resource: ${ROLE}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
  },
  "expired": {
    status: 400,
    body:
      "<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>r</RequestId></ErrorResponse>",
  },
  "region-disabled": {
    status: 403,
    body:
      "<ErrorResponse><Error><Type>Sender</Type><Code>RegionDisabledException</Code><Message>STS is not activated in this region for account:1.</Message></Error></ErrorResponse>",
  },
  "ec2-style": {
    status: 400,
    body:
      "<Response><Errors><Error><Code>InvalidParameterValue</Code><Message>bad value</Message></Error></Errors><RequestID>r</RequestID></Response>",
  },
  "html-502": { status: 502, body: "<html><body>Proxy says no</body></html>" },
  "empty-500": { status: 500, body: "" },
  "empty-404": { status: 404, body: "" },
};

Deno.test("errors: our query parser names every recorded STS answer as the SDK does, with its message", async () => {
  const { sts } = await sdk();
  await using server = captureServer();
  const client = new sts.STSClient({
    region: "us-east-1",
    endpoint: server.url,
    maxAttempts: 1,
    credentials: CREDENTIALS,
  });
  try {
    for (const [name, answer] of Object.entries(ERRORS)) {
      server.state.next = answer;
      const theirs = await assertRejects(() =>
        client.send(new sts.AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: "s" }))
      ) as Error;
      const rt = testRuntime({});
      const ours = await assertRejects(
        () =>
          assumeRole(
            {
              rt,
              endpoint: endpointAt(server.url, { AWS_MAX_ATTEMPTS: "1" }, "sts"),
              deadline: rt.now() + 10_000,
            },
            CREDENTIALS,
            { roleArn: ROLE, roleSessionName: "s" },
          ),
        AwsApiError,
      );
      // Where the SDK finds no name, we name the HTTP status.
      const expected = theirs.name === "Unknown" || theirs.name === "Error" ||
          theirs.name === "SyntaxError"
        ? `HTTP${answer.status}`
        : theirs.name;
      assertEquals(ours.errorCode, expected, name);
      if (theirs.message && theirs.message !== "Unknown" && theirs.name !== "SyntaxError") {
        assertEquals(ours.serviceMessage, theirs.message.replace(/[.\s]+$/, ""), name);
        assertMatch(ours.message, new RegExp(`\\(HTTP ${answer.status}\\): `), name);
      }
      assertEquals(ours.message.split("\n").length, 1, name);
    }
  } finally {
    client.destroy();
  }
});

Deno.test("the fake STS checks signatures as STS does: a wrong secret, an unknown key, a wrong token or scope, an expired key", async () => {
  await using sts = await FakeSts.start({ region: "eu-west-1" });
  const user = sts.addUser("alice");
  const rt = testRuntime({});
  const call = (
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
    region = "eu-west-1",
  ) =>
    assumeRole(
      {
        rt,
        endpoint: resolveEndpoint("sts", region, (n) =>
          n === "AWS_ENDPOINT_URL_STS" ? sts.url : undefined),
        deadline: rt.now() + 10_000,
      },
      credentials,
      { roleArn: ROLE, roleSessionName: "session-1" },
    ).then(() =>
      "OK", (e: AwsApiError) =>
      e.errorCode);
  assertEquals(await call(user), "OK");
  assertEquals(await call({ ...user, secretAccessKey: "wrong" }), "SignatureDoesNotMatch");
  assertEquals(await call({ ...user, accessKeyId: "AKIAUNKNOWN" }), "InvalidClientTokenId");
  assertEquals(await call({ ...user, sessionToken: "stray" }), "InvalidClientTokenId");
  assertEquals(await call(user, "us-east-1"), "SignatureDoesNotMatch");
  // The credentials it issued sign the next hop; once expired they are refused as such.
  const issued = sts.issued[0];
  assertEquals(await call(issued), "OK");
  assertEquals(await call({ ...issued, sessionToken: "other" }), "InvalidClientTokenId");
  sts.expire(issued.accessKeyId);
  assertEquals(await call(issued), "ExpiredToken");
  assertEquals(sts.requests.map((r) => r.outcome), [
    "OK",
    "SignatureDoesNotMatch",
    "InvalidClientTokenId",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "OK",
    "InvalidClientTokenId",
    "ExpiredToken",
  ]);
  // Refused signatures are client errors: never retried.
  assertEquals(sts.requests.length, 8);
});

Deno.test("AssumeRole retries throttling and dropped connections as every AWS call does, with one invocation id", async () => {
  await using sts = await FakeSts.start();
  const user = sts.addUser("alice");
  sts.failNext({ errorType: "Throttling", times: 2 });
  sts.closeConnectionNext(1);
  const rt = testRuntime({});
  const endpoint = endpointAt(
    sts.url,
    { AWS_RETRY_MODE: "standard", AWS_MAX_ATTEMPTS: "5" },
    "sts",
  );
  const result = await assumeRole({ rt, endpoint, deadline: rt.now() + 20_000 }, user, {
    roleArn: ROLE,
    roleSessionName: "session-1",
  });
  assertEquals(result.credentials.accountId, "222222222222");
  assertEquals(sts.requests.map((r) => r.outcome), ["dropped", "Throttling", "Throttling", "OK"]);
  const ids = new Set(sts.requests.map((r) => r.headers["amz-sdk-invocation-id"]));
  assertEquals(ids.size, 1);
  assertEquals(sts.requests.at(-1)!.headers["amz-sdk-request"], `attempt=4; max=5`);
  // A client error is final at once.
  sts.failNext({ errorType: "AccessDenied", message: "User: x is not authorized" });
  const before = sts.requests.length;
  const denied = await assertRejects(
    () =>
      assumeRole({ rt, endpoint, deadline: rt.now() + 20_000 }, user, {
        roleArn: ROLE,
        roleSessionName: "session-1",
      }),
    AwsApiError,
  );
  assertEquals(
    denied.message,
    "AssumeRole failed with AccessDenied (HTTP 403): User: x is not authorized.",
  );
  assertEquals(sts.requests.length, before + 1);
});

Deno.test("AssumeRole over HTTPS trusts AWS_CA_BUNDLE as every AWS call does, and says so when it cannot trust the server", async () => {
  if (NO_OPENSSL) {
    skipNotice("sts_api_test", "the HTTPS test", NO_OPENSSL);
    return;
  }
  const tls = await tlsFixture();
  await using sts = await FakeSts.start({}, { cert: tls.cert, key: tls.key });
  assert(sts.url.startsWith("https://127.0.0.1:"));
  const user = sts.addUser("alice");
  const rt = testRuntime({});
  const call = (env: Record<string, string>) =>
    assumeRole(
      {
        rt,
        endpoint: endpointAt(sts.url, { AWS_MAX_ATTEMPTS: "1", ...env }, "sts"),
        deadline: rt.now() + 10_000,
      },
      user,
      { roleArn: ROLE, roleSessionName: "session-1" },
    );
  assertEquals((await call({ AWS_CA_BUNDLE: tls.bundle })).credentials.accountId, "222222222222");
  const untrusted = await assertRejects(() => call({}), AwsApiError);
  assertEquals(untrusted.errorCode, "CertificateError");
  assertMatch(
    untrusted.message,
    /^AssumeRole could not reach 127\.0\.0\.1:\d+: its TLS certificate is not trusted/,
  );
});

Deno.test("the signer is loaded lazily: neither main.ts nor the STS call's module graph holds aws4fetch", async () => {
  for (const module of ["main.ts", "src/sts/sts_api.ts"]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", `${REPO_DIR}/${module}`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert(out.success, new TextDecoder().decode(out.stderr));
    const modules =
      (JSON.parse(new TextDecoder().decode(out.stdout)).modules as { specifier: string }[])
        .map((m) => m.specifier);
    assert(modules.length > 5, module);
    assert(!modules.some((s) => s.includes("aws4fetch") || s.endsWith("/sigv4.ts")), module);
  }
});
