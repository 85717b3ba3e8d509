/**
 * `aws-sso-util serve`: a long-running credential endpoint on 127.0.0.1 (the ECS
 * container-credentials protocol) for local programs and IDEs. It prints the two variables that
 * point an SDK at it, then serves refreshed credentials until Ctrl-C or SIGTERM.
 */
import { fileFailureReason } from "../base/file_failure.ts";
import type { Command } from "../ui/commander.ts";
import { exitCodes } from "../ui/exit_codes.ts";
import { MAX_CONFIG_BYTES, readBoundedText } from "../base/bounded_read.ts";
import { ConfigError, describeFailure, FAILURE_CODES } from "../base/errors.ts";
import { CredentialEndpoint } from "../net/credential_endpoint.ts";
import { stopSignal } from "../process/stop_signal.ts";
import type { Runtime } from "../base/runtime.ts";
import { credentialsForTarget } from "./target_credentials.ts";
import { addRoleOptions } from "../ui/role_options.ts";
import { examplesText } from "../ui/help_text.ts";
import { safeEcho, shownPath } from "../base/safe_text.ts";
import type { CredentialProcessSettings } from "../config/settings.ts";
import { readToken, tokenFilePath } from "../cache/token_cache.ts";
import { loginState } from "../cache/login_state.ts";
import { localTime } from "../ui/status_report.ts";
import type { RoleOptions } from "../config/role_target.ts";

/** Parsed options of the command. */
export interface ServeOptions extends RoleOptions {
  port?: string;
  tokenFile?: string;
}

/** A port number 1–65535. */
function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new ConfigError(`The port ${safeEcho(text)} is not a number from 1 to 65535.`);
  }
  return Number(text);
}

/** An authorization token read from a file: one line of 16–1024 visible ASCII characters. */
export async function readTokenFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readBoundedText(path, MAX_CONFIG_BYTES);
  } catch (error) {
    throw new ConfigError(
      `Cannot read the token file ${shownPath(path)}: ${fileFailureReason(error)}.`,
    );
  }
  const token = text.replace(/\r?\n$/, "");
  if (!/^[\x21-\x7e]{16,1024}$/.test(token)) {
    throw new ConfigError(
      `The token file ${
        shownPath(path)
      } must hold one line of 16 to 1024 visible ASCII characters without spaces.`,
    );
  }
  return token;
}

/**
 * Until when the credentials can be renewed without a new login: the SSO token's refresh horizon,
 * or its expiry (read from the token cache; the same either-key lookup as the credentials).
 */
async function loginHorizon(settings: CredentialProcessSettings, rt: Runtime): Promise<string> {
  const { ssoCacheDir } = rt.paths();
  const now = rt.now();
  for (const instance of [settings, settings.sameUrlLegacy]) {
    if (instance === undefined) continue;
    const token = await readToken(await tokenFilePath(ssoCacheDir, instance));
    if (token === undefined) continue;
    const state = loginState(token, now);
    if (state.state === "expired") continue;
    return state.refreshableUntil !== undefined
      ? `while the SSO login can be refreshed (until ${localTime(state.refreshableUntil)})`
      : `until the SSO login expires at ${localTime(token.expiresAt)}`;
  }
  return "while the SSO login lasts";
}

/**
 * Resolves the role, gets credentials once (so a login problem shows at once), starts the
 * endpoint, prints its two lines and serves until `stop` resolves.
 */
export async function runServe(
  options: ServeOptions,
  rt: Runtime,
  stop: () => Promise<unknown> = stopSignal,
): Promise<void> {
  const port = parsePort(options.port);
  const token = options.tokenFile === undefined
    ? undefined
    : await readTokenFile(options.tokenFile);
  const stopped = stop();
  const target = await credentialsForTarget(options, rt);
  await target.getCredentials();
  let endpoint: CredentialEndpoint;
  try {
    endpoint = CredentialEndpoint.start({
      getCredentials: target.getCredentials,
      token,
      port,
      now: () => rt.now(),
      refreshAheadMs: rt.limits.endpointRefreshAheadMs,
      onError: (message) => void rt.stderr.write(`${message}\n`),
    });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new ConfigError(`Port ${port} on 127.0.0.1 is in use; choose another with --port.`);
    }
    throw new ConfigError(`Cannot listen on 127.0.0.1: ${describeFailure(error).message}`);
  }
  try {
    await rt.stdout.write(
      `AWS_CONTAINER_CREDENTIALS_FULL_URI=${endpoint.url}\n` +
        `AWS_CONTAINER_AUTHORIZATION_TOKEN=${endpoint.token}\n`,
    );
    await rt.stderr.write(
      `Serving the credentials of ${target.role} at ${endpoint.url}, refreshed before they expire ${
        target.ssoSettings
          ? await loginHorizon(target.ssoSettings, rt)
          : "for as long as they can be"
      }; stop with Ctrl-C.\n`,
    );
    await stopped;
  } finally {
    await endpoint.close();
  }
}

/** Registers `serve` on the program. */
export function register(program: Command, rt: Runtime): void {
  addRoleOptions(
    exitCodes(program.command("serve"), FAILURE_CODES.serve)
      .summary("serve refreshed credentials to local programs on 127.0.0.1 (container protocol)")
      .description(
        "Serve role credentials on 127.0.0.1 with the ECS container-credentials protocol, " +
          "refreshed before they expire, until Ctrl-C. Prints AWS_CONTAINER_CREDENTIALS_FULL_URI " +
          "and AWS_CONTAINER_AUTHORIZATION_TOKEN for the programs to use.",
      )
      .addHelpText(
        "after",
        examplesText([
          "aws-sso-util serve --profile dev",
          "aws-sso-util serve --profile dev --port 9911 --token-file ~/.aws/serve-token",
        ]),
      ),
  )
    .option("--port <N>", "listen on this port of 127.0.0.1 (default: any free port)")
    .option(
      "--token-file <FILE>",
      "take the authorization token from this file instead of a random one",
    )
    .action(async (options: ServeOptions) => {
      await runServe(options, rt);
    });
}
