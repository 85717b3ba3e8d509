/**
 * The SSO OIDC login flows (spec §5): authorization code with PKCE on a loopback redirect, and
 * the device authorization flow; the client-registration cache; writing the token file exactly as
 * the AWS CLI does; and the auto-login used by `credential-process --login`.
 *
 * Everything outside (clock, sleep, browser, prompt output, loopback port) is injected, so the
 * flows run in-process against the fake Identity Center in tests.
 *
 * @module
 */
import type { AwsConfigDocument } from "./aws_config_file.ts";
import { getProfile, getSsoSession } from "./aws_config_file.ts";
import { canOpenBrowser, openUrl } from "./browser.ts";
import type { DebugLog } from "./debug_log.ts";
import { redact } from "./debug_log.ts";
import { type EndpointConfig, resolveEndpoint } from "./endpoints.ts";
import { AuthDispatchError, AwsApiError, CliError, LoginRequiredError } from "./errors.ts";
import { withFileLock } from "./file_lock.ts";
import { configInstances } from "./instance.ts";
import type { Env } from "./paths.ts";
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
} from "./registration_cache.ts";
import { loadConfigFile, type SsoInstance } from "./settings.ts";
import {
  type ApiContext,
  createToken,
  registerClient,
  startDeviceAuthorization,
} from "./sso_api.ts";
import { formatAwsTimestamp } from "./timestamps.ts";
import {
  type CreatedToken,
  isTokenFresh,
  readToken,
  type SsoToken,
  tokenFilePath,
  tokenFromJson,
  writeToken,
} from "./token_cache.ts";
import { isTrueSetting } from "./truthy.ts";

export type { LoginFlow } from "./registration_cache.ts";

// ------------------------------------------------------------------ errors and exit codes

/** Exit codes of `aws-sso-util login`. */
export const LoginExitCode = {
  ok: 0,
  /** No instance, or more than one (InstanceNotFoundError). */
  noInstance: 1,
  /** The login window (device authorization or browser wait) expired. */
  expired: 2,
  /** The user denied access, or the grant was rejected. */
  denied: 3,
  /** Anything else: AWS errors, network, files. */
  other: 4,
} as const;

/** The authorization expired before the user completed the sign-in (exit 2). */
export class LoginExpiredError extends CliError {
  constructor(message: string) {
    super(message, LoginExitCode.expired);
  }
}

/** The user denied access, or the service rejected the grant (exit 3). */
export class LoginDeniedError extends CliError {
  constructor(message: string) {
    super(message, LoginExitCode.denied);
  }
}

/** Any other login failure (exit 4). */
export class LoginFailedError extends CliError {
  constructor(message: string) {
    super(message, LoginExitCode.other);
  }
}

// ------------------------------------------------------------------ constants

/** Scope registered for sso-session instances without `sso_registration_scopes` (spec §2.4). */
export const DEFAULT_SCOPES: readonly string[] = ["sso:account:access"];
/** Redirect URI registered for PKCE clients: no port, as the AWS CLI registers it. */
export const REGISTERED_REDIRECT_URI = "http://127.0.0.1/oauth/callback";
/** Path of the loopback callback. */
export const CALLBACK_PATH = "/oauth/callback";
/** Grant type of the device authorization flow. */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** How long the PKCE flow waits for the browser's redirect (the AWS CLI's 10 minutes). */
export const AUTH_CODE_TIMEOUT_MS = 10 * 60 * 1000;
/** Time limit of each API call of a login. */
export const LOGIN_CALL_TIMEOUT_MS = 30_000;
/** Added to the polling interval on SlowDownException (RFC 8628). */
export const SLOW_DOWN_STEP_MS = 5_000;
/**
 * How long `credential-process` waits for another process's login (the token lock) before it
 * starts its own: the longest a login can take (10 minutes) plus a margin.
 */
export const LOGIN_LOCK_WAIT_MS = AUTH_CODE_TIMEOUT_MS + 30_000;

// ------------------------------------------------------------------ outside world

/** Where prompts and progress go (stderr, or the terminal for credential-process). */
export interface PromptOutput {
  write(text: string): Promise<void>;
  /** A spinner is shown only on a terminal. */
  isTerminal: boolean;
}

/** Opens a URL in the user's browser; true when a browser command was started. */
export type BrowserOpener = (url: string) => Promise<boolean> | boolean;

/** What a login needs from the outside world. */
export interface LoginDeps {
  ssoCacheDir: string;
  env: Env;
  endpointConfig?: EndpointConfig;
  /** Epoch ms. */
  now: () => number;
  /** Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Undefined when no browser can be opened (headless, SSH, no display): device code then. */
  openBrowser?: BrowserOpener;
  out: PromptOutput;
  log?: DebugLog;
  /** Port of the loopback redirect listener (default 0: any free port). */
  loopbackPort?: number;
  /** How long to wait for the browser's redirect (default {@link AUTH_CODE_TIMEOUT_MS}). */
  authCodeTimeoutMs?: number;
  /** Time limit of each API call (default {@link LOGIN_CALL_TIMEOUT_MS}). */
  callTimeoutMs?: number;
}

/** What to log in to. */
export interface LoginRequest {
  instance: SsoInstance;
  /** `--use-device-code` or `sso_use_device_code = true`. */
  useDeviceCode?: boolean;
  /**
   * Further instances whose token file also receives the token: the sso-sessions that use the
   * same start URL and region as a legacy instance. One with a fresh token is left alone.
   */
  alsoFor?: SsoInstance[];
}

/** What a login did. */
export interface LoginResult {
  token: SsoToken;
  flow: LoginFlow;
  /** Token files written. */
  paths: string[];
  registrationReused: boolean;
}

/** Prompt output on this process's stderr. */
export function stderrOutput(): PromptOutput {
  return fileOutput(Deno.stderr, safeIsTerminal(Deno.stderr));
}

/** Prompt output on an open file or stream. */
export function fileOutput(
  file: { write(p: Uint8Array): Promise<number> },
  isTerminal: boolean,
): PromptOutput {
  const encoder = new TextEncoder();
  return {
    isTerminal,
    async write(text: string) {
      let bytes = encoder.encode(text);
      while (bytes.length > 0) bytes = bytes.subarray(await file.write(bytes));
    },
  };
}

function safeIsTerminal(stream: { isTerminal(): boolean }): boolean {
  try {
    return stream.isTerminal();
  } catch {
    return false;
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------------ pure helpers

/** The flow a login uses (spec §5.3): PKCE only for sso-sessions with a browser, else device code. */
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

const VERIFIER_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/** A PKCE code verifier: 64 uniformly random characters of `[A-Za-z0-9-._~]`. */
export function codeVerifier(): string {
  const n = VERIFIER_CHARS.length; // 66
  const limit = 256 - (256 % n); // reject bytes ≥ 198 so every character is equally likely
  let verifier = "";
  while (verifier.length < 64) {
    for (const byte of crypto.getRandomValues(new Uint8Array(80))) {
      if (byte < limit && verifier.length < 64) verifier += VERIFIER_CHARS[byte % n];
    }
  }
  return verifier;
}

/** base64url without padding. */
export function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The S256 code challenge: base64url(SHA-256(verifier)) without padding (43 characters). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** Percent-encodes like Python's `urllib.parse.quote(s, safe="")`. */
function quote(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The browser URL of the authorization-code flow, built exactly as the AWS CLI builds it
 * (spec §5.2): query in the order `response_type`, `client_id`, `redirect_uri`, `state`,
 * `code_challenge_method`, `scopes` (space-joined), then `code_challenge` appended last.
 */
export function authorizeUrl(args: {
  oidcEndpoint: string;
  clientId: string;
  redirectUri: string;
  state: string;
  scopes: readonly string[];
  codeChallenge: string;
}): string {
  const query = [
    ["response_type", "code"],
    ["client_id", args.clientId],
    ["redirect_uri", args.redirectUri],
    ["state", args.state],
    ["code_challenge_method", "S256"],
    ["scopes", args.scopes.join(" ")],
  ].map(([k, v]) => `${k}=${quote(v)}`).join("&");
  return `${args.oidcEndpoint.replace(/\/+$/, "")}/authorize?${query}&code_challenge=${
    quote(args.codeChallenge)
  }`;
}

/**
 * The token file the AWS CLI writes after a login (spec §1.2), in its field order:
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
    ? `${instance.startUrl} (sso-session ${instance.sessionName})`
    : instance.startUrl;
}

/** The sso-sessions of the config that use the same start URL and region as a legacy instance. */
export function sessionsSharingUrl(
  config: AwsConfigDocument | undefined,
  instance: SsoInstance,
): SsoInstance[] {
  if (instance.sessionName !== undefined) return [];
  return configInstances(config).filter((i) =>
    i.sessionName !== undefined && i.startUrl === instance.startUrl &&
    i.ssoRegion === instance.ssoRegion
  );
}

/** True when the profile or the sso-session has `sso_use_device_code = true`. */
export function deviceCodeConfigured(
  config: AwsConfigDocument | undefined,
  where: { profileName?: string; sessionName?: string },
): boolean {
  if (!config) return false;
  const profile = where.profileName !== undefined
    ? getProfile(config, where.profileName)
    : undefined;
  const session = where.sessionName !== undefined
    ? getSsoSession(config, where.sessionName)
    : undefined;
  return isTrueSetting(profile?.get("sso_use_device_code")) ||
    isTrueSetting(session?.get("sso_use_device_code"));
}

// ------------------------------------------------------------------ progress

const SPINNER = ["|", "/", "-", "\\"];

/** Shows `\r<spinner> <label> (m:ss left)` every 250 ms on a terminal; returns a stopper. */
export function startProgress(
  out: PromptOutput,
  label: string,
  until: number,
  now: () => number,
): () => Promise<void> {
  if (!out.isTerminal) return () => Promise.resolve();
  let frame = 0;
  let pending = Promise.resolve();
  const draw = () => {
    const left = Math.max(0, Math.ceil((until - now()) / 1000));
    const text = `\r${SPINNER[frame++ % SPINNER.length]} ${label} (${Math.floor(left / 60)}:${
      String(left % 60).padStart(2, "0")
    } left) `;
    pending = pending.then(() => out.write(text)).catch(() => {});
  };
  draw();
  const timer = setInterval(draw, 250);
  return async () => {
    clearInterval(timer);
    await pending;
    await out.write("\r\x1b[K").catch(() => {});
  };
}

// ------------------------------------------------------------------ the login

/** Maps a CreateToken failure to the login's exit codes. */
function mapGrantError(error: unknown, what: string): unknown {
  if (!(error instanceof AwsApiError)) return error;
  switch (error.errorCode) {
    case "ExpiredTokenException":
      return new LoginExpiredError(
        `The ${what} expired before the sign-in was completed; run the login again.`,
      );
    case "AccessDeniedException":
      return new LoginDeniedError(`Access was denied: the sign-in was not approved.`);
    case "InvalidGrantException":
      return new LoginDeniedError(
        `The ${what} was rejected by IAM Identity Center (InvalidGrantException); run the login again.`,
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
export async function performLogin(request: LoginRequest, deps: LoginDeps): Promise<LoginResult> {
  const { instance } = request;
  const log = deps.log;
  const oidc = resolveEndpoint("sso-oidc", instance.ssoRegion, deps.env, deps.endpointConfig);
  log?.log(`login to ${instance.startUrl} via ${oidc.url} (${oidc.source})`);
  let flow = chooseFlow(instance, {
    useDeviceCode: request.useDeviceCode,
    browser: deps.openBrowser !== undefined,
  });
  let loopback: Loopback | undefined;
  if (flow === "pkce") {
    try {
      loopback = startLoopback(deps.loopbackPort ?? 0);
    } catch (error) {
      const why = (error as Error).message?.split("\n")[0] ?? String(error);
      log?.log(`loopback listener failed: ${why}`);
      await deps.out.write(
        `Cannot listen on 127.0.0.1 for the browser's redirect (${why}); using the device code flow instead.\n`,
      );
      flow = "device";
    }
  }
  try {
    const { registration, reused } = await clientRegistration(instance, flow, oidc.url, deps);
    const created = flow === "pkce"
      ? await pkceFlow(instance, registration, loopback!, oidc.url, deps)
      : await deviceFlow(instance, registration, oidc.url, deps);
    const json = loginTokenJson(instance, created, registration, deps.now());
    const paths = [await tokenFilePath(deps.ssoCacheDir, instance)];
    for (const other of request.alsoFor ?? []) {
      const path = await tokenFilePath(deps.ssoCacheDir, other);
      if (paths.includes(path)) continue;
      const existing = await readToken(path);
      if (existing && isTokenFresh(existing, deps.now())) {
        log?.log(`not overwriting the fresh token of sso-session ${other.sessionName}`);
        continue;
      }
      paths.push(path);
    }
    for (const path of paths) {
      try {
        await writeToken(path, json);
      } catch (error) {
        throw new LoginFailedError(
          `Cannot write the token cache file ${path}: ${(error as Error).message}.`,
        );
      }
      log?.log(`token ${redact(created.accessToken)} written to ${path}`);
    }
    const token = tokenFromJson(json)!;
    await deps.out.write(`Login succeeded, valid until ${formatLocalTime(token.expiresAt)}\n`);
    return { token, flow, paths, registrationReused: reused };
  } finally {
    await loopback?.close();
  }
}

function apiContext(instance: SsoInstance, endpoint: string, deps: LoginDeps): ApiContext {
  return {
    region: instance.ssoRegion,
    endpoint,
    deadline: Date.now() + (deps.callTimeoutMs ?? LOGIN_CALL_TIMEOUT_MS),
    log: deps.log,
  };
}

/** The cached registration when it serves the flow and lives 15+ more minutes, else a new one. */
async function clientRegistration(
  instance: SsoInstance,
  flow: LoginFlow,
  endpoint: string,
  deps: LoginDeps,
): Promise<{ registration: CachedRegistration; reused: boolean }> {
  const path = await registrationFilePath(deps.ssoCacheDir, instance);
  const scopes = registrationScopes(instance);
  const cached = await readRegistration(path);
  if (
    cached && isRegistrationReusable(cached, flow, deps.now()) &&
    (scopes === undefined || (cached.scopes ?? []).length > 0)
  ) {
    deps.log?.log(`reusing client registration ${redact(cached.clientId)} from ${path}`);
    return { registration: cached, reused: true };
  }
  const grantTypes = flow === "pkce" ? [...PKCE_GRANT_TYPES] : undefined;
  const response = await registerClient(apiContext(instance, endpoint, deps), {
    clientName: clientName(instance, deps.now()),
    ...(scopes ? { scopes } : {}),
    ...(flow === "pkce"
      ? { grantTypes, redirectUris: [REGISTERED_REDIRECT_URI], issuerUrl: instance.startUrl }
      : {}),
  });
  const json = registrationJson(response, { scopes, grantTypes });
  try {
    await writeRegistration(path, json);
    deps.log?.log(`client registration ${redact(response.clientId)} cached in ${path}`);
  } catch (error) {
    deps.log?.log(`could not cache the client registration: ${(error as Error).message}`);
  }
  return { registration: registrationFromJson(json)!, reused: false };
}

// ------------------------------------------------------------------ PKCE

interface CallbackResult {
  code?: string;
  error?: string;
  errorDescription?: string;
}

interface Loopback {
  port: number;
  /** Resolves with the first callback whose `state` matches. */
  callback(state: string): Promise<CallbackResult>;
  close(): Promise<void>;
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

function page(title: string, text: string, status = 200): Response {
  return new Response(
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>aws-sso-util: ${
      escapeHtml(title)
    }</title></head><body style="font-family: sans-serif; margin: 3em"><h1>${
      escapeHtml(title)
    }</h1><p>${escapeHtml(text)}</p></body></html>\n`,
    {
      status,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    },
  );
}

/** Listens on 127.0.0.1 for the browser's redirect to `/oauth/callback`. Throws if it cannot bind. */
function startLoopback(port: number): Loopback {
  let expected: string | undefined;
  let deliver: ((result: CallbackResult) => void) | undefined;
  const delivered = new Promise<CallbackResult>((resolve) => (deliver = resolve));
  let done = false;
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, (req) => {
    const url = new URL(req.url);
    if (url.pathname !== CALLBACK_PATH) return new Response("Not found\n", { status: 404 });
    const q = url.searchParams;
    if (expected === undefined || q.get("state") !== expected) {
      return page(
        "Login request not recognised",
        "This sign-in response does not belong to the login in progress; it was ignored.",
        400,
      );
    }
    if (done) {
      return page("Login already handled", "You can close this window.");
    }
    done = true;
    const error = q.get("error");
    if (error !== null) {
      deliver!({ error, errorDescription: q.get("error_description") ?? undefined });
      return page(
        "Login failed",
        `${
          error === "access_denied" ? "Access was denied" : `The sign-in failed (${error})`
        }. You can close this window.`,
      );
    }
    const code = q.get("code");
    if (!code) {
      deliver!({ error: "invalid_request", errorDescription: "no code in the redirect" });
      return page("Login failed", "The redirect carried no authorization code.", 400);
    }
    deliver!({ code });
    return page(
      "Login successful",
      "aws-sso-util received the authorization. You can close this window.",
    );
  });
  return {
    port: server.addr.port,
    callback(state: string) {
      expected = state;
      return delivered;
    },
    async close() {
      await server.shutdown().catch(() => {});
    },
  };
}

async function pkceFlow(
  instance: SsoInstance,
  registration: CachedRegistration,
  loopback: Loopback,
  endpoint: string,
  deps: LoginDeps,
): Promise<CreatedToken> {
  const verifier = codeVerifier();
  const state = crypto.randomUUID();
  const redirectUri = `http://127.0.0.1:${loopback.port}${CALLBACK_PATH}`;
  const url = authorizeUrl({
    oidcEndpoint: endpoint,
    clientId: registration.clientId,
    redirectUri,
    state,
    scopes: registrationScopes(instance) ?? DEFAULT_SCOPES,
    codeChallenge: await codeChallenge(verifier),
  });
  const callback = loopback.callback(state);
  await deps.out.write(
    `Attempting to open the sign-in page for ${
      instanceLabel(instance)
    } in your browser.\nIf it does not open, open this URL in a browser on this computer:\n\n${url}\n\n`,
  );
  if (!(await deps.openBrowser!(url))) {
    await deps.out.write("Could not start a browser; open the URL above yourself.\n");
  }
  const timeoutMs = deps.authCodeTimeoutMs ?? AUTH_CODE_TIMEOUT_MS;
  const stop = startProgress(
    deps.out,
    "Waiting for the sign-in in your browser",
    deps.now() + timeoutMs,
    deps.now,
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
    throw new LoginExpiredError(
      `The sign-in was not completed in the browser within ${
        Math.round(timeoutMs / 60_000)
      } minutes; run the login again.`,
    );
  }
  if (result.error !== undefined) {
    deps.log?.log(`authorization failed: ${result.error} ${result.errorDescription ?? ""}`);
    if (result.error === "access_denied") {
      throw new LoginDeniedError("Access was denied: the sign-in was not approved in the browser.");
    }
    throw new LoginFailedError(
      `The authorization failed: ${result.error}${
        result.errorDescription ? ` (${result.errorDescription.replace(/[.\s]+$/, "")})` : ""
      }.`,
    );
  }
  deps.log?.log("authorization code received");
  try {
    return await createToken(apiContext(instance, endpoint, deps), {
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      grantType: "authorization_code",
      redirectUri,
      codeVerifier: verifier,
      code: result.code!,
    });
  } catch (error) {
    throw mapGrantError(error, "authorization code");
  }
}

// ------------------------------------------------------------------ device code

async function deviceFlow(
  instance: SsoInstance,
  registration: CachedRegistration,
  endpoint: string,
  deps: LoginDeps,
): Promise<CreatedToken> {
  const sleep = deps.sleep ?? realSleep;
  const auth = await startDeviceAuthorization(apiContext(instance, endpoint, deps), {
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    startUrl: instance.startUrl,
  });
  const expiresAt = deps.now() + auth.expiresIn * 1000;
  let interval = Math.max(1, auth.interval || 5) * 1000;
  deps.log?.log(`device authorization started, expires in ${auth.expiresIn}s`);
  const poll = async (): Promise<CreatedToken | "pending" | "slow"> => {
    try {
      return await createToken(apiContext(instance, endpoint, deps), {
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
      throw mapGrantError(error, "device authorization");
    }
  };
  // One immediate attempt: an authorization approved beforehand needs no prompt (spec §5.1).
  let outcome = await poll();
  if (typeof outcome === "object") return outcome;
  const url = auth.verificationUriComplete;
  const browser = deps.openBrowser !== undefined;
  await deps.out.write(
    (browser
      ? `Attempting to open the authorization page for ${
        instanceLabel(instance)
      } in your browser.\nIf it does not open, or to sign in from another device, open this URL:\n`
      : `To sign in to ${instanceLabel(instance)}, open this URL in a browser on any device:\n`) +
      `\n${url}\n\nThen check that the page shows the code: ${auth.userCode}\n\n`,
  );
  if (browser && !(await deps.openBrowser!(url))) {
    await deps.out.write("Could not start a browser; open the URL above yourself.\n");
  }
  const stop = startProgress(deps.out, "Waiting for the authorization", expiresAt, deps.now);
  try {
    while (true) {
      if (outcome === "slow") interval += SLOW_DOWN_STEP_MS;
      const remaining = expiresAt - deps.now();
      if (remaining <= 0) {
        throw new LoginExpiredError(
          "The device authorization expired before the sign-in was completed; run the login again.",
        );
      }
      await sleep(Math.min(interval, remaining));
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
  instance: SsoInstance,
  context: {
    env: Env;
    ssoCacheDir: string;
    endpointConfig?: EndpointConfig;
    now: () => number;
    log?: DebugLog;
    useDeviceCode?: boolean;
    headless?: boolean;
  },
): Promise<LoginResult> {
  const browser = canOpenBrowser({ env: context.env, headless: context.headless });
  return performLogin({ instance, useDeviceCode: context.useDeviceCode }, {
    ssoCacheDir: context.ssoCacheDir,
    env: context.env,
    endpointConfig: context.endpointConfig,
    now: context.now,
    openBrowser: browser ? systemBrowserOpener(context.env, context.log) : undefined,
    out: stderrOutput(),
    log: context.log,
  });
}

// ------------------------------------------------------------------ auto-login (credential-process)

/** A way to reach the user from `credential-process`: where prompts go, and a browser if any. */
export interface UserChannel {
  out: PromptOutput;
  openBrowser?: BrowserOpener;
  /** For the debug log: "/dev/tty", "stderr (terminal)", "browser". */
  via: string;
  close(): void;
}

/** Opens URLs with `BROWSER` or the platform opener, logging why one could not be started. */
export function systemBrowserOpener(env: Env, log?: DebugLog): BrowserOpener {
  return (url) => {
    const result = openUrl(url, { env });
    if (!result.opened) {
      log?.log(`could not open a browser: ${result.reason}`);
      return false;
    }
    log?.log(`browser command started: ${result.command[0]}`);
    result.exited.then((code) => log?.log(`browser command ${result.command[0]} exited ${code}`));
    return true;
  };
}

/**
 * Finds a way to reach the user: the controlling terminal (`/dev/tty` opened for read and
 * write; Deno 2 allows writing to it only with --allow-all, so under the declared permissions
 * this falls back to stderr when stderr itself is a terminal), and/or a browser that can be
 * opened. Undefined when there is neither: the caller must then fail at once.
 */
export async function probeUserChannel(env: Env, log?: DebugLog): Promise<UserChannel | undefined> {
  let tty: Deno.FsFile | undefined;
  if (Deno.build.os !== "windows") {
    try {
      tty = await Deno.open("/dev/tty", { read: true, write: true });
    } catch (error) {
      log?.log(`cannot open /dev/tty for writing: ${(error as Error).message?.split("\n")[0]}`);
    }
  }
  const browser = canOpenBrowser({ env });
  const stderrTerminal = safeIsTerminal(Deno.stderr);
  if (!tty && !stderrTerminal && !browser) return undefined;
  const out = tty ? fileOutput(tty, true) : fileOutput(Deno.stderr, stderrTerminal);
  const via = tty ? "/dev/tty" : stderrTerminal ? "stderr (terminal)" : "browser";
  return {
    out,
    openBrowser: browser ? systemBrowserOpener(env, log) : undefined,
    via: browser && via !== "browser" ? `${via} and browser` : via,
    close() {
      try {
        tty?.close();
      } catch { /* already closed */ }
    },
  };
}

/** What `credential-process --login` passes to {@link autoLogin}. */
export interface AutoLoginOptions {
  instance: SsoInstance;
  profileName?: string;
  /** The config file, for `sso_use_device_code` and sessions sharing a legacy start URL. */
  configFile?: string;
  ssoCacheDir: string;
  env: Env;
  endpointConfig?: EndpointConfig;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: DebugLog;
  /** The error to throw when the user cannot be reached. */
  loginRequired: LoginRequiredError;
  /** A token the service rejected: not reused even if it looks fresh. */
  rejectedAccessToken?: string;
  /** Finds a way to reach the user (default {@link probeUserChannel}). */
  reachUser?: () => Promise<UserChannel | undefined>;
  /** How long to wait for another process's login (default {@link LOGIN_LOCK_WAIT_MS}). */
  lockWaitMs?: number;
  /** Passed to the login (tests). */
  authCodeTimeoutMs?: number;
}

/**
 * Logs in on behalf of `credential-process` when the user can be reached (else throws
 * `loginRequired` at once). Holds the token lock (the one the refresh uses) for the whole
 * login, and re-reads the token after taking it, so parallel processes start only one login.
 * The wait is bounded by the authorization's expiry. Failures map to credential-process exit
 * codes: window expired → 1 (login required), denied → 3, others keep theirs.
 */
export async function autoLogin(options: AutoLoginOptions): Promise<SsoToken> {
  const log = options.log;
  const channel = await (options.reachUser ?? (() => probeUserChannel(options.env, log)))();
  if (!channel) {
    log?.log("auto-login: no terminal and no browser to reach the user");
    throw options.loginRequired;
  }
  log?.log(`auto-login: reaching the user through ${channel.via}`);
  // Tell the user when another process's login keeps the lock for more than a moment.
  const waitNote = setTimeout(() => {
    channel.out.write("Waiting for the login started by another aws-sso-util process...\n")
      .catch(() => {});
  }, 1000);
  try {
    const path = await tokenFilePath(options.ssoCacheDir, options.instance);
    return await withFileLock(
      path.replace(/\.json$/, ".lock"),
      options.lockWaitMs ?? LOGIN_LOCK_WAIT_MS,
      async (locked) => {
        clearTimeout(waitNote);
        log?.log(locked ? "token lock acquired" : "token lock not acquired; going on");
        const current = await readToken(path);
        if (
          current && isTokenFresh(current, options.now()) &&
          current.accessToken !== options.rejectedAccessToken
        ) {
          log?.log("another process logged in meanwhile");
          return current;
        }
        const config = options.configFile !== undefined
          ? await loadConfigFile(options.configFile).catch(() => undefined)
          : undefined;
        await channel.out.write(
          `aws-sso-util credential-process: login required for ${
            instanceLabel(options.instance)
          }.\n`,
        );
        const result = await performLogin({
          instance: options.instance,
          useDeviceCode: deviceCodeConfigured(config, {
            profileName: options.profileName,
            sessionName: options.instance.sessionName,
          }),
          alsoFor: sessionsSharingUrl(config, options.instance),
        }, {
          ssoCacheDir: options.ssoCacheDir,
          env: options.env,
          endpointConfig: options.endpointConfig,
          now: options.now,
          sleep: options.sleep,
          openBrowser: channel.openBrowser,
          out: channel.out,
          log,
          authCodeTimeoutMs: options.authCodeTimeoutMs,
        });
        return result.token;
      },
    );
  } catch (error) {
    if (error instanceof LoginExpiredError) {
      throw new LoginRequiredError(
        `${
          error.message.replace(/; run the login again\.$/, ".")
        } ${options.loginRequired.message}`,
      );
    }
    if (error instanceof LoginDeniedError) throw new AuthDispatchError(error.message);
    throw error;
  } finally {
    clearTimeout(waitNote);
    channel.close();
  }
}
