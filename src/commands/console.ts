/**
 * `aws-sso-util console`: open the AWS Management Console as an IAM Identity Center role
 * (`launch`), or share a launch's settings as a config token (`get-config-token`,
 * `launch-from-config`). The role credentials come through the same path as `credential-process`
 * (`sso/role_credentials.ts`); the sign-in itself lives in `src/console/`.
 */
import type { Command } from "../ui/commander.ts";
import { exitCodes } from "../ui/exit_codes.ts";
import { examplesText } from "../ui/help_text.ts";
import { decodeConfigToken, encodeConfigToken } from "../console/config_token.ts";
import {
  deliverUrl,
  isAwsFederationUrl,
  type LaunchRequest,
  planLaunch,
  signinUrl,
} from "../console/console_launch.ts";
import {
  launchChoices,
  type LaunchFlags,
  launchFromConfig,
  type LaunchSettings,
  resolveLaunch,
} from "../console/launch_settings.ts";
import { parseDuration } from "../console/signin_token.ts";
import { type AwsConfigDocument, getProfile } from "../config/aws_config_file.ts";
import { type RoleChain, STS_GLOBAL_REGION } from "../config/role_chain.ts";
import type { RoleCredentials } from "../cache/credential_cache.ts";
import type { CaBundle } from "../base/runtime.ts";
import { profileChain } from "../cache/profile_chain.ts";
import { chainCredentials, chainRole, refuseSsoFlags } from "./chain_credentials.ts";
import { resolveCaBundle } from "../config/endpoints.ts";
import { resolveInstance } from "../config/instance.ts";
import { loadConfigFile, shownUrl } from "../config/settings.ts";
import { DebugLog } from "../base/debug_log.ts";
import { ConfigError, FAILURE_CODES } from "../base/errors.ts";
import type { Runtime } from "../base/runtime.ts";
import { warnOnce } from "../sso/role_credentials.ts";
import { safeEcho } from "../base/safe_text.ts";
import { roleCredentialsWithLogin } from "../login/lazy_login.ts";

/** Flags shared by `launch` and `launch-from-config`: how the URL is delivered and credentials got. */
interface DeliveryFlags {
  print?: boolean;
  open?: boolean;
  logoutFirst?: boolean;
  forceRefresh?: boolean;
  login?: boolean;
  debug?: boolean;
  verbose?: boolean;
}

interface LaunchOptions extends LaunchFlags, DeliveryFlags {
  keepRegionInDestination?: boolean;
}

interface FromConfigOptions extends DeliveryFlags {
  configToken?: string;
  accountId?: string;
  roleName?: string;
}

interface TokenOptions {
  profile?: string;
  ssoStartUrl?: string;
  ssoRegion?: string;
  accountId?: string;
  roleName?: string;
  region?: string;
  destination?: string;
  overrideRegionInDestination?: boolean;
  keepRegionInDestination?: boolean;
  duration?: string;
  issuer?: string;
  verbose?: boolean;
}

/** A resolved launch: what it asks for, and how it gets the role's credentials. */
interface Launch {
  request: LaunchRequest;
  /** The role, for the debug log. */
  role: string;
  credentials(parts: { log: DebugLog; warn(sentence: string): void }): Promise<RoleCredentials>;
  caBundle?: CaBundle;
}

/** A launch of an IAM Identity Center role's settings (the one credential path). */
function ssoLaunch(
  { settings, request }: LaunchSettings,
  rt: Runtime,
  flags: DeliveryFlags,
): Launch {
  return {
    request,
    role: `${settings.accountId} ${settings.roleName} via ${settings.startUrl}`,
    caBundle: resolveCaBundle(rt.env, settings.endpointConfig),
    credentials: ({ log, warn }) =>
      roleCredentialsWithLogin(settings, {
        rt,
        log,
        warn,
        loginWanted: flags.login,
        forceRefresh: flags.forceRefresh,
      }),
  };
}

/** Signs in with the resolved launch, then prints or opens the URL; the log is always written. */
async function launch(
  rt: Runtime,
  resolve: (log: DebugLog) => Promise<Launch>,
  flags: DeliveryFlags,
): Promise<void> {
  const log = new DebugLog(Boolean(flags.debug || flags.verbose));
  const paths = rt.paths();
  const { warn, settled } = warnOnce(rt, log);
  try {
    const resolved = await resolve(log);
    const plan = planLaunch(resolved.request, rt); // everything checked before a network call
    log.log(`console ${resolved.role}`);
    const creds = await resolved.credentials({ log, warn });
    const url = await signinUrl(rt, plan, creds, log, resolved.caBundle);
    const print = Boolean(flags.print);
    await deliverUrl(rt, url, { print, open: flags.open ?? !print }, log);
  } catch (error) {
    log.log(`failed: ${(error as Error).name}: ${(error as Error).message}`);
    throw error;
  } finally {
    await settled();
    if (flags.verbose) { for (const line of log.lines) await rt.stderr.write(`${line}\n`); }
    if (flags.debug) await log.flush(paths.debugLogFile);
  }
}

/**
 * The longest console session of role-chained credentials (a role assumed with another role's,
 * which an Identity Center role's are): STS gives them one hour, and the console no more.
 */
const ROLE_CHAINING_MAX_MINUTES = 60;

/**
 * A launch for a profile that assumes a role (`role_arn`): the chain's credentials; the console
 * region from the flags, the env var or the profile; the partition and issuer of its SSO source
 * (else the chain's STS region and `aws-sso-util`). A role-chained session lasts at most an hour:
 * a longer `--duration` is refused, and none asks for the federation's own default.
 */
function chainLaunch(
  chain: RoleChain,
  options: LaunchOptions,
  rt: Runtime,
  config: AwsConfigDocument | undefined,
): Launch {
  refuseSsoFlags(chain.profile, [
    ["-u/--sso-start-url", options.ssoStartUrl],
    ["--sso-region", options.ssoRegion],
    ["-a/--account-id", options.accountId],
    ["-r/--role-name", options.roleName],
  ]);
  const choices = launchChoices(
    { ...options, overrideRegionInDestination: overrideRegion(options) },
    rt.env,
    config,
  );
  const { durationMinutes } = choices;
  const roleChained = chain.source.kind === "sso" || chain.hops.length > 1;
  if (roleChained && durationMinutes !== undefined && durationMinutes > ROLE_CHAINING_MAX_MINUTES) {
    throw new ConfigError(
      `Profile ${
        safeEcho(chain.profile)
      } is a role-chained session, which AWS limits to one hour; give --duration ${ROLE_CHAINING_MAX_MINUTES} or less.`,
    );
  }
  const sso = chain.source.kind === "sso" ? chain.source.settings : undefined;
  return {
    request: {
      startUrl: sso?.startUrl ?? "aws-sso-util",
      ssoRegion: sso?.ssoRegion ??
        (chain.stsRegion === STS_GLOBAL_REGION ? "us-east-1" : chain.stsRegion),
      ...choices,
    },
    role: chainRole(chain),
    caBundle: resolveCaBundle(rt.env, chain.endpointConfig),
    credentials: ({ log, warn }) =>
      chainCredentials(chain, {
        rt,
        log,
        warn,
        loginWanted: options.login,
        forceRefresh: options.forceRefresh,
      }),
  };
}

async function configFile(rt: Runtime) {
  const path = rt.paths().configFile;
  return { path, config: await loadConfigFile(path) };
}

/** `console launch`. */
async function runLaunch(options: LaunchOptions, rt: Runtime): Promise<void> {
  await launch(rt, async (log) => {
    log.log(`console launch ${JSON.stringify({ ...options })}`);
    const { path, config } = await configFile(rt);
    const chain = options.profile === undefined
      ? undefined
      : await profileChain(rt, options.profile, config);
    if (chain) return chainLaunch(chain, options, rt, config);
    return ssoLaunch(
      resolveLaunch(
        { ...options, overrideRegionInDestination: overrideRegion(options) },
        rt.env,
        config,
        path,
      ),
      rt,
      options,
    );
  }, options);
}

/** `console launch-from-config`. */
async function runLaunchFromConfig(
  token: string | undefined,
  options: FromConfigOptions,
  rt: Runtime,
): Promise<void> {
  const text = token ?? options.configToken;
  if (token !== undefined && options.configToken !== undefined) {
    throw new ConfigError("Give the config token once: as the argument or with --config-token.");
  }
  if (text === undefined) {
    throw new ConfigError("Give a config token, made by `aws-sso-util console get-config-token`.");
  }
  await launch(rt, async (log) => {
    const { config: decoded, unknownKeys } = decodeConfigToken(text);
    log.log(`console launch-from-config ${JSON.stringify({ ...decoded })}`);
    if (unknownKeys.length > 0) {
      await rt.stderr.write(
        `The config token has keys this tool does not know, ignored: ${
          safeEcho(unknownKeys.join(", "), 200)
        }.\n`,
      );
    }
    if (decoded.federationUrl !== undefined && !isAwsFederationUrl(decoded.federationUrl)) {
      // The credentials only ever go to the endpoint worked out from the token's regions.
      await rt.stderr.write(
        `The config token's federation endpoint ${
          safeEcho(decoded.federationUrl, 200)
        } is not an AWS sign-in endpoint; using the AWS one of its region instead.\n`,
      );
    }
    const { path, config } = await configFile(rt);
    return ssoLaunch(launchFromConfig(decoded, options, rt.env, config, path), rt, options);
  }, options);
}

/** `console get-config-token`: no credentials, no network. */
async function runGetConfigToken(options: TokenOptions, rt: Runtime): Promise<void> {
  const durationMinutes = options.duration === undefined
    ? undefined
    : parseDuration(options.duration, "--duration");
  const { path, config } = await configFile(rt);
  const instance = resolveInstance(
    { profile: options.profile, startUrl: options.ssoStartUrl, ssoRegion: options.ssoRegion },
    rt.env,
    config,
    path,
  );
  if (options.verbose) {
    await rt.stderr.write(
      `instance ${shownUrl(instance.startUrl)} ${safeEcho(instance.ssoRegion)} (${
        safeEcho(instance.source)
      })\n`,
    );
  }
  const profile = options.profile !== undefined && config
    ? getProfile(config, options.profile)
    : undefined;
  const request: LaunchRequest = {
    startUrl: instance.startUrl,
    ssoRegion: instance.ssoRegion,
    region: options.region?.trim() || profile?.get("region")?.trim() || undefined,
    destination: options.destination,
    overrideRegionInDestination: overrideRegion(options),
    durationMinutes,
    issuer: options.issuer,
  };
  // The token names AWS's endpoint, whatever AWS_ENDPOINT_URL_SIGNIN says here.
  const plan = planLaunch(request, { env: () => undefined });
  const token = encodeConfigToken({
    startUrl: instance.startUrl,
    ssoRegion: instance.ssoRegion,
    federationUrl: plan.endpoint.federationUrl,
    destination: plan.destination,
    accountId: options.accountId?.trim() || profile?.get("sso_account_id")?.trim(),
    roleName: options.roleName?.trim() || profile?.get("sso_role_name")?.trim(),
    region: request.region,
    durationMinutes,
    issuer: options.issuer?.trim() || undefined,
  });
  await rt.stdout.write(token + "\n");
}

function overrideRegion(
  options: { overrideRegionInDestination?: boolean; keepRegionInDestination?: boolean },
): boolean {
  return Boolean(options.overrideRegionInDestination) && !options.keepRegionInDestination;
}

/**
 * The options of the role and instance, shared by `launch` and `get-config-token`. `launch` also
 * reads the `AWS_SSO_*` and `AWS_CONSOLE_DEFAULT_*` variables; `get-config-token`, as in the
 * Python tool, takes only flags and the profile (the token is shared: nothing of the maker's
 * environment goes into it), with the instance found as every command finds it.
 */
function addRoleOptions(command: Command, launch: boolean): Command {
  const env = (text: string) => (launch ? ` (env ${text})` : "");
  return command
    .option("--profile <NAME>", "take the SSO settings (and the console region) from this profile")
    .option(
      "-u, --sso-start-url <URL>",
      `SSO start URL, or a part of a configured one${
        env("AWS_SSO_START_URL")
      } (default: AWS_DEFAULT_SSO_START_URL, or the one configured)`,
    )
    .option(
      "--sso-region <REGION>",
      `SSO region${env("AWS_SSO_REGION")} (default: AWS_DEFAULT_SSO_REGION)`,
    )
    .option("-a, --account-id <ID>", `12-digit AWS account id${env("AWS_SSO_ACCOUNT_ID")}`)
    .option("-r, --role-name <NAME>", `role (permission set) name${env("AWS_SSO_ROLE_NAME")}`)
    .option(
      "--region <REGION>",
      `console region${
        launch ? " (env AWS_CONSOLE_DEFAULT_REGION, else" : " (else"
      } the profile's region)`,
    )
    .option(
      "--destination <PATH|URL>",
      `console page to open${env("AWS_CONSOLE_DEFAULT_DESTINATION")}`,
    )
    .option(
      "--duration <MINUTES>",
      "console session length, 15 to 720 minutes (default: the sign-in endpoint's)",
    )
    .option("--override-region-in-destination", "replace a region= the destination already has")
    .option("--keep-region-in-destination", "keep a region= the destination has (default)");
}

/** Delivery and credential flags, shared by `launch` and `launch-from-config`. */
function addDeliveryOptions(command: Command): Command {
  return command
    .option("-p, --print", "print the sign-in URL on stdout (then the browser is not opened)")
    .option("--no-print", "do not print the sign-in URL (the default)")
    .option("-o, --open", "open the sign-in URL in the browser (default without --print)")
    .option("--no-open", "do not open the browser")
    .option(
      "-l, --logout-first",
      "sign the browser out of the console first, in the same navigation (env AWS_CONSOLE_LOGOUT_FIRST)",
    )
    .option("--no-logout-first", "do not sign out first, whatever AWS_CONSOLE_LOGOUT_FIRST says")
    .option("--force-refresh", "ignore cached role credentials and refresh the SSO token")
    .option("--login", "log in first when a login is required")
    .option("-v, --verbose", "print debug lines on stderr")
    .option(
      "--debug",
      "write the debug lines to ~/.aws/sso/aws-sso-util-credential-process-log.txt",
    );
}

/** Registers `console` and its subcommands. */
export function register(program: Command, rt: Runtime): void {
  const group = exitCodes(program.command("console"), FAILURE_CODES.console)
    .summary("open the AWS Management Console as an IAM Identity Center role")
    .description(
      "Open the AWS Management Console as an IAM Identity Center role, or share the launch " +
        "settings as a config token.",
    )
    .addHelpText(
      "after",
      examplesText([
        "aws-sso-util console launch --profile dev",
        "aws-sso-util console get-config-token --profile dev",
      ]),
    );
  addDeliveryOptions(addRoleOptions(
    group.command("launch")
      .summary("sign in to the AWS console as a role")
      .description(
        "Sign in to the AWS Management Console as an account and role: role credentials (as " +
          "credential-process gets them) are exchanged for a sign-in URL, which is opened in " +
          "the browser or printed.",
      )
      .addHelpText(
        "after",
        examplesText([
          "aws-sso-util console launch --profile dev",
          "aws-sso-util console launch -a 123456789012 -r ReadOnly --region eu-west-1 --destination /ec2/home --print",
        ]),
      ),
    true,
  )).action(async (options: LaunchOptions) => {
    await runLaunch(options, rt);
  });

  addRoleOptions(
    group.command("get-config-token")
      .summary("print a shareable config token of launch settings (no credentials)")
      .description(
        "Print a config token that holds launch settings (instance, account, role, region, " +
          "destination, duration) and no credentials, for `console launch-from-config`. " +
          "Compatible with the Python aws-sso-util's tokens.",
      )
      .addHelpText(
        "after",
        examplesText([
          "aws-sso-util console get-config-token --profile dev --destination /s3",
          "aws-sso-util console get-config-token -a 123456789012 -r ReadOnly --duration 120",
        ]),
      ),
    false,
  )
    .option(
      "--issuer <URL>",
      "where the console's sign-out sends the user (default: the start URL)",
    )
    .option("-v, --verbose", "print debug lines on stderr")
    .action(async (options: TokenOptions) => {
      await runGetConfigToken(options, rt);
    });

  addDeliveryOptions(
    group.command("launch-from-config")
      .summary("sign in to the AWS console with the settings of a config token")
      .description(
        "Sign in to the AWS Management Console with the settings of a config token (from this " +
          "tool or the Python aws-sso-util); -a/-r override its account and role.",
      )
      .addHelpText(
        "after",
        examplesText([
          "aws-sso-util console launch-from-config TOKEN",
          "aws-sso-util console launch-from-config -t TOKEN -r ReadOnly --print",
        ]),
      )
      .argument("[TOKEN]", "the config token")
      .option("-t, --config-token <TOKEN>", "the config token (instead of the argument)")
      .option("-a, --account-id <ID>", "use this account instead of the token's")
      .option("-r, --role-name <NAME>", "use this role instead of the token's"),
  ).action(async (token: string | undefined, options: FromConfigOptions) => {
    await runLaunchFromConfig(token, options, rt);
  });
}
