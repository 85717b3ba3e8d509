/**
 * What the fake IAM Identity Center remembers between requests: options, registrations, device
 * authorizations, authorization codes, tokens and issued credentials. The services
 * (portal.ts, oidc.ts, browser_pages.ts) read and change it; tests see it through
 * {@link FakeIdentityCenter} in tests/fake_server.ts.
 *
 * @module
 */

import type {
  AuthorizationCode,
  DeviceAuthorization,
  FakeOptions,
  IssuedCredentials,
  Registration,
} from "./types.ts";

/** The fake's memory, shared by its services. */
export class FakeState {
  /** Client registrations, in order. */
  readonly registrations: Registration[] = [];
  /** Device authorizations, in order. */
  readonly deviceAuthorizations: DeviceAuthorization[] = [];
  /** Authorization codes issued by `/authorize`, in order. */
  readonly authorizationCodes: AuthorizationCode[] = [];
  /** Role credentials issued by GetRoleCredentials, in order. */
  readonly issuedCredentials: IssuedCredentials[] = [];
  /** Access tokens the portal API accepts. */
  readonly validAccessTokens = new Set<string>();
  /** Access tokens issued by CreateToken, in order. */
  readonly accessTokens: string[] = [];
  /** Refresh tokens issued by CreateToken, in order of issue. */
  readonly refreshTokens = new Map<string, { clientId: string; revoked: boolean }>();
  /** Pagination tokens of ListAccounts / ListAccountRoles. */
  readonly pageTokens = new Map<string, { listing: string; offset: number }>();
  #counter = 0;
  #credentialCounter = 0;

  /** @param url The fake's base URL (the services put it in the links they return). */
  constructor(readonly url: string, readonly options: FakeOptions) {}

  /** The next number for identifiers (clients, devices, tokens, codes). */
  nextId(): number {
    return ++this.#counter;
  }

  /** The next number for issued role credentials. */
  nextCredentialId(): number {
    return ++this.#credentialCounter;
  }

  /** The device authorization with this user code; throws for an unknown code. */
  deviceByUserCode(userCode: string): DeviceAuthorization {
    const device = this.deviceAuthorizations.find((d) => d.userCode === userCode);
    if (!device) throw new Error(`FakeIdentityCenter: unknown user code ${userCode}`);
    return device;
  }
}
