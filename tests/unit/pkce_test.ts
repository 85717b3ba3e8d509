/**
 * Tests of the PKCE helpers (src/login/pkce.ts): the code verifier, the S256 challenge and the
 * authorization URL, built exactly as the AWS CLI builds them.
 */
import { assertEquals, assertMatch } from "../assert.ts";
import { authorizeUrl, codeChallenge, codeVerifier } from "../../src/login/pkce.ts";

Deno.test("pkce helpers build the verifier, challenge and URL exactly as specified", async () => {
  for (let i = 0; i < 20; i++) assertMatch(codeVerifier(), /^[A-Za-z0-9\-._~]{64}$/);
  // RFC 7636 appendix B.
  assertEquals(
    await codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
  assertEquals(
    authorizeUrl({
      oidcEndpoint: "https://oidc.us-east-1.amazonaws.com/",
      clientId: "CID",
      redirectUri: "http://127.0.0.1:46107/oauth/callback",
      state: "80e4",
      scopes: ["sso:account:access", "openid"],
      codeChallenge: "EMRR",
    }),
    "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=CID" +
      "&redirect_uri=http%3A%2F%2F127.0.0.1%3A46107%2Foauth%2Fcallback&state=80e4" +
      "&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess%20openid&code_challenge=EMRR",
  );
});
