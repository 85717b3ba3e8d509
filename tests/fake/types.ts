/**
 * Types, operation names and default options shared by the parts of the fake IAM Identity
 * Center (see tests/fake_server.ts).
 *
 * @module
 */

/** Names of the operations the fake serves (AWS operation names plus two browser pages). */
export type OpName =
  | "GetRoleCredentials"
  | "ListAccounts"
  | "ListAccountRoles"
  | "Logout"
  | "RegisterClient"
  | "StartDeviceAuthorization"
  | "CreateToken"
  | "Authorize"
  | "DeviceApprove";

/** All operation names, in a stable order. */
export const OP_NAMES: readonly OpName[] = [
  "GetRoleCredentials",
  "ListAccounts",
  "ListAccountRoles",
  "Logout",
  "RegisterClient",
  "StartDeviceAuthorization",
  "CreateToken",
  "Authorize",
  "DeviceApprove",
];

/** Operations of the SSO portal API (errors use `{"message","__type"}` bodies). */
export const PORTAL_OPS: ReadonlySet<OpName> = new Set<OpName>([
  "GetRoleCredentials",
  "ListAccounts",
  "ListAccountRoles",
  "Logout",
]);

/** OAuth grant type of the device authorization flow. */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** An account assignment visible through the portal API. */
export interface FakeAccount {
  accountId: string;
  accountName: string;
  emailAddress: string;
  /** Role names the user may assume in this account. */
  roles: string[];
}

/** Behaviour knobs; all may be changed at runtime through {@link FakeIdentityCenter.options}. */
export interface FakeOptions {
  /** Account assignments (default: `123456789012` "Main" with role `MyRole`). */
  accounts: FakeAccount[];
  /** Maximum page size of ListAccounts / ListAccountRoles (default 100). */
  pageSize: number;
  /** Lifetime of role credentials in ms (default 3_600_000). */
  credentialLifetimeMs: number;
  /** `expiresIn` of issued access tokens in seconds (default 28_800). */
  accessTokenLifetimeSec: number;
  /** Lifetime of client registrations in seconds (default 90 days). */
  registrationLifetimeSec: number;
  /** `expiresIn` of device authorizations in seconds (default 600). */
  deviceExpiresInSec: number;
  /**
   * `interval` of device authorizations in seconds (default 0: as often as the client's floor,
   * `devicePollMinMs`, allows; AWS names 1).
   */
  deviceInterval: number;
  /**
   * Approve a device authorization automatically once it has been polled this many times while
   * pending: `0` makes the first poll succeed, `2` gives two pending polls first. Default: never.
   */
  autoApproveDeviceAfterPolls: number | undefined;
  /** Refresh grants return a new refresh token and revoke the old one (default true). */
  rotateRefreshToken: boolean;
  /** Refresh grants return no refresh token at all (default false). */
  omitRefreshTokenOnRefresh: boolean;
  /** `/authorize` redirects with `error=access_denied` (default false). */
  denyAuthorization: boolean;
  /**
   * A broken service: every ListAccounts and ListAccountRoles page names the same `nextToken`,
   * which gives the first page again, so a client that follows it never ends (default false).
   */
  repeatNextToken: boolean;
}

/** A request as received by the fake (recorded before any failure injection). */
export interface RecordedRequest {
  /** The matched operation, or `"Unknown"` for unrouted requests. */
  op: OpName | "Unknown";
  method: string;
  path: string;
  query: Record<string, string>;
  /** Header names are lower-case. */
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, or `undefined` when empty. */
  body: unknown;
}

/** An error to inject; `status` defaults from the error type (e.g. 401, 429, 500, else 400). */
export interface InjectedFailure {
  status?: number;
  /** Error shape name, sent as `x-amzn-ErrorType`, e.g. `"TooManyRequestsException"`. */
  errorType: string;
  message?: string;
}

/** A client registration made through RegisterClient. */
export interface Registration {
  clientId: string;
  clientSecret: string;
  clientName: string;
  clientType: string;
  scopes: string[];
  grantTypes: string[];
  redirectUris: string[];
  issuerUrl: string | undefined;
  /** Epoch seconds. */
  clientIdIssuedAt: number;
  /** Epoch seconds. */
  clientSecretExpiresAt: number;
}

/** A device authorization started through StartDeviceAuthorization. */
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  clientId: string;
  startUrl: string;
  /** Epoch ms after which polls fail with `ExpiredTokenException`. */
  expiresAtMs: number;
  state: "pending" | "approved" | "denied" | "consumed";
  /** Number of CreateToken polls seen for this device code. */
  polls: number;
}

/** An authorization code issued by `/authorize`. */
export interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  used: boolean;
}

/** Role credentials returned by GetRoleCredentials. */
export interface IssuedCredentials {
  accountId: string;
  roleName: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch ms. */
  expiration: number;
  /** The bearer token used to obtain them. */
  bearerToken: string;
}

const DAY_SEC = 86_400;

/** Default options (a fresh copy per call). */
export function defaultFakeOptions(): FakeOptions {
  return {
    accounts: [{
      accountId: "123456789012",
      accountName: "Main",
      emailAddress: "main@example.com",
      roles: ["MyRole"],
    }],
    pageSize: 100,
    credentialLifetimeMs: 3_600_000,
    accessTokenLifetimeSec: 28_800,
    registrationLifetimeSec: 90 * DAY_SEC,
    deviceExpiresInSec: 600,
    deviceInterval: 0,
    autoApproveDeviceAfterPolls: undefined,
    rotateRefreshToken: true,
    omitRefreshTokenOnRefresh: false,
    denyAuthorization: false,
    repeatNextToken: false,
  };
}

/** Which operation serves `METHOD /path`. */
export const ROUTES: Readonly<Record<string, OpName>> = {
  "GET /federation/credentials": "GetRoleCredentials",
  "GET /assignment/accounts": "ListAccounts",
  "GET /assignment/roles": "ListAccountRoles",
  "POST /logout": "Logout",
  "POST /client/register": "RegisterClient",
  "POST /device_authorization": "StartDeviceAuthorization",
  "POST /token": "CreateToken",
  "GET /authorize": "Authorize",
  "GET /device": "DeviceApprove",
};

/** Serve HTTPS with this certificate chain and key (PEM); see tests/tls_fixture.ts. */
export interface FakeTlsOptions {
  cert: string;
  key: string;
}
