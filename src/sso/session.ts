/**
 * One command run's dealings with one IAM Identity Center instance: the runtime, the instance
 * (and the start URL's legacy login beside an sso-session), its endpoint settings, the debug log
 * and warning sink, and the sentence that asks for a login. Everything of the sso/ floor takes
 * it: the token (`token_provider.ts`), the listings (`account_listing.ts`) and the API calls
 * (`api()`); a command builds one and hands it down, instead of a context bag per module.
 *
 * @module
 */
import type { DebugLog } from "../base/debug_log.ts";
import type { LoginRequiredError } from "../base/errors.ts";
import type { SsoToken } from "../cache/token_cache.ts";
import type { Runtime } from "../base/runtime.ts";
import { safeEcho } from "../base/safe_text.ts";
import type { AwsConfigDocument } from "../config/aws_config_file.ts";
import {
  type EndpointConfig,
  profileEndpointConfig,
  type ResolvedEndpoint,
  resolveEndpoint,
} from "../config/endpoints.ts";
import type { SsoInstance } from "../config/settings.ts";
import type { ApiContext } from "./sso_api.ts";

/** What a session is made of. */
export interface SessionOptions {
  /** Environment, clock, limits, HTTP transport and file-system roots. */
  rt: Runtime;
  /**
   * The instance; for an sso-session chosen by its start URL, `sameUrlLegacy` is the same start
   * URL keyed the legacy way, whose token `aws sso login` writes for profiles without a session.
   */
  instance: SsoInstance & { sameUrlLegacy?: SsoInstance };
  /**
   * The profile's endpoint settings (its keys and `services` section); default: those of
   * `profileName` in `config`.
   */
  endpointConfig?: EndpointConfig;
  /** The parsed config file, for the default endpoint settings. */
  config?: AwsConfigDocument;
  log: DebugLog;
  /** Says a warning sentence (each distinct one once per run); default: the debug log only. */
  warn?: (sentence: string) => void;
  /** The profile the instance came from: the login sentence names it. */
  profileName?: string;
  /** The sentence of the LoginRequiredError (default {@link loginRequiredMessage}). */
  loginRequiredMessage?: string;
  /** An interactive login when one is required and wanted; none: a login is an error. */
  login?: SessionLogin;
}

/** Why a login is needed. */
export interface LoginRequest {
  /** Thrown when the user cannot be reached (or refuses): the sentence that says why. */
  loginRequired: LoginRequiredError;
  /** A token the service rejected: not taken as the result even if it looks fresh. */
  rejectedAccessToken?: string;
}

/**
 * Logs in on the session's behalf and resolves with the new token: the login capability a
 * command injects (`login/lazy_login.ts`, which loads the login flows only then).
 */
export type SessionLogin = (session: SsoSession, request: LoginRequest) => Promise<SsoToken>;

/** The session of one command run (see the module's description). */
export class SsoSession {
  readonly rt: Runtime;
  readonly instance: SsoInstance;
  /** The start URL's legacy login beside an sso-session, when there is one. */
  readonly legacy?: SsoInstance;
  readonly endpointConfig: EndpointConfig;
  readonly log: DebugLog;
  readonly profileName?: string;
  /** The one sentence that says how to log in again. */
  readonly loginRequiredMessage: string;
  /** The injected login capability, if a login may be started. */
  readonly login?: SessionLogin;
  readonly #warn?: (sentence: string) => void;
  readonly #endpoints = new Map<string, ResolvedEndpoint>();

  constructor(options: SessionOptions) {
    this.rt = options.rt;
    this.instance = options.instance;
    this.legacy = options.instance.sameUrlLegacy;
    this.endpointConfig = options.endpointConfig ??
      profileEndpointConfig(options.config, options.profileName);
    this.log = options.log;
    this.profileName = options.profileName;
    this.loginRequiredMessage = options.loginRequiredMessage ??
      loginRequiredMessage(options.instance, options.profileName);
    this.login = options.login;
    this.#warn = options.warn;
  }

  /** The SSO token cache folder (`~/.aws/sso/cache`). */
  get ssoCacheDir(): string {
    return this.rt.paths().ssoCacheDir;
  }

  /** Says a warning sentence (and logs it). */
  warn(sentence: string): void {
    if (this.#warn) this.#warn(sentence);
    else this.log.log(`warning: ${sentence}`);
  }

  /**
   * The endpoint of the portal (`sso`) or SSO OIDC (`sso-oidc`), resolved once (ConfigError for
   * a bad setting; never touches the network).
   */
  endpoint(service: "sso" | "sso-oidc"): ResolvedEndpoint {
    let endpoint = this.#endpoints.get(service);
    if (!endpoint) {
      endpoint = resolveEndpoint(
        service,
        this.instance.ssoRegion,
        this.rt.env,
        this.endpointConfig,
      );
      this.#endpoints.set(service, endpoint);
    }
    return endpoint;
  }

  /** The context of one API call to `service`, abandoned at `deadline`. */
  api(service: "sso" | "sso-oidc", deadline: number): ApiContext {
    return { rt: this.rt, endpoint: this.endpoint(service), deadline, log: this.log };
  }
}

/** The one sentence that tells the user how to log in again. */
export function loginRequiredMessage(instance: SsoInstance, profileName?: string): string {
  return profileName !== undefined
    ? `Login required. Use \`aws-sso-util login --profile ${
      safeEcho(profileName)
    }\` or \`aws sso login --profile ${safeEcho(profileName)}\` and try again.`
    : `Login required for ${safeEcho(instance.startUrl)}. Use \`aws-sso-util login ${
      safeEcho(instance.startUrl)
    } ${safeEcho(instance.ssoRegion)}\` and try again.`;
}
