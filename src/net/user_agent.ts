/**
 * The `User-Agent` of every AWS call, in the AWS SDKs' format (`ua/2.1` metadata):
 * `aws-sso-util-deno/<version> ua/2.1 os/<os>#<release> lang/js md/deno#<version>
 * cfg/retry-mode#<mode> [app/<id>]`, the app id from `AWS_SDK_UA_APP_ID` / `sdk_ua_app_id`.
 *
 * @module
 */
import { type ClientSettings, userAgentToken } from "../config/client_settings.ts";
import { VERSION } from "../base/version.ts";

let base: string | undefined;

/** The part that is the same for every call of this process. */
function baseUserAgent(): string {
  if (base === undefined) {
    let release = "";
    try {
      release = Deno.osRelease();
    } catch {
      // No `sys` permission "osRelease": the OS name alone.
    }
    const os = userAgentToken(Deno.build.os) + (release ? `#${userAgentToken(release)}` : "");
    base = `aws-sso-util-deno/${userAgentToken(VERSION)} ua/2.1 os/${os} lang/js ` +
      `md/deno#${userAgentToken(Deno.version.deno)}`;
  }
  return base;
}

/** The user agent of calls made with `client`'s settings. */
export function userAgent(client: ClientSettings): string {
  return `${baseUserAgent()} cfg/retry-mode#${client.retry.mode.value}` +
    (client.appId ? ` app/${client.appId}` : "");
}
