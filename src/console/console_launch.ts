/**
 * One console launch, after the settings are known: plan the sign-in URLs (all checked before
 * anything is sent), trade role credentials for a sign-in token, then print the sign-in URL or
 * open it in the browser. The role credentials come from the caller (the same credential path as
 * `credential-process`), so this module never touches the caches.
 *
 * @module
 */
import { consoleDestination } from "./console_destination.ts";
import { loginUrl, logoutFirstUrl, redactedLoginUrl } from "./console_url.ts";
import { getSigninToken, type SessionCredentials } from "./signin_token.ts";
import {
  federationHost,
  isSigninHost,
  launchPartition,
  type SigninEndpoint,
  signinEndpoint,
} from "./signin_endpoint.ts";
import type { DebugLog } from "../base/debug_log.ts";
import { ConfigError } from "../base/errors.ts";
import type { CaBundle, Runtime } from "../base/runtime.ts";
import { isRegion } from "../config/settings.ts";
import { browserFailure, runtimeBrowser } from "../login/user_channel.ts";
import { safeEcho } from "../base/safe_text.ts";
import { startSigninRelay } from "./signin_relay.ts";

/** What a launch is asked for (settings already resolved from flags, env and config). */
export interface LaunchRequest {
  startUrl: string;
  ssoRegion: string;
  /** The console region (`--region`); undefined: none. */
  region?: string;
  /** A path or console URL (`--destination`); undefined: the console home. */
  destination?: string;
  overrideRegionInDestination?: boolean;
  /** Minutes, already checked (15–720). */
  durationMinutes?: number;
  /** Undefined: the start URL. */
  issuer?: string;
  /** Sign the browser out first, in the same navigation. */
  logoutFirst?: boolean;
}

/** The checked URLs and values of a launch, before any network call. */
export interface LaunchPlan {
  endpoint: SigninEndpoint;
  destination: string;
  issuer: string;
  durationMinutes?: number;
  logoutFirst: boolean;
}

/** Checks a launch and works out its URLs; throws ConfigError (exit 2) before anything is sent. */
export function planLaunch(request: LaunchRequest, rt: Pick<Runtime, "env">): LaunchPlan {
  if (request.region !== undefined && !isRegion(request.region)) {
    throw new ConfigError(
      `The console region ${safeEcho(request.region)} is not an AWS region name such as us-east-1.`,
    );
  }
  const partition = launchPartition(request.ssoRegion, request.region);
  const logoutFirst = Boolean(request.logoutFirst);
  const host = federationHost(partition, request.region, logoutFirst);
  const endpoint = signinEndpoint(partition, host, rt.env);
  return {
    endpoint,
    destination: consoleDestination({
      destination: request.destination,
      region: request.region,
      overrideRegion: request.overrideRegionInDestination,
      consoleHost: endpoint.consoleHost,
    }),
    issuer: request.issuer?.trim() || request.startUrl,
    durationMinutes: request.durationMinutes,
    logoutFirst,
  };
}

/**
 * Whether a config token's federation endpoint is one of AWS's sign-in endpoints. A launch
 * always sends the credentials to the endpoint it works out itself; a token naming anything else is
 * warned about (a token is shared, and must never redirect credentials).
 */
export function isAwsFederationUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" && isSigninHost(parsed.hostname) &&
      parsed.pathname === "/federation" && !parsed.username && !parsed.port;
  } catch {
    return false;
  }
}

/** Trades role credentials for a sign-in token and returns the URL to open (a bearer secret). */
export async function signinUrl(
  rt: Runtime,
  plan: LaunchPlan,
  credentials: SessionCredentials,
  log: DebugLog,
  caBundle?: CaBundle,
): Promise<string> {
  log.log(
    `console ${plan.endpoint.partition} federation ${plan.endpoint.federationUrl} (${plan.endpoint.source}), destination ${plan.destination}`,
  );
  const signinToken = await getSigninToken(rt, {
    federationUrl: plan.endpoint.federationUrl,
    credentials,
    durationMinutes: plan.durationMinutes,
    caBundle,
    log,
  });
  const login = loginUrl({
    federationUrl: plan.endpoint.federationUrl,
    issuer: plan.issuer,
    destination: plan.destination,
    signinToken,
  });
  const url = plan.logoutFirst ? logoutFirstUrl(plan.endpoint.logoutUrl, login) : login;
  log.log(`sign-in URL ${redactedLoginUrl(url)}`);
  return url;
}

/** How the URL reaches the user. */
export interface Delivery {
  /** Print the URL on stdout. */
  print: boolean;
  /** Open it in the browser (when one can be opened; else it goes to stderr). */
  open: boolean;
}

/**
 * Prints the URL on stdout (`print`) and/or opens it in the browser (`open`, the same opener
 * rules as `login`) through a one-time loopback redirect (`signin_relay.ts`), so the sign-in URL
 * is on no command line; waits up to `limits.consoleOpenMs` for the browser to fetch it. When it
 * should open but cannot, or the browser does not come, the URL goes to stderr with one sentence.
 */
export async function deliverUrl(
  rt: Runtime,
  url: string,
  delivery: Delivery,
  log: DebugLog,
): Promise<void> {
  if (delivery.print) await rt.stdout.write(url + "\n");
  if (!delivery.open) return;
  const opener = runtimeBrowser(rt, log);
  let why = "No browser could be opened";
  if (opener !== undefined) {
    const relay = startSigninRelay(url, rt.limits.consoleOpenMs);
    log.log(`sign-in relay listening on 127.0.0.1 (one fetch, ${rt.limits.consoleOpenMs}ms)`);
    try {
      const opened = await opener(relay.url);
      if (opened === true) {
        if (await relay.fetched) {
          await rt.stderr.write("Opened the AWS console sign-in in your browser.\n");
          return;
        }
        why = "The browser did not load the sign-in page in time";
      } else if (typeof opened === "string") {
        const then = delivery.print ? "the sign-in URL is on stdout" : "open the sign-in URL below";
        await rt.stderr.write(`${browserFailure(opened, then)}\n`);
      }
    } finally {
      await relay.close();
    }
  }
  log.log(`${why}; the sign-in URL goes to stderr`);
  if (delivery.print) return; // already on stdout
  await rt.stderr.write(
    `${why}; open this sign-in URL within 15 minutes (it signs in as the role, keep it private):\n${url}\n`,
  );
}
