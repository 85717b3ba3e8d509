/** Unit tests of the offline login state (valid / refreshable / expired). */
import { type SsoToken, TOKEN_REFRESH_WINDOW_MS } from "../../src/cache/token_cache.ts";
import { loginState, usableWithoutLogin } from "../../src/cache/login_state.ts";
import { assertEquals } from "../assert.ts";

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const MINUTE = 60_000;
const REGISTRATION_EXPIRES = NOW + 90 * 24 * 60 * MINUTE;

function token(overrides: Partial<SsoToken> = {}): SsoToken {
  return {
    raw: {},
    accessToken: "at",
    expiresAt: NOW + 60 * MINUTE,
    refreshToken: "rt",
    clientId: "cid",
    clientSecret: "cs",
    registrationExpiresAt: REGISTRATION_EXPIRES,
    ...overrides,
  };
}

const NO_REFRESH = { refreshToken: undefined, clientId: undefined, clientSecret: undefined };

Deno.test("loginState(): a token with the refresh window or more left is valid", () => {
  assertEquals(loginState(token(), NOW), {
    state: "valid",
    refreshableUntil: REGISTRATION_EXPIRES,
  });
  assertEquals(loginState(token({ expiresAt: NOW + TOKEN_REFRESH_WINDOW_MS }), NOW).state, "valid");
  assertEquals(loginState(token(NO_REFRESH), NOW), { state: "valid" });
});

Deno.test("loginState(): inside the refresh window or expired, a refresh token makes it refreshable", () => {
  for (
    const expiresAt of [NOW + TOKEN_REFRESH_WINDOW_MS - 1, NOW + MINUTE, NOW, NOW - 5 * MINUTE]
  ) {
    assertEquals(loginState(token({ expiresAt }), NOW), {
      state: "refreshable",
      refreshableUntil: REGISTRATION_EXPIRES,
    });
  }
});

Deno.test("loginState(): an expired token without a live registration or refresh token is expired", () => {
  const expired = NOW - MINUTE;
  assertEquals(loginState(token({ expiresAt: expired, ...NO_REFRESH }), NOW), {
    state: "expired",
  });
  assertEquals(
    loginState(token({ expiresAt: expired, registrationExpiresAt: NOW - 1 }), NOW),
    { state: "expired" },
  );
  assertEquals(
    loginState(token({ expiresAt: expired, registrationExpiresAt: undefined }), NOW),
    { state: "expired" },
  );
  assertEquals(
    loginState(token({ expiresAt: expired, clientSecret: undefined }), NOW).state,
    "expired",
  );
  // Exactly at expiry the token is no longer usable.
  assertEquals(loginState(token({ expiresAt: NOW, ...NO_REFRESH }), NOW).state, "expired");
});

Deno.test("loginState(): inside the window without a refresh token it stays valid until it expires", () => {
  assertEquals(loginState(token({ expiresAt: NOW + 5 * MINUTE, ...NO_REFRESH }), NOW), {
    state: "valid",
  });
});

Deno.test("loginState(): a valid token whose registration has expired reports no refresh horizon", () => {
  assertEquals(loginState(token({ registrationExpiresAt: NOW - MINUTE }), NOW), { state: "valid" });
});

Deno.test("usableWithoutLogin(): valid and refreshable need no new login", () => {
  assertEquals(usableWithoutLogin("valid"), true);
  assertEquals(usableWithoutLogin("refreshable"), true);
  assertEquals(usableWithoutLogin("expired"), false);
  assertEquals(usableWithoutLogin(loginState(token({ expiresAt: NOW - MINUTE }), NOW)), true);
  assertEquals(
    usableWithoutLogin(loginState(token({ expiresAt: NOW - 1, ...NO_REFRESH }), NOW)),
    false,
  );
});
