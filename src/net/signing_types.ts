/**
 * What SigV4 signing takes and gives (`sigv4.ts` signs; `signing.ts` loads it lazily).
 *
 * @module
 */
import type { HttpRequest } from "../base/runtime.ts";

/** The credentials a request is signed with (a session token for temporary ones). */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Where the signature is valid: the service's signing name and the endpoint's signing region. */
export interface SigningScope {
  service: string;
  region: string;
}

/** Signs `request` at `now` (epoch ms): the request with its SigV4 headers added. */
export type RequestSigner = (
  request: HttpRequest,
  credentials: SigningCredentials,
  scope: SigningScope,
  now: number,
) => Promise<HttpRequest>;
