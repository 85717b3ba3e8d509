/**
 * The SSO OIDC login flows (docs/formats.md §5): authorization code with PKCE on a loopback redirect, and
 * the device authorization flow; the client-registration cache; writing the token file exactly as
 * the AWS CLI does.
 *
 * Everything outside (the runtime, browser, prompt output, loopback port) is injected, so the
 * flows run in-process against the fake Identity Center in tests.
 *
 * @module
 */
import { probeWritable } from "../base/atomic_file.ts";
import { fileFailureReason } from "../base/file_failure.ts";
import { redact } from "../base/debug_log.ts";
import { AwsApiError, type CliError, LoginError } from "../base/errors.ts";
import { startProgress } from "./login_progress.ts";
import {
  CALLBACK_PATH,
  type CallbackResult,
  type Loopback,
  startLoopback,
} from "./loopback_callback.ts";
import type { BrowserOpener, PromptOutput } from "../base/runtime.ts";
import { authorizeUrl, codeChallenge, codeVerifier } from "./pkce.ts";
import { safeEcho, shownPath } from "../base/safe_text.ts";
import type { SsoSession } from "../sso/session.ts";
import { dirName } from "../base/paths.ts";
import {
  type CachedRegistration,
  isRegistrationReusable,
  type LoginFlow,
  PKCE_GRANT_TYPES,
  readRegistration,
  registrationFilePath,
  registrationFromJson,
  registrationJson,
  writeRegistration,
} from "../cache/registration_cache.ts";
import type { SsoInstance } from "../config/settings.ts";
import {
  type ApiContext,
  createToken,
  registerClient,
  startDeviceAuthorization,
} from "../sso/sso_api.ts";
import { formatAwsTimestamp } from "../base/timestamps.ts";
import {
  accessOnlyTokenJson,
  type CreatedToken,
  isTokenFresh,
  readToken,
  type SsoToken,
  tokenFilePath,
  tokenFromJson,
  writeToken,
} from "../cache/token_cache.ts";
import { browserFailure, runtimeBrowser, sinkOutput } from "./user_channel.ts";

// ------------------------------------------------------------------ constants

/** Scope registered for sso-session instances without `sso_registration_scopes` (docs/formats.md §2.3). */
export const DEFAULT_SCOPES: readonly string[] = ["sso:account:access"];
/** Redirect URI registered for PKCE clients: no port, as the AWS CLI registers it. */
export const REGISTERED_REDIRECT_URI = "http://127.0.0.1/oauth/callback";
/** Grant type of the device authorization flow. */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

// ------------------------------------------------------------------ outside world

/**
 * The failure of a login that ran out of time, told as each command tells it: `login` asks for
 * the login again ({@link LOGIN_EXPIRED}, kind `loginExpired`); a login started to get a
 * credential (`credential-process --login`, `configure populate`) says that a login is still
 * required. `reason` is one sentence without its final period.
 */
export type ExpiredLogin = (reason: string) => CliError;

/** The `login` command's expired login. */
export const LOGIN_EXPIRED: ExpiredLogin = (reason) =>
  new LoginError(`${reason}; run the login again.`, "loginExpired");

/**
 * How to log in to the session's instance. The session gives the environment, clock, HTTP
 * transport and limits: `loginCallMs` (each API call), `authCodeMs` (the wait for the browser's
 * redirect, the AWS CLI's 10 minutes), `slowDownStepMs` (added to the polling interval on
 * SlowDownException, RFC 8628).
 */
export interface LoginOptions {
  /** `--use-device-code` or `sso_use_device_code = true`. */
  useDeviceCode?: boolean;
  /**
   * Further instances whose token file also receives the token: the sso-sessions that use the
   * same start URL and region as a legacy instance. One with a fresh token is left alone.
   */
  alsoFor?: SsoInstance[];
  /** Undefined when no browser can be opened (headless, SSH, no display): device code then. */
  openBrowser?: BrowserOpener;
  /** Where the login's prompts and progress go. */
  out: PromptOutput;
  /** Port of the loopback redirect listener (default 0: any free port). */
  loopbackPort?: number;
  /** The failure of a login that ran out of time (default {@link LOGIN_EXPIRED}). */
  expired?: ExpiredLogin;
}

/** What a login did. */
export interface LoginResult {
  token: SsoToken;
  flow: LoginFlow;
  /** Token files written. */
  paths: string[];
  registrationReused: boolean;
}

// ------------------------------------------------------------------ pure helpers

/** The flow a login uses (docs/formats.md §5.3): PKCE only for sso-sessions with a browser, else device code. */
export function chooseFlow(
  instance: SsoInstance,
  options: { useDeviceCode?: boolean; browser: boolean },
): LoginFlow {
  return instance.sessionName !== undefined && !options.useDeviceCode && options.browser
    ? "pkce"
    : "device";
}

/** Scopes sent in RegisterClient: the session's (default `sso:account:access`); none for legacy. */
export function registrationScopes(instance: SsoInstance): string[] | undefined {
  if (instance.sessionName === undefined) return undefined;
  return instance.scopes && instance.scopes.length > 0 ? [...instance.scopes] : [...DEFAULT_SCOPES];
}

/** `aws-sso-util-<session name>`, or `aws-sso-util-<unix seconds>` for legacy instances. */
export function clientName(instance: SsoInstance, now: number): string {
  return `aws-sso-util-${instance.sessionName ?? Math.floor(now / 1000)}`;
}

/**
 * The token file the AWS CLI writes after a login (docs/formats.md §1.2), in its field order:
 * `startUrl`, `region`, `accessToken`, `expiresAt`, `clientId`, `clientSecret`,
 * `registrationExpiresAt`, and `refreshToken` only when CreateToken returned one.
 */
export function loginTokenJson(
  instance: SsoInstance,
  created: CreatedToken,
  registration: CachedRegistration,
  now: number,
): Record<string, unknown> {
  return {
    startUrl: instance.startUrl,
    region: instance.ssoRegion,
    accessToken: created.accessToken,
    expiresAt: formatAwsTimestamp(now + created.expiresIn * 1000),
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    registrationExpiresAt: registration.expiresAtText,
    ...(created.refreshToken ? { refreshToken: created.refreshToken } : {}),
  };
}

/** `2026-11-24 16:32:24 (UTC+01:00)` in the given offset (default: this machine's local time). */
export function formatLocalTime(
  ms: number,
  offsetMinutes = -new Date(ms).getTimezoneOffset(),
): string {
  const iso = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000).toISOString();
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} (UTC${offsetMinutes < 0 ? "-" : "+"}${
    pad(Math.floor(abs / 60))
  }:${pad(abs % 60)})`;
}

/** How an instance is named in messages. */
export function instanceLabel(instance: SsoInstance): string {
  return instance.sessionName !== undefined
    ? `${safeEcho(instance.startUrl)} (sso-session ${safeEcho(instance.sessionName)})`
    : safeEcho(instance.startUrl);
}

// ------------------------------------------------------------------ the login

/** The failure a CreateToken error response means for the login. */
function grantFailure(error: unknown, what: string, request: LoginOptions): unknown {
  if (!(error instanceof AwsApiError)) return error;
  switch (error.errorCode) {
    case "ExpiredTokenException":
      return (request.expired ?? LOGIN_EXPIRED)(
        `The ${what} expired before the sign-in was completed`,
      );
    case "AccessDeniedException":
      return new LoginError(`Access was denied: the sign-in was not approved.`, "loginDenied");
    case "InvalidGrantException":
      return new LoginError(
        `The ${what} was rejected by IAM Identity Center (InvalidGrantException); run the login again.`,
        "loginDenied",
      );
    default:
      return error;
  }
}

/**
 * Logs in to an instance: reuses or makes a client registration, runs the PKCE flow (falling
 * back to device code when the loopback port cannot be bound) or the device code flow, then
 * writes the token file(s) and prints `Login succeeded, valid until <local time>`.
 */
export async function performLogin(
  session: SsoSession,
  request: LoginOptions,
): Promise<LoginResult> {
  const { instance, log } = session;
  const oidc = session.endpoint("sso-oidc");
  log.log(`login to ${instance.startUrl} via ${oidc.url} (${oidc.source})`);
  // The token must be storable before the user is asked to sign in, not after.
  const tokenPath = await tokenFilePath(session.ssoCacheDir, instance);
  const unwritable = await probeWritable(tokenPath, 8192);
  if (unwritable) {
    throw new LoginError(
      `Cannot log in: the SSO token cache ${shownPath(dirName(tokenPath))} cannot be written (${
        fileFailureReason(unwritable)
      }); fix that and try again.`,
      "loginFailed",
    );
  }
  let flow = chooseFlow(instance, {
    useDeviceCode: request.useDeviceCode,
    browser: request.openBrowser !== undefined,
  });
  let loopback: Loopback | undefined;
  if (flow === "pkce") {
    try {
      loopback = startLoopback(request.loopbackPort ?? 0);
    } catch (error) {
      const why = (error as Error).message?.split("\n")[0] ?? String(error);
      log.log(`loopback listener failed: ${why}`);
      await request.out.write(
        `Cannot listen on 127.0.0.1 for the browser's redirect (${why}); using the device code flow instead.\n`,
      );
      flow = "device";
    }
  }
  try {
    let { registration, reused } = await clientRegistration(session, flow);
    const runFlow = (r: CachedRegistration) =>
      flow === "pkce" ? pkceFlow(session, r, loopback!, request) : deviceFlow(session, r, request);
    let created: CreatedToken;
    try {
      created = await runFlow(registration);
    } catch (error) {
      // The service forgot the cached registration: register again, once.
      if (
        !reused || !(error instanceof AwsApiError && error.errorCode === "InvalidClientException")
      ) {
        throw error;
      }
      log.log(`client registration ${redact(registration.clientId)} rejected; registering again`);
      await forgetRegistration(session, registration);
      ({ registration, reused } = await clientRegistration(session, flow, true));
      if (flow === "pkce") {
        // The listener serves one redirect: the new sign-in needs a new one.
        await loopback?.close();
        loopback = startLoopback(request.loopbackPort ?? 0);
      }
      created = await runFlow(registration);
    }
    const json = loginTokenJson(instance, created, registration, session.rt.now());
    const paths = [await tokenFilePath(session.ssoCacheDir, instance)];
    const copies = new Map<string, Record<string, unknown>>([[paths[0], json]]);
    for (const other of request.alsoFor ?? []) {
      const path = await tokenFilePath(session.ssoCacheDir, other);
      if (paths.includes(path)) continue;
      const existing = await readToken(path);
      if (existing && isTokenFresh(existing, session.rt.now())) {
        log.log(`not overwriting the fresh token of ${instanceLabel(other)}`);
        continue;
      }
      paths.push(path);
      // A legacy (start-URL-keyed) copy of an sso-session's login must not share its refresh token.
      const legacyCopy = other.sessionName === undefined && instance.sessionName !== undefined;
      copies.set(path, legacyCopy ? accessOnlyTokenJson(json) : json);
    }
    for (const path of paths) {
      try {
        await writeToken(path, copies.get(path)!);
      } catch (error) {
        throw new LoginError(
          `Cannot write the token cache file ${shownPath(path)}: ${fileFailureReason(error)}.`,
          "loginFailed",
        );
      }
      log.log(`token ${redact(created.accessToken)} written to ${path}`);
    }
    const token = tokenFromJson(json)!;
    await request.out.write(`Login succeeded, valid until ${formatLocalTime(token.expiresAt)}\n`);
    return { token, flow, paths, registrationReused: reused };
  } finally {
    await loopback?.close();
  }
}

/** The context of one call of a login flow: SSO OIDC, `loginCallMs` from now. */
function loginCall(session: SsoSession): ApiContext {
  return session.api("sso-oidc", session.rt.now() + session.rt.limits.loginCallMs);
}

/** Removes the cached registration file when it still holds `registration`. */
async function forgetRegistration(
  session: SsoSession,
  registration: CachedRegistration,
): Promise<void> {
  const path = await registrationFilePath(session.ssoCacheDir, session.instance);
  if ((await readRegistration(path))?.clientId !== registration.clientId) return;
  await Deno.remove(path).catch((error) =>
    session.log.log(`could not remove the rejected registration: ${(error as Error).message}`)
  );
}

/** The cached registration when it serves the flow and lives 15+ more minutes, else a new one. */
async function clientRegistration(
  session: SsoSession,
  flow: LoginFlow,
  ignoreCache = false,
): Promise<{ registration: CachedRegistration; reused: boolean }> {
  const { instance } = session;
  const path = await registrationFilePath(session.ssoCacheDir, instance);
  const scopes = registrationScopes(instance);
  const cached = ignoreCache ? undefined : await readRegistration(path);
  if (
    cached && isRegistrationReusable(cached, flow, session.rt.now()) &&
    (scopes === undefined || (cached.scopes ?? []).length > 0)
  ) {
    session.log.log(`reusing client registration ${redact(cached.clientId)} from ${path}`);
    return { registration: cached, reused: true };
  }
  const grantTypes = flow === "pkce" ? [...PKCE_GRANT_TYPES] : undefined;
  const response = await registerClient(loginCall(session), {
    clientName: clientName(instance, session.rt.now()),
    ...(scopes ? { scopes } : {}),
    ...(flow === "pkce"
      ? { grantTypes, redirectUris: [REGISTERED_REDIRECT_URI], issuerUrl: instance.startUrl }
      : {}),
  });
  const json = registrationJson(response, { scopes, grantTypes });
  try {
    await writeRegistration(path, json);
    session.log.log(`client registration ${redact(response.clientId)} cached in ${path}`);
  } catch (error) {
    session.log.log(`could not cache the client registration: ${(error as Error).message}`);
  }
  return { registration: registrationFromJson(json)!, reused: false };
}

// ------------------------------------------------------------------ PKCE

async function pkceFlow(
  session: SsoSession,
  registration: CachedRegistration,
  loopback: Loopback,
  request: LoginOptions,
): Promise<CreatedToken> {
  const { instance } = session;
  const endpoint = session.endpoint("sso-oidc");
  const verifier = codeVerifier();
  const state = crypto.randomUUID();
  const redirectUri = `http://127.0.0.1:${loopback.port}${CALLBACK_PATH}`;
  const url = authorizeUrl({
    oidcEndpoint: endpoint.url,
    clientId: registration.clientId,
    redirectUri,
    state,
    scopes: registrationScopes(instance) ?? DEFAULT_SCOPES,
    codeChallenge: await codeChallenge(verifier),
  });
  const callback = loopback.callback(state);
  await request.out.write(
    `Attempting to open the sign-in page for ${
      instanceLabel(instance)
    } in your browser.\nIf it does not open, open this URL in a browser on this computer:\n\n${url}\n\n`,
  );
  const opened = await request.openBrowser!(url);
  if (opened !== true) {
    await request.out.write(`${browserFailure(opened, "open the URL above yourself")}\n`);
  }
  const timeoutMs = session.rt.limits.authCodeMs;
  const stop = startProgress(
    request.out,
    "Waiting for the sign-in in your browser",
    session.rt.now() + timeoutMs,
    session.rt.now,
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  let result: CallbackResult | undefined;
  try {
    result = await Promise.race([
      callback,
      new Promise<undefined>((
        resolve,
      ) => (timer = setTimeout(() => resolve(undefined), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
    await stop();
  }
  if (!result) {
    throw (request.expired ?? LOGIN_EXPIRED)(
      `The sign-in was not completed in the browser within ${
        Math.round(timeoutMs / 60_000)
      } minutes`,
    );
  }
  if (result.error !== undefined) {
    session.log.log(`authorization failed: ${result.error} ${result.errorDescription ?? ""}`);
    if (result.error === "access_denied") {
      throw new LoginError(
        "Access was denied: the sign-in was not approved in the browser.",
        "loginDenied",
      );
    }
    throw new LoginError(
      `The authorization failed: ${result.error}${
        result.errorDescription ? ` (${result.errorDescription.replace(/[.\s]+$/, "")})` : ""
      }.`,
      "loginFailed",
    );
  }
  session.log.log("authorization code received");
  try {
    return await createToken(loginCall(session), {
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      grantType: "authorization_code",
      redirectUri,
      codeVerifier: verifier,
      code: result.code!,
    });
  } catch (error) {
    throw grantFailure(error, "authorization code", request);
  }
}

// ------------------------------------------------------------------ device code

async function deviceFlow(
  session: SsoSession,
  registration: CachedRegistration,
  request: LoginOptions,
): Promise<CreatedToken> {
  const { instance } = session;
  const auth = await startDeviceAuthorization(loginCall(session), {
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    startUrl: instance.startUrl,
  });
  const expiresAt = session.rt.now() + auth.expiresIn * 1000;
  // The interval the service asks for, never under the floor.
  let interval = Math.max(session.rt.limits.devicePollMinMs, auth.interval * 1000);
  session.log.log(`device authorization started, expires in ${auth.expiresIn}s`);
  const poll = async (): Promise<CreatedToken | "pending" | "slow"> => {
    try {
      return await createToken(loginCall(session), {
        clientId: registration.clientId,
        clientSecret: registration.clientSecret,
        grantType: DEVICE_CODE_GRANT,
        deviceCode: auth.deviceCode,
      });
    } catch (error) {
      if (error instanceof AwsApiError) {
        if (error.errorCode === "AuthorizationPendingException") return "pending";
        if (error.errorCode === "SlowDownException") return "slow";
      }
      throw grantFailure(error, "device authorization", request);
    }
  };
  // One immediate attempt: an authorization approved beforehand needs no prompt (docs/formats.md §5.1).
  let outcome = await poll();
  if (typeof outcome === "object") return outcome;
  const url = auth.verificationUriComplete;
  const browser = request.openBrowser !== undefined;
  await request.out.write(
    (browser
      ? `Attempting to open the authorization page for ${
        instanceLabel(instance)
      } in your browser.\nIf it does not open, or to sign in from another device, open this URL:\n`
      : `To sign in to ${instanceLabel(instance)}, open this URL in a browser on any device:\n`) +
      `\n${url}\n\nThen check that the page shows the code: ${auth.userCode}\n\n`,
  );
  const opened = browser ? await request.openBrowser!(url) : true;
  if (opened !== true) {
    await request.out.write(`${browserFailure(opened, "open the URL above yourself")}\n`);
  }
  const stop = startProgress(
    request.out,
    "Waiting for the authorization",
    expiresAt,
    session.rt.now,
  );
  try {
    while (true) {
      if (outcome === "slow") interval += session.rt.limits.slowDownStepMs;
      const remaining = expiresAt - session.rt.now();
      if (remaining <= 0) {
        throw (request.expired ?? LOGIN_EXPIRED)(
          "The device authorization expired before the sign-in was completed",
        );
      }
      await session.rt.sleep(Math.min(interval, remaining));
      outcome = await poll();
      if (typeof outcome === "object") return outcome;
    }
  } finally {
    await stop();
  }
}

/**
 * The login other commands (e.g. `configure profile`) run for an instance: prompts on stderr,
 * the system browser when one can be opened (else device code).
 */
export function loginInstance(
  session: SsoSession,
  options: { useDeviceCode?: boolean; headless?: boolean } = {},
): Promise<LoginResult> {
  const { rt } = session;
  return performLogin(session, {
    useDeviceCode: options.useDeviceCode,
    openBrowser: runtimeBrowser(rt, session.log, options.headless),
    out: sinkOutput(rt.stderr),
  });
}
