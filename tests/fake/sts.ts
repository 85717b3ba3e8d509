/**
 * Fake AWS STS for tests: AssumeRole over the query protocol (`POST /`, a form body, XML answers
 * and `ErrorResponse`s as STS sends them), on its own loopback listener (HTTP, or HTTPS with
 * tests/tls_fixture.ts). Point `AWS_ENDPOINT_URL_STS` at {@link FakeSts.url}.
 *
 * Every request's SigV4 signature is checked as STS checks it, by re-signing the signed headers
 * with the AWS SDK's own signer (`@smithy/signature-v4`, test-only) and the secret of the access
 * key it names: keys the fake issued (so an assumed role's credentials are the source of the next
 * hop), keys the fake IAM Identity Center issued through GetRoleCredentials (an SSO role's), and
 * keys a test adds (an IAM user's static keys). A bad signature is `SignatureDoesNotMatch`, an
 * unknown key or wrong session token `InvalidClientTokenId`, an expired key `ExpiredToken`.
 *
 * Roles: any syntactically valid role may be assumed unless a test configures it
 * ({@link FakeSts.role}: trusted principals, external id, MFA device, maximum session); role
 * chaining (an assumed role's or SSO role's credentials) is limited to one hour as in STS.
 * Failures, dropped connections and delays are injected with the fake IAM Identity Center's
 * controls (`control.ts`).
 *
 * @module
 */
import { formatAwsTimestamp } from "../../src/base/timestamps.ts";
import type { FakeIdentityCenter } from "../fake_server.ts";
import { FakeControl } from "./control.ts";
import { Relay } from "./relay.ts";
import type { FakeTlsOptions, InjectedFailure } from "./types.ts";
import { randomString } from "./wire.ts";

/** The one operation this fake serves. */
export type StsOp = "AssumeRole";

/** Credentials the fake accepts as a request's signer. */
export interface StsIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Epoch ms after which requests signed with them fail with ExpiredToken. */
  expiration?: number;
  /** Who they are: `arn:aws:iam::…:user/NAME`, `arn:aws:sts::…:assumed-role/ROLE/SESSION`. */
  arn: string;
  /** Temporary role credentials (an SSO role's or an assumed role's): role chaining. */
  roleSession: boolean;
}

/** Credentials issued by AssumeRole, with what was asked. */
export interface IssuedRole extends StsIdentity {
  roleArn: string;
  roleSessionName: string;
  externalId?: string;
  serialNumber?: string;
  tokenCode?: string;
  durationSeconds: number;
  /** The access key that signed the request. */
  sourceAccessKeyId: string;
  expiration: number;
}

/** A role's settings; a role not configured may be assumed by anyone (`allowUnknownRoles`). */
export interface FakeRole {
  /** The principals (ARNs) it trusts; undefined: everyone. */
  trusted?: string[];
  /** The `sts:ExternalId` its trust policy requires. */
  externalId?: string;
  /** The MFA device whose code its trust policy requires ({@link FakeSts.mfaCode}). */
  mfaSerial?: string;
  /** Its maximum session duration in seconds (default 3600, as IAM's default). */
  maxSessionDuration?: number;
}

/** One request as received. */
export interface StsRequest {
  /** The form parameters (`Action`, `Version`, `RoleArn`, …). */
  params: Record<string, string>;
  /** Header names lower-case. */
  headers: Record<string, string>;
  body: string;
  /** The access key the Authorization header names. */
  accessKeyId?: string;
  /** The region of the signature's scope. */
  signingRegion?: string;
  /** `OK`, the error code answered, or `dropped` (no answer). */
  outcome: string;
}

/** Behaviour knobs, changeable at any time through {@link FakeSts.options}. */
export interface FakeStsOptions {
  /** A request whose X-Amz-Date is further than this from now fails (default 15 min; 0: none). */
  maxSkewMs: number;
  /** The region signatures must be scoped to; undefined: any. */
  region?: string;
  /** Roles not configured through {@link FakeSts.role} may be assumed (default true). */
  allowUnknownRoles: boolean;
}

/** STS's error statuses and messages. */
const ERRORS: Record<string, { status: number; message: string; type?: string }> = {
  AccessDenied: { status: 403, message: "Access denied" },
  ExpiredToken: { status: 400, message: "The security token included in the request is expired" },
  InvalidClientTokenId: {
    status: 403,
    message: "The security token included in the request is invalid.",
  },
  SignatureDoesNotMatch: {
    status: 403,
    message:
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  },
  MissingAuthenticationToken: { status: 403, message: "Request is missing Authentication Token" },
  Throttling: { status: 400, message: "Rate exceeded" },
  RegionDisabledException: {
    status: 403,
    message:
      "STS is not activated in this region for account:123456789012. Your account administrator can activate STS in this region using the IAM Console.",
  },
  ValidationError: { status: 400, message: "Validation failed" },
  InvalidAction: { status: 400, message: "Could not find operation" },
  InternalFailure: { status: 500, message: "Internal failure", type: "Receiver" },
  ServiceUnavailable: { status: 503, message: "Service unavailable", type: "Receiver" },
};

class StsError extends Error {
  constructor(readonly code: string, message?: string, readonly status?: number) {
    super(message ?? ERRORS[code]?.message ?? code);
  }
}

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function errorResponse(error: StsError): Response {
  const known = ERRORS[error.code];
  const body = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>${known?.type ?? "Sender"}</Type>
    <Code>${escapeXml(error.code)}</Code>
    <Message>${escapeXml(error.message)}</Message>
  </Error>
  <RequestId>${crypto.randomUUID()}</RequestId>
</ErrorResponse>
`;
  return new Response(body, {
    status: error.status ?? known?.status ?? 400,
    headers: { "content-type": "text/xml", "x-amzn-requestid": crypto.randomUUID() },
  });
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

/** The SDK's signer (test-only), loaded once. */
let signerModules:
  | Promise<
    [
      typeof import("npm:@smithy/signature-v4@5.7.5"),
      typeof import("npm:@smithy/core@3.41.1/checksum"),
    ]
  >
  | undefined;

/** Fake STS. Start with {@link FakeSts.start}; close with `await using`. */
export class FakeSts implements AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly url: string;
  readonly options: FakeStsOptions;
  /** Every request received, in order. */
  readonly requests: StsRequest[] = [];
  /** Credentials issued by AssumeRole, in order. */
  readonly issued: IssuedRole[] = [];
  /** The code an MFA device shows now (roles with `mfaSerial` require it). */
  mfaCode = "123456";

  readonly #identities = new Map<string, StsIdentity>();
  readonly #roles = new Map<string, FakeRole>();
  readonly #identityCenter: FakeIdentityCenter | undefined;
  readonly #control = new FakeControl<StsOp>();
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #relay: Relay;
  #counter = 0;
  #closed: Promise<void> | undefined;

  private constructor(
    options: Partial<FakeStsOptions>,
    identityCenter: FakeIdentityCenter | undefined,
    tls?: FakeTlsOptions,
  ) {
    this.options = { maxSkewMs: 15 * 60_000, allowUnknownRoles: true, ...options };
    this.#identityCenter = identityCenter;
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (req, info) => this.#handle(req, info),
    );
    this.#relay = new Relay(this.#server.addr.port, tls);
    this.url = this.#relay.url;
  }

  /**
   * Starts a fake on an ephemeral loopback port (HTTPS with `tls`). With `identityCenter`, the
   * role credentials it issued are accepted as signers (the SSO role `AWSReservedSSO_<role>`).
   */
  static async start(
    options: Partial<FakeStsOptions> & { identityCenter?: FakeIdentityCenter } = {},
    tls?: FakeTlsOptions,
  ): Promise<FakeSts> {
    signerModules ??= Promise.all([
      import("npm:@smithy/signature-v4@5.7.5"),
      import("npm:@smithy/core@3.41.1/checksum"),
    ]);
    await signerModules;
    const { identityCenter, ...rest } = options;
    return new FakeSts(rest, identityCenter, tls);
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#relay.stopAccepting();
      this.#control.wakeAll();
      await this.#relay.dropAll();
      await this.#server.shutdown();
    })();
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Accepts these credentials as a signer (static keys: `roleSession` false). */
  addIdentity(identity: StsIdentity): void {
    this.#identities.set(identity.accessKeyId, identity);
  }

  /** Adds an IAM user's static keys (`arn:aws:iam::<account>:user/<name>`); returns them. */
  addUser(name: string, account = "111111111111"): StsIdentity {
    const identity: StsIdentity = {
      accessKeyId: `AKIAFAKE${randomString(9).toUpperCase().replace(/[^A-Z0-9]/g, "X")}`,
      secretAccessKey: `userSecret${randomString(24)}`,
      arn: `arn:aws:iam::${account}:user/${name}`,
      roleSession: false,
    };
    this.addIdentity(identity);
    return identity;
  }

  /** Makes requests signed with this access key fail with ExpiredToken from now on. */
  expire(accessKeyId: string): void {
    const identity = this.#identity(accessKeyId);
    if (!identity) throw new Error(`FakeSts: unknown access key ${accessKeyId}`);
    this.#identities.set(accessKeyId, { ...identity, expiration: 0 });
  }

  /** Configures a role (see {@link FakeRole}). */
  role(arn: string, settings: FakeRole): void {
    this.#roles.set(arn, settings);
  }

  /** Fail the next `times` (default 1) AssumeRole calls with this error code. */
  failNext(failure: InjectedFailure & { times?: number }): void {
    this.#control.failNext("AssumeRole", failure);
  }

  /** Fail every AssumeRole call with this error code until {@link clearFailures}. */
  failAlways(failure: InjectedFailure): void {
    this.#control.failAlways("AssumeRole", failure);
  }

  /** Close the connection without an answer for the next `times` calls. */
  closeConnectionNext(times = 1): void {
    this.#control.closeConnectionNext("AssumeRole", times);
  }

  /** Delay every answer by `ms` (0: none). */
  delay(ms: number): void {
    this.#control.delay("AssumeRole", ms);
  }

  clearFailures(): void {
    this.#control.clearFailures();
  }

  /** AssumeRole calls answered with credentials. */
  get assumeRoleCalls(): number {
    return this.requests.filter((r) => r.outcome === "OK").length;
  }

  /** The identity of an access key: issued here, by the Identity Center, or added. */
  #identity(accessKeyId: string): StsIdentity | undefined {
    const known = this.#identities.get(accessKeyId);
    if (known) return known;
    const sso = this.#identityCenter?.issuedCredentials.find((c) => c.accessKeyId === accessKeyId);
    return sso && {
      accessKeyId: sso.accessKeyId,
      secretAccessKey: sso.secretAccessKey,
      sessionToken: sso.sessionToken,
      expiration: sso.expiration,
      arn:
        `arn:aws:sts::${sso.accountId}:assumed-role/AWSReservedSSO_${sso.roleName}_0123456789abcdef/user@example.com`,
      roleSession: true,
    };
  }

  async #handle(req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>): Promise<Response> {
    const body = req.method === "POST" ? await req.text() : "";
    const params = Object.fromEntries(new URLSearchParams(body));
    const record: StsRequest = {
      params,
      headers: Object.fromEntries(req.headers),
      body,
      outcome: "OK",
    };
    this.requests.push(record);
    await this.#control.waitDelay("AssumeRole");
    if (this.#control.takeDrop("AssumeRole")) {
      record.outcome = "dropped";
      this.#relay.drop(info.remoteAddr.port);
      return new Response(null, { status: 500 });
    }
    try {
      const injected = this.#control.takeFailure("AssumeRole");
      if (injected) {
        throw new StsError(injected.errorType, injected.message, injected.status);
      }
      const signer = await this.#authenticate(req, body, record);
      return this.#assumeRole(params, signer);
    } catch (error) {
      if (!(error instanceof StsError)) throw error;
      record.outcome = error.code;
      return errorResponse(error);
    }
  }

  /** The identity that signed the request, its signature checked by re-signing it. */
  async #authenticate(req: Request, body: string, record: StsRequest): Promise<StsIdentity> {
    const auth = req.headers.get("authorization") ?? "";
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/
        .exec(auth);
    if (!match) throw new StsError("MissingAuthenticationToken");
    const [, accessKeyId, day, region, service, signedHeaders] = match;
    record.accessKeyId = accessKeyId;
    record.signingRegion = region;
    if (service !== "sts") {
      throw new StsError(
        "SignatureDoesNotMatch",
        "Credential should be scoped to correct service: 'sts'.",
      );
    }
    if (this.options.region !== undefined && region !== this.options.region) {
      throw new StsError("SignatureDoesNotMatch", "Credential should be scoped to a valid region.");
    }
    const amzDate = req.headers.get("x-amz-date") ?? "";
    const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (!date || amzDate.slice(0, 8) !== day) throw new StsError("SignatureDoesNotMatch");
    const signingDate = new Date(
      Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6]),
    );
    if (
      this.options.maxSkewMs > 0 &&
      Math.abs(signingDate.getTime() - Date.now()) > this.options.maxSkewMs
    ) {
      throw new StsError("SignatureDoesNotMatch", `Signature expired: ${amzDate} is out of range.`);
    }
    const identity = this.#identity(accessKeyId);
    const token = req.headers.get("x-amz-security-token") ?? undefined;
    if (!identity || (identity.sessionToken ?? undefined) !== token) {
      throw new StsError("InvalidClientTokenId");
    }
    const hash = req.headers.get("x-amz-content-sha256");
    if (hash !== null && hash !== await sha256Hex(body)) {
      throw new StsError(
        "XAmzContentSHA256Mismatch",
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
    const headers: Record<string, string> = {};
    for (const name of signedHeaders.split(";")) headers[name] = req.headers.get(name) ?? "";
    const url = new URL(req.url);
    const [{ SignatureV4 }, { Sha256 }] = await signerModules!;
    const signer = new SignatureV4({
      service: "sts",
      region,
      credentials: {
        accessKeyId,
        secretAccessKey: identity.secretAccessKey,
        sessionToken: identity.sessionToken,
      },
      sha256: Sha256,
      applyChecksum: false,
    });
    const signed = await signer.sign({
      method: req.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: {},
      headers,
      body,
    }, { signingDate });
    if (signed.headers["authorization"] !== auth) throw new StsError("SignatureDoesNotMatch");
    if (identity.expiration !== undefined && identity.expiration <= Date.now()) {
      throw new StsError("ExpiredToken");
    }
    return identity;
  }

  #assumeRole(params: Record<string, string>, caller: StsIdentity): Response {
    if (params.Action !== "AssumeRole" || params.Version !== "2011-06-15") {
      throw new StsError(
        "InvalidAction",
        `Could not find operation ${params.Action} for version ${params.Version}`,
      );
    }
    const roleArn = params.RoleArn ?? "";
    const arn = ROLE_ARN.exec(roleArn);
    if (!arn) throw new StsError("ValidationError", `${roleArn} is invalid`);
    const sessionName = params.RoleSessionName ?? "";
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      throw new StsError(
        "ValidationError",
        `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      );
    }
    const role = this.#roles.get(roleArn);
    const denied = () =>
      new StsError(
        "AccessDenied",
        `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    if (!role && !this.options.allowUnknownRoles) throw denied();
    if (role?.trusted && !role.trusted.includes(caller.arn)) throw denied();
    if (role?.externalId !== undefined && params.ExternalId !== role.externalId) throw denied();
    if (role?.mfaSerial !== undefined) {
      if (params.SerialNumber !== role.mfaSerial || params.TokenCode === undefined) throw denied();
      if (params.TokenCode !== this.mfaCode) {
        throw new StsError(
          "AccessDenied",
          "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
        );
      }
    }
    const duration = params.DurationSeconds === undefined ? 3600 : Number(params.DurationSeconds);
    if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
      throw new StsError(
        "ValidationError",
        `1 validation error detected: Value '${params.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
      );
    }
    if (caller.roleSession && duration > 3600) {
      throw new StsError(
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
      );
    }
    if (duration > (role?.maxSessionDuration ?? 3600)) {
      throw new StsError(
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
      );
    }
    const n = ++this.#counter;
    const issued: IssuedRole = {
      accessKeyId: `ASIASTSFAKE${String(n).padStart(9, "0")}`,
      secretAccessKey: `stsSecret${n}${randomString(24)}`,
      sessionToken: `FakeStsSessionToken${n}${randomString(96)}`,
      expiration: Math.floor(Date.now() / 1000) * 1000 + duration * 1000,
      arn: `arn:${arn[1]}:sts::${arn[2]}:assumed-role/${arn[3]}/${sessionName}`,
      roleSession: true,
      roleArn,
      roleSessionName: sessionName,
      externalId: params.ExternalId,
      serialNumber: params.SerialNumber,
      tokenCode: params.TokenCode,
      durationSeconds: duration,
      sourceAccessKeyId: caller.accessKeyId,
    };
    this.issued.push(issued);
    this.#identities.set(issued.accessKeyId, issued);
    const roleId = `AROA${randomString(12).toUpperCase().replace(/[^A-Z0-9]/g, "Q")}`;
    const requestId = crypto.randomUUID();
    const xml = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>${roleId}:${escapeXml(sessionName)}</AssumedRoleId>
      <Arn>${escapeXml(issued.arn)}</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${issued.secretAccessKey}</SecretAccessKey>
      <SessionToken>${issued.sessionToken}</SessionToken>
      <Expiration>${formatAwsTimestamp(issued.expiration)}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
`;
    return new Response(xml, {
      status: 200,
      headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    });
  }
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
