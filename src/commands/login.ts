/**
 * `aws-sso-util login [START_URL] [SSO_REGION]`: signs in to IAM Identity Center and writes the
 * SSO token cache exactly as `aws sso login` does. sso-session instances use the authorization
 * code flow with PKCE in the browser (device code with `--use-device-code`,
 * `sso_use_device_code = true`, or when no browser can be opened); legacy instances use the
 * device code flow.
 */
import { type Command, Option } from "../ui/commander.ts";
import { exitCodes } from "../ui/exit_codes.ts";
import type { AwsConfigDocument } from "../config/aws_config_file.ts";
import { browserDisabledByEnv } from "../login/browser.ts";
import { DebugLog } from "../base/debug_log.ts";
import { resolveClientSettings } from "../config/client_settings.ts";
import { addAlias } from "../ui/option_alias.ts";
import { examplesText } from "../ui/help_text.ts";
import { isEnvFlagOn } from "../base/truthy.ts";
import { profileEndpointConfig } from "../config/endpoints.ts";
import { chainSsoSource } from "../cache/profile_chain.ts";
import { SsoSession } from "../sso/session.ts";
import {
  CliError,
  ConfigError,
  describeFailure,
  FAILURE_CODES,
  InstanceError,
  LoginError,
} from "../base/errors.ts";
import { configInstances, type FoundInstance, resolveInstance } from "../config/instance.ts";
import { deviceCodeConfigured, sessionsSharingUrl } from "../config/login_config.ts";
import {
  formatLocalTime,
  instanceLabel,
  type LoginResult,
  performLogin,
} from "../login/oidc_login.ts";
import { awsPaths, type Env } from "../base/paths.ts";
import type { PromptOutput, Runtime } from "../base/runtime.ts";
import { loadConfigFile } from "../config/settings.ts";
import { safeEcho, shownPath } from "../base/safe_text.ts";
import {
  accessOnlyTokenJson,
  isTokenFresh,
  readToken,
  type SsoToken,
  tokenFilePath,
  writeToken,
} from "../cache/token_cache.ts";
import { runtimeBrowser, sinkOutput } from "../login/user_channel.ts";

/** `true`/`1`: `login` without START_URL or `--profile` logs in to every instance (`--all`). */
export const LOGIN_ALL_VAR = "AWS_SSO_LOGIN_ALL";

/** Parsed options of the command (commander's names). */
export interface LoginOptions {
  profile?: string;
  /** The original's hidden spelling of the START_URL argument. */
  ssoStartUrl?: string;
  ssoRegion?: string;
  all?: boolean;
  forceRefresh?: boolean;
  headless?: boolean;
  /** `false` with `--no-browser`. */
  browser?: boolean;
  useDeviceCode?: boolean;
  verbose?: boolean;
}

/** What happened to one instance. */
export interface InstanceOutcome {
  instance: FoundInstance;
  /** Set when a login ran and succeeded. */
  result?: LoginResult;
  /** True when its token was fresh and no login was needed. */
  alreadyLoggedIn?: boolean;
  error?: CliError;
}

/**
 * The instances to log in to. Flags that select no instance are `badInstance` failures (login's
 * table makes every resolution failure exit 1).
 */
export function loginInstances(
  startUrl: string | undefined,
  ssoRegion: string | undefined,
  options: LoginOptions,
  env: Env,
  config: AwsConfigDocument | undefined,
  configPath: string,
): FoundInstance[] {
  if (
    ssoRegion !== undefined && options.ssoRegion !== undefined && ssoRegion !== options.ssoRegion
  ) {
    throw new ConfigError(
      `The SSO region is given twice (${safeEcho(ssoRegion)} and --sso-region ${
        safeEcho(options.ssoRegion)
      }); give it once.`,
      "badInstance",
    );
  }
  if (
    startUrl !== undefined && options.ssoStartUrl !== undefined && startUrl !== options.ssoStartUrl
  ) {
    throw new ConfigError(
      `The start URL is given twice (${safeEcho(startUrl)} and --sso-start-url ${
        safeEcho(options.ssoStartUrl)
      }); give it once.`,
      "badInstance",
    );
  }
  startUrl ??= options.ssoStartUrl;
  const region = ssoRegion ?? options.ssoRegion;
  const all = options.all ?? (startUrl === undefined && options.profile === undefined &&
    isEnvFlagOn(env(LOGIN_ALL_VAR)));
  if (all) {
    if (startUrl !== undefined || options.profile !== undefined) {
      throw new ConfigError(
        "Give either --all or a start URL / --profile, not both.",
        "badInstance",
      );
    }
    const all = configInstances(config);
    if (all.length === 0) {
      throw new InstanceError(
        `No SSO instance is configured in ${shownPath(configPath)}.`,
        "noInstance",
      );
    }
    return all;
  }
  if (startUrl !== undefined && options.profile !== undefined) {
    throw new ConfigError("Give either a start URL or --profile, not both.", "badInstance");
  }
  return [resolveInstance(
    { startUrl, ssoRegion: region, profile: options.profile },
    env,
    config,
    configPath,
  )];
}

/**
 * Logs in to each selected instance in turn: a fresh token (15+ minutes left) is reported and
 * kept unless `--force-refresh`. Returns one outcome per instance; failures are collected.
 * Prompts go to `out`; the browser is the runtime's (`rt.openBrowser`).
 */
export async function login(
  startUrl: string | undefined,
  ssoRegion: string | undefined,
  options: LoginOptions,
  rt: Runtime,
  log: DebugLog,
  out: PromptOutput,
): Promise<InstanceOutcome[]> {
  // An unusable config file (or home directory) is exit 1, as an instance that cannot be found.
  const paths = awsPaths(rt.env);
  const config = await loadConfigFile(paths.configFile);
  // A profile that assumes a role logs in to its chain's SSO source.
  const chained = options.profile !== undefined && startUrl === undefined && !options.all
    ? await chainSsoSource(rt, options.profile, config)
    : undefined;
  const instances = chained
    ? [chained.instance]
    : loginInstances(startUrl, ssoRegion, options, rt.env, config, paths.configFile);
  const force = Boolean(options.forceRefresh);
  const headless = Boolean(options.headless) || options.browser === false ||
    browserDisabledByEnv(rt.env);
  const openBrowser = runtimeBrowser(rt, log, headless);
  // A bad AWS setting is one sentence (exit 2) before anything is read or sent.
  const active = profileEndpointConfig(config, options.profile);
  resolveClientSettings(rt.env, active.profile, active.profileName);
  const outcomes: InstanceOutcome[] = [];
  for (const instance of instances) {
    if (instances.length > 1) await out.write(`Logging in to ${instanceLabel(instance)}\n`);
    const outcome: InstanceOutcome = { instance };
    outcomes.push(outcome);
    try {
      if (!force) {
        const existing = await readToken(await tokenFilePath(paths.ssoCacheDir, instance));
        if (existing && isTokenFresh(existing, rt.now())) {
          outcome.alreadyLoggedIn = true;
          await fillLegacyToken(instance, existing, paths.ssoCacheDir, rt.now(), log);
          await out.write(
            `Already logged in to ${instanceLabel(instance)}, valid until ${
              formatLocalTime(existing.expiresAt)
            }; use --force-refresh to log in again.\n`,
          );
          continue;
        }
      }
      const profileName = chained
        ? chained.profileName
        : instances.length === 1
        ? options.profile
        : undefined;
      const session = new SsoSession({
        rt,
        instance,
        config,
        log,
        profileName,
      });
      outcome.result = await performLogin(session, {
        useDeviceCode: Boolean(options.useDeviceCode) ||
          deviceCodeConfigured(config, { profileName, sessionName: instance.sessionName }),
        alsoFor: [
          ...sessionsSharingUrl(config, instance),
          ...(instance.sameUrlLegacy ? [instance.sameUrlLegacy] : []),
        ],
        openBrowser,
        out,
      });
    } catch (error) {
      outcome.error = error instanceof CliError
        ? error
        : new LoginError(describeFailure(error).message, "loginFailed");
      if (instances.length > 1) await out.write(`${outcome.error.message}\n`);
    }
  }
  return outcomes;
}

/**
 * For an sso-session found by its start URL that is already logged in: copies its fresh token
 * to the legacy start-URL-keyed file too, unless that one is fresh, as a login would.
 */
async function fillLegacyToken(
  instance: FoundInstance,
  token: SsoToken,
  ssoCacheDir: string,
  now: number,
  log: DebugLog | undefined,
): Promise<void> {
  if (instance.sameUrlLegacy === undefined) return;
  const path = await tokenFilePath(ssoCacheDir, instance.sameUrlLegacy);
  const legacy = await readToken(path);
  if (legacy && isTokenFresh(legacy, now)) return;
  try {
    await writeToken(path, accessOnlyTokenJson(token.raw));
    log?.log(`token of sso-session ${instance.sessionName} copied to ${path}`);
  } catch (error) {
    log?.log(`could not copy the token to ${path}: ${(error as Error).message}`);
  }
}

/** Runs the command; throws the (first) failure as a CliError for main.ts to report. */
export async function runLogin(
  startUrl: string | undefined,
  ssoRegion: string | undefined,
  options: LoginOptions,
  rt: Runtime,
): Promise<void> {
  const log = new DebugLog(Boolean(options.verbose));
  const out = sinkOutput(rt.stderr);
  let outcomes: InstanceOutcome[];
  try {
    outcomes = await login(startUrl, ssoRegion, options, rt, log, out);
  } finally {
    for (const line of log.lines) await out.write(`${line}\n`);
  }
  const failed = outcomes.filter((o) => o.error);
  if (failed.length === 0) return;
  if (outcomes.length === 1) throw failed[0].error;
  throw new CliError(
    `Login failed for ${failed.length} of ${outcomes.length} instances (${
      failed.map((o) => o.instance.startUrl).join(", ")
    }).`,
    failed[0].error!.kind,
  );
}

/** Registers `login` on the program. */
export function register(program: Command, rt: Runtime): void {
  const command = exitCodes(program.command("login"), FAILURE_CODES.login)
    .argument("[START_URL]", "start URL of the instance (or a substring/regex of a configured one)")
    .argument("[SSO_REGION]", "its SSO region")
    .summary("log in to IAM Identity Center and cache the SSO token")
    .description(
      "Log in to an IAM Identity Center instance and write the SSO token cache as `aws sso login` " +
        "does. sso-session instances sign in in the browser (authorization code with PKCE); " +
        "legacy instances, --use-device-code and hosts without a browser use the device code flow.",
    )
    .addHelpText(
      "after",
      examplesText([
        "aws-sso-util login --profile dev",
        "aws-sso-util login https://example.awsapps.com/start us-east-1",
        "aws-sso-util login --all --headless   # no browser: a URL and a code to open anywhere",
      ]),
    )
    .option("--profile <NAME>", "log in to this profile's sso-session or start URL")
    .option("--sso-region <REGION>", "SSO region of START_URL")
    .option(
      "--all",
      `log in to every instance in the config file (env ${LOGIN_ALL_VAR}=true without START_URL or --profile)`,
    )
    .option("--force-refresh", "log in even when the cached token is still valid (alias --force)")
    .option(
      "--headless",
      "do not open a browser: print the URL and code (alias --no-browser; env AWS_SSO_DISABLE_BROWSER=1)",
    )
    .addOption(new Option("--no-browser", "same as --headless").hideHelp())
    .option("--use-device-code", "use the device code flow even for sso-session instances")
    .option("-v, --verbose", "print debug lines on stderr")
    .addOption(new Option("--sso-start-url <URL>", "same as START_URL").hideHelp());
  addAlias(command, "--force-refresh", "--force");
  command.action(async (startUrl: string | undefined, ssoRegion: string | undefined, options) => {
    await runLogin(startUrl, ssoRegion, options as LoginOptions, rt);
  });
}
