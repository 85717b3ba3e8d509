/**
 * `aws-sso-util configure profile NAME`: writes an SSO profile into the AWS config file, either
 * from flags (non-interactive) or by asking: start URL and SSO region prompts, a login when
 * needed, account and role pickers fed by ListAccounts / ListAccountRoles, and region/output
 * prompts. The profile gets a `credential_process` line running this tool. The file is edited
 * line by line (everything else kept byte for byte) and replaced atomically, keeping its mode.
 */
import { type Command, Option } from "npm:commander@15.1.0";
import {
  type AwsConfigDocument,
  getProfile,
  getServices,
  getSsoSession,
} from "../aws_config_file.ts";
import {
  editConfigText,
  EXISTING_CONFIG_ACTIONS,
  type ExistingConfigAction,
  planProfileEdit,
  type ProfilePlan,
  type SectionEdit,
} from "../aws_config_edit.ts";
import { checkConfigPath, updateConfigFile } from "../config_writer.ts";
import { DebugLog } from "../debug_log.ts";
import { type EndpointConfig, resolveEndpoint } from "../endpoints.ts";
import { AwsApiError, CliError, ConfigError, ExitCode, LoginRequiredError } from "../errors.ts";
import { configInstances } from "../instance.ts";
import { deviceCodeConfigured, loginInstance } from "../oidc_login.ts";
import { awsPaths, type Env, processEnv } from "../paths.ts";
import { defaultPermissionFlags } from "../permission_set.ts";
import type { PickerItem } from "../picker.ts";
import { processPromptIO, type PromptIO, promptLine } from "../prompt.ts";
import {
  isHttpsUrl,
  isRegion,
  loadConfigFile,
  parseConfigText,
  type SsoInstance,
  validateSettings,
} from "../settings.ts";
import { type AccountInfo, type ApiContext, listAccountRoles, listAccounts } from "../sso_api.ts";
import { pick } from "../terminal_picker.ts";
import { getUsableToken, loginRequiredMessage } from "../token_provider.ts";
import { isEnvFlagOn } from "../truthy.ts";

/** Env vars giving the default start URL, first set wins (the last is shared with `login`). */
export const CONFIGURE_START_URL_VARS: readonly string[] = [
  "AWS_CONFIGURE_SSO_DEFAULT_SSO_START_URL",
  "AWS_SSO_CONFIGURE_DEFAULT_SSO_START_URL",
  "AWS_CONFIGURE_DEFAULT_SSO_START_URL",
  "AWS_DEFAULT_SSO_START_URL",
];
/** Env vars giving the default SSO region, first set wins. */
export const CONFIGURE_SSO_REGION_VARS: readonly string[] = [
  "AWS_CONFIGURE_SSO_DEFAULT_SSO_REGION",
  "AWS_SSO_CONFIGURE_DEFAULT_SSO_REGION",
  "AWS_CONFIGURE_DEFAULT_SSO_REGION",
  "AWS_DEFAULT_SSO_REGION",
];
/** Env vars giving the profile's default `region`, first set wins. */
export const CONFIGURE_REGION_VARS: readonly string[] = [
  "AWS_CONFIGURE_DEFAULT_REGION",
  "AWS_DEFAULT_REGION",
];
/** `1`/`true`: do not write `credential_process` unless `--credential-process` is given. */
export const DISABLE_CREDENTIAL_PROCESS_VAR = "AWS_CONFIGURE_SSO_DISABLE_CREDENTIAL_PROCESS";
/** The command written before ` credential-process --profile NAME`. */
export const CREDENTIAL_PROCESS_NAME_VAR = "AWS_SSO_CREDENTIAL_PROCESS_NAME";
/** `output` values the AWS CLI v2 accepts. */
export const OUTPUT_FORMATS: readonly string[] = [
  "json",
  "yaml",
  "yaml-stream",
  "text",
  "table",
  "off",
];
/** Scopes written into a new `[sso-session]` section. */
export const DEFAULT_SESSION_SCOPES = "sso:account:access";
/** Each SSO API call (with the SDK's retries) is abandoned after this long. */
const API_TIME_LIMIT_MS = 60_000;
/** Keys this command manages; `--config-default` cannot set them. */
const MANAGED_KEYS = new Set([
  "sso_start_url",
  "sso_region",
  "sso_session",
  "sso_account_id",
  "sso_role_name",
  "credential_process",
]);

/** The command's flags as commander parses them. */
export interface ConfigureProfileOptions {
  ssoStartUrl?: string;
  ssoRegion?: string;
  accountId?: string;
  roleName?: string;
  region?: string;
  output?: string;
  configDefault?: string[];
  existingConfigAction?: ExistingConfigAction;
  interactive?: boolean;
  nonInteractive?: boolean;
  credentialProcess?: boolean;
  ssoSession?: string;
}

/** How this tool was started, for the `credential_process` line. */
export interface RuntimeInfo {
  /** `Deno.execPath()`: the deno binary, or the compiled binary. */
  execPath: string;
  /** `Deno.mainModule`. */
  mainModule: string;
  /** `Deno.build.os`. */
  os: string;
}

/** Signature of `loginInstance` in `../oidc_login.ts` (the login command's flow). */
export type LoginFunction = (
  instance: SsoInstance,
  context: LoginContext,
) => Promise<{ token: { accessToken: string } }>;

/** What configure hands to the login flow. */
export interface LoginContext {
  env: Env;
  ssoCacheDir: string;
  endpointConfig?: EndpointConfig;
  now: () => number;
  log: DebugLog;
  /** The profile's or session's `sso_use_device_code = true`. */
  useDeviceCode?: boolean;
}

/** The outside world of the command. */
export interface ConfigureContext {
  env: Env;
  now: () => number;
  io: PromptIO;
  /** stdin and stderr are terminals (default for interactive mode, raw-mode pickers). */
  terminal: boolean;
  runtime: RuntimeInfo;
  log: DebugLog;
  /** Runs a login (the `login` command's flow); undefined: login required is an error. */
  login?: LoginFunction;
}

/** A value and where it came from; `fixed` values are not asked for again. */
interface Setting {
  value: string;
  source: string;
  fixed: boolean;
}

export function register(program: Command): void {
  const configure = program.command("configure")
    .description("set up profiles in the AWS config file");
  configure.command("profile")
    .description(
      "write an SSO profile (with credential_process) into the AWS config file, asking for what is not given",
    )
    .argument("<NAME>", "profile name")
    .option(
      "-u, --sso-start-url <URL>",
      "SSO start URL (env AWS_CONFIGURE_SSO_DEFAULT_SSO_START_URL)",
    )
    .option("--sso-region <REGION>", "SSO region (env AWS_CONFIGURE_SSO_DEFAULT_SSO_REGION)")
    .option("-a, --account-id <ID>", "12-digit AWS account id")
    .option("-r, --role-name <NAME>", "role (permission set) name")
    .option("--region <REGION>", "the profile's default region (env AWS_CONFIGURE_DEFAULT_REGION)")
    .option("-o, --output <FORMAT>", `the profile's output format (${OUTPUT_FORMATS.join(", ")})`)
    .option(
      "-c, --config-default <KEY=VALUE>",
      "extra key to write into the profile (repeatable)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .addOption(
      new Option(
        "--existing-config-action <ACTION>",
        "for an existing profile: keep (its keys stay; --config-default keys it has are not changed), overwrite, or discard (drop its keys)",
      ).choices(EXISTING_CONFIG_ACTIONS).default("keep"),
    )
    .option(
      "--interactive",
      "ask for missing settings (default when stdin and stderr are terminals)",
    )
    .option("--non-interactive", "never ask; fail when a setting is missing")
    .option("--credential-process", "write credential_process (default)")
    .option(
      "--no-credential-process",
      `do not write credential_process, and remove it (env ${DISABLE_CREDENTIAL_PROCESS_VAR}=true)`,
    )
    .option(
      "--sso-session <NAME>",
      "write an [sso-session NAME] section and point the profile at it (sso_session = NAME)",
    )
    .action(async (name: string, options: ConfigureProfileOptions) => {
      const log = new DebugLog(false);
      await configureProfile(name, options, {
        env: processEnv,
        now: Date.now,
        io: processPromptIO(),
        terminal: Deno.stdin.isTerminal() && Deno.stderr.isTerminal(),
        runtime: { execPath: Deno.execPath(), mainModule: Deno.mainModule, os: Deno.build.os },
        log,
        login: loginInstance,
      });
    });
}

/** Checks a profile or session name can be written into a section header. */
export function checkSectionName(name: string, what: "profile" | "sso-session"): void {
  if (!/^[^\s[\]'"#;=]+$/.test(name)) {
    throw new ConfigError(
      `The ${what} name "${name}" is not valid: it must not be empty or contain spaces, quotes, brackets, =, # or ;.`,
    );
  }
}

/** Parses `--config-default KEY=VALUE` pairs; keys are lower-cased as the SDKs read them. */
export function parseConfigDefaults(pairs: readonly string[]): [string, string][] {
  return pairs.map((pair) => {
    const eq = pair.indexOf("=");
    const key = (eq > 0 ? pair.slice(0, eq) : "").trim().toLowerCase();
    if (eq <= 0 || !/^[a-z0-9_.-]+$/.test(key)) {
      throw new ConfigError(
        `--config-default expects KEY=VALUE with a key of letters, digits, _, . or -, got "${pair}".`,
      );
    }
    if (MANAGED_KEYS.has(key)) {
      throw new ConfigError(
        `--config-default cannot set ${key}; use the dedicated option instead.`,
      );
    }
    const value = pair.slice(eq + 1).trim();
    if (/[\r\n]/.test(value)) {
      throw new ConfigError(`--config-default ${key} has a line break in its value.`);
    }
    return [key, value];
  });
}

/** Quotes one word for the shell botocore / the SDKs split `credential_process` with. */
export function quoteArg(arg: string, os: string): string {
  if (/^[A-Za-z0-9_@%+=:,./\\-]+$/.test(arg)) return arg;
  if (os === "windows") return `"${arg.replaceAll('"', '\\"')}"`;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

function fromFileUrl(url: string, os: string): string {
  if (!url.startsWith("file:")) return url;
  const path = decodeURIComponent(new URL(url).pathname);
  return os === "windows" ? path.replace(/^\/([A-Za-z]:)/, "$1").replaceAll("/", "\\") : path;
}

/** True when running as a `deno compile`d binary rather than under `deno`. */
export function isCompiled(execPath: string): boolean {
  const base = execPath.split(/[\\/]/).pop()!.toLowerCase();
  return base !== "deno" && base !== "deno.exe";
}

/**
 * The `credential_process` value: `AWS_SSO_CREDENTIAL_PROCESS_NAME` if set (used as given; a
 * value already ending in `credential-process`, as the Python tool expects it, is not extended),
 * else the compiled binary's path, else `deno run <permission flags> <main module>`; then
 * ` credential-process --profile NAME`.
 */
export function credentialProcessCommand(profile: string, env: Env, runtime: RuntimeInfo): string {
  const quote = (arg: string) => quoteArg(arg, runtime.os);
  const tail = `--profile ${quote(profile)}`;
  const named = env(CREDENTIAL_PROCESS_NAME_VAR)?.trim();
  if (named) {
    return /(^|\s)credential-process$/.test(named)
      ? `${named} ${tail}`
      : `${named} credential-process ${tail}`;
  }
  const base = isCompiled(runtime.execPath) ? quote(runtime.execPath) : [
    quote(runtime.execPath),
    "run",
    ...defaultPermissionFlags().map(quote),
    quote(fromFileUrl(runtime.mainModule, runtime.os)),
  ].join(" ");
  return `${base} credential-process ${tail}`;
}

function firstEnv(env: Env, names: readonly string[]): { value: string; name: string } | undefined {
  for (const name of names) {
    const value = env(name)?.trim();
    if (value) return { value, name };
  }
  return undefined;
}

/** The instance settings known before asking, with their sources. */
export function resolveInstanceDefaults(
  options: Pick<ConfigureProfileOptions, "ssoStartUrl" | "ssoRegion">,
  env: Env,
  config: AwsConfigDocument | undefined,
  existing: Map<string, string> | undefined,
  sessionName: string | undefined,
): { startUrl?: Setting; ssoRegion?: Setting } {
  const session = sessionName && config ? getSsoSession(config, sessionName) : undefined;
  const pickSetting = (
    flag: string | undefined,
    flagName: string,
    key: "sso_start_url" | "sso_region",
    envVars: readonly string[],
  ): Setting | undefined => {
    const fromSession = session?.get(key)?.trim() || undefined;
    if (flag !== undefined && flag.trim() !== "") {
      if (fromSession !== undefined && fromSession !== flag.trim()) {
        throw new ConfigError(
          `The sso-session ${sessionName} already has ${key} = ${fromSession}, not ${flag.trim()}; choose another --sso-session name or edit that section.`,
        );
      }
      return { value: flag.trim(), source: flagName, fixed: true };
    }
    if (fromSession !== undefined) {
      return { value: fromSession, source: `sso-session ${sessionName}`, fixed: true };
    }
    const fromEnv = firstEnv(env, envVars);
    if (fromEnv) return { value: fromEnv.value, source: `env ${fromEnv.name}`, fixed: false };
    const inProfile = existing?.get(key)?.trim();
    if (inProfile) return { value: inProfile, source: "the existing profile", fixed: false };
    return undefined;
  };
  const startUrl = pickSetting(
    options.ssoStartUrl,
    "--sso-start-url",
    "sso_start_url",
    CONFIGURE_START_URL_VARS,
  );
  let ssoRegion = pickSetting(
    options.ssoRegion,
    "--sso-region",
    "sso_region",
    CONFIGURE_SSO_REGION_VARS,
  );
  const configured = configInstances(config);
  const distinct = [...new Map(configured.map((c) => [`${c.startUrl}\n${c.ssoRegion}`, c]))
    .values()];
  if (startUrl === undefined) {
    if (distinct.length === 1) {
      return {
        startUrl: { value: distinct[0].startUrl, source: distinct[0].source, fixed: false },
        ssoRegion: ssoRegion ??
          { value: distinct[0].ssoRegion, source: distinct[0].source, fixed: false },
      };
    }
    return { ssoRegion };
  }
  if (ssoRegion === undefined) {
    const sameUrl = distinct.filter((c) => c.startUrl === startUrl.value);
    if (sameUrl.length === 1) {
      ssoRegion = { value: sameUrl[0].ssoRegion, source: sameUrl[0].source, fixed: false };
    }
  }
  return { startUrl, ssoRegion };
}

/** The SSO region configured for a start URL, if exactly one is. */
function regionForUrl(config: AwsConfigDocument | undefined, startUrl: string): string | undefined {
  const regions = new Set(
    configInstances(config).filter((c) => c.startUrl === startUrl).map((c) => c.ssoRegion),
  );
  return regions.size === 1 ? [...regions][0] : undefined;
}

function checkRegion(value: string, source: string): void {
  if (!isRegion(value)) {
    throw new ConfigError(`The region ${value} (from ${source}) is not a valid AWS region name.`);
  }
}

function checkOutput(value: string, source: string): void {
  if (!OUTPUT_FORMATS.includes(value)) {
    throw new ConfigError(
      `The output format ${value} (from ${source}) is not one of ${OUTPUT_FORMATS.join(", ")}.`,
    );
  }
}

/** Runs `configure profile NAME`. */
export async function configureProfile(
  name: string,
  options: ConfigureProfileOptions,
  ctx: ConfigureContext,
): Promise<void> {
  const { env, io } = ctx;
  checkSectionName(name, "profile");
  if (options.interactive && options.nonInteractive) {
    throw new ConfigError("Give either --interactive or --non-interactive, not both.");
  }
  const action = options.existingConfigAction ?? "keep";
  if (!EXISTING_CONFIG_ACTIONS.includes(action)) {
    throw new ConfigError(
      `--existing-config-action must be one of ${EXISTING_CONFIG_ACTIONS.join(", ")}.`,
    );
  }
  const defaults = parseConfigDefaults(options.configDefault ?? []);
  const interactive = options.interactive ? true : options.nonInteractive ? false : ctx.terminal;

  const paths = awsPaths(env);
  await checkConfigPath(paths.configFile);
  const config = await loadConfigFile(paths.configFile);
  const existingProfile = config && getProfile(config, name);
  const existing = action === "discard" ? undefined : existingProfile;

  const sessionName = options.ssoSession?.trim() || existing?.get("sso_session")?.trim() ||
    undefined;
  if (sessionName !== undefined) checkSectionName(sessionName, "sso-session");

  let { startUrl, ssoRegion } = resolveInstanceDefaults(
    options,
    env,
    config,
    existing,
    sessionName,
  );
  let accountId: Setting | undefined = options.accountId?.trim()
    ? { value: options.accountId.trim(), source: "--account-id", fixed: true }
    : existing?.get("sso_account_id")
    ? { value: existing.get("sso_account_id")!, source: "the existing profile", fixed: false }
    : undefined;
  let roleName: Setting | undefined = options.roleName?.trim()
    ? { value: options.roleName.trim(), source: "--role-name", fixed: true }
    : existing?.get("sso_role_name")
    ? { value: existing.get("sso_role_name")!, source: "the existing profile", fixed: false }
    : undefined;
  const envRegion = firstEnv(env, CONFIGURE_REGION_VARS);
  let region: Setting | undefined = options.region?.trim()
    ? { value: options.region.trim(), source: "--region", fixed: true }
    : existing?.get("region")
    ? { value: existing.get("region")!, source: "the existing profile", fixed: false }
    : envRegion
    ? { value: envRegion.value, source: `env ${envRegion.name}`, fixed: false }
    : undefined;
  let output: Setting | undefined = options.output?.trim()
    ? { value: options.output.trim(), source: "--output", fixed: true }
    : existing?.get("output")
    ? { value: existing.get("output")!, source: "the existing profile", fixed: false }
    : undefined;

  /** Validates the settings `use` keeps (all of them, or only those not asked for again). */
  const validate = (use: (s: Setting | undefined) => Setting | undefined) => {
    const [u, r, a, n] = [use(startUrl), use(ssoRegion), use(accountId), use(roleName)];
    validateSettings({
      startUrl: u?.value,
      ssoRegion: r?.value,
      accountId: a?.value,
      roleName: n?.value,
      sources: {
        startUrl: u?.source,
        ssoRegion: r?.source,
        accountId: a?.source,
        roleName: n?.source,
      },
    });
    const [g, o] = [use(region), use(output)];
    if (g) checkRegion(g.value, g.source);
    if (o) checkOutput(o.value, o.source);
  };
  // In interactive mode a bad default is asked again; a bad flag is always an error.
  validate((s) => (!interactive || s?.fixed ? s : undefined));

  if (!interactive) {
    const missing = [
      startUrl ? "" : `the SSO start URL (--sso-start-url or ${CONFIGURE_START_URL_VARS[0]})`,
      ssoRegion ? "" : `the SSO region (--sso-region or ${CONFIGURE_SSO_REGION_VARS[0]})`,
      accountId ? "" : "the account id (--account-id)",
      roleName ? "" : "the role name (--role-name)",
    ].filter(Boolean);
    if (missing.length > 0) {
      throw new ConfigError(
        `Cannot configure profile ${name} non-interactively: missing ${
          missing.join(", ")
        }; give them as flags or run with --interactive.`,
      );
    }
  } else {
    if (!startUrl?.fixed) {
      const answer = await promptLine(io, "SSO start URL", {
        default: startUrl && isHttpsUrl(startUrl.value) ? startUrl.value : undefined,
        validate: (v) => isHttpsUrl(v) ? undefined : `${v} is not an https URL.`,
      });
      startUrl = { value: answer!, source: "the prompt", fixed: true };
    }
    if (!ssoRegion?.fixed) {
      const suggested = regionForUrl(config, startUrl!.value) ?? ssoRegion?.value;
      const answer = await promptLine(io, "SSO Region", {
        default: suggested && isRegion(suggested) ? suggested : undefined,
        validate: (v) => isRegion(v) ? undefined : `${v} is not a valid AWS region name.`,
      });
      ssoRegion = { value: answer!, source: "the prompt", fixed: true };
    }
    if (!accountId?.fixed || !roleName?.fixed) {
      const instance: SsoInstance = {
        startUrl: startUrl!.value,
        ssoRegion: ssoRegion!.value,
        sessionName,
        scopes: sessionName ? [DEFAULT_SESSION_SCOPES] : undefined,
      };
      const chosen = await chooseAccountAndRole(
        instance,
        {
          accountId: accountId?.fixed ? accountId.value : undefined,
          roleName: roleName?.fixed ? roleName.value : undefined,
          initialAccount: accountId?.value,
          initialRole: roleName?.value,
          name,
          endpointConfig: endpointConfigOf(config, existingProfile),
          useDeviceCode: deviceCodeConfigured(config, { profileName: name, sessionName }),
        },
        ctx,
        paths.ssoCacheDir,
      );
      accountId = { value: chosen.accountId, source: "the account picker", fixed: true };
      roleName = { value: chosen.roleName, source: "the role picker", fixed: true };
    }
    if (!region?.fixed) {
      const answer = await promptLine(io, "CLI default client Region", {
        default: region && isRegion(region.value) ? region.value : undefined,
        optional: true,
        validate: (v) => isRegion(v) ? undefined : `${v} is not a valid AWS region name.`,
      });
      region = answer === undefined ? undefined : { value: answer, source: "prompt", fixed: true };
    }
    if (!output?.fixed) {
      const answer = await promptLine(io, "CLI default output format", {
        default: output && OUTPUT_FORMATS.includes(output.value) ? output.value : undefined,
        optional: true,
        validate: (v) =>
          OUTPUT_FORMATS.includes(v) ? undefined : `Choose one of ${OUTPUT_FORMATS.join(", ")}.`,
      });
      output = answer === undefined ? undefined : { value: answer, source: "prompt", fixed: true };
    }
    validate((s) => s);
  }

  const writeCredentialProcess = options.credentialProcess ??
    !isEnvFlagOn(env(DISABLE_CREDENTIAL_PROCESS_VAR));
  const values: [string, string][] = sessionName !== undefined
    ? [["sso_session", sessionName]]
    : [["sso_start_url", startUrl!.value], ["sso_region", ssoRegion!.value]];
  values.push(["sso_account_id", accountId!.value], ["sso_role_name", roleName!.value]);
  if (region) values.push(["region", region.value]);
  if (output) values.push(["output", output.value]);
  if (writeCredentialProcess) {
    values.push(["credential_process", credentialProcessCommand(name, env, ctx.runtime)]);
  }
  const plan: ProfilePlan = {
    values,
    defaults,
    remove: [
      ...(sessionName !== undefined ? ["sso_start_url", "sso_region"] : ["sso_session"]),
      ...(writeCredentialProcess ? [] : ["credential_process"]),
    ],
  };
  const session = sessionName === undefined
    ? undefined
    : { name: sessionName, startUrl: startUrl!.value, ssoRegion: ssoRegion!.value };

  await updateConfigFile(paths.configFile, (text) => {
    const current = text === undefined ? undefined : parseConfigText(text, paths.configFile);
    return editConfigText(text ?? "", configEdits(current, name, plan, action, session));
  });

  await io.write(
    `\nTo use this profile, specify the profile name using --profile, as shown:\n\naws s3 ls --profile ${name}\n`,
  );
}

/**
 * The edits writing profile `name` (and its sso-session when there is one) into `config`.
 * An existing session is left as it is (its start URL and region must match); a new one gets
 * `sso_start_url`, `sso_region` and `sso_registration_scopes`.
 */
export function configEdits(
  config: AwsConfigDocument | undefined,
  name: string,
  plan: ProfilePlan,
  action: ExistingConfigAction,
  session?: { name: string; startUrl: string; ssoRegion: string },
): SectionEdit[] {
  const existing = config && getProfile(config, name);
  const edits = [planProfileEdit(existing, name, plan, action)];
  if (session) {
    const values = config && getSsoSession(config, session.name);
    const set: [string, string][] = [];
    for (
      const [key, value] of [
        ["sso_start_url", session.startUrl],
        ["sso_region", session.ssoRegion],
      ] as const
    ) {
      const current = values?.get(key);
      if (current === undefined || current === "") set.push([key, value]);
      else if (current !== value) {
        throw new ConfigError(
          `The sso-session ${session.name} already has ${key} = ${current}, not ${value}; choose another --sso-session name or edit that section.`,
        );
      }
    }
    if (!values) set.push(["sso_registration_scopes", DEFAULT_SESSION_SCOPES]);
    if (set.length > 0) edits.push({ target: { kind: "sso-session", name: session.name }, set });
  }
  return edits;
}

function endpointConfigOf(
  config: AwsConfigDocument | undefined,
  profile: Map<string, string> | undefined,
): EndpointConfig {
  const servicesName = profile?.get("services");
  return {
    profile,
    services: servicesName && config ? getServices(config, servicesName) : undefined,
  };
}

/** Account and role to write, from flags or the pickers. */
async function chooseAccountAndRole(
  instance: SsoInstance,
  wanted: {
    accountId?: string;
    roleName?: string;
    initialAccount?: string;
    initialRole?: string;
    name: string;
    endpointConfig: EndpointConfig;
    useDeviceCode: boolean;
  },
  ctx: ConfigureContext,
  ssoCacheDir: string,
): Promise<{ accountId: string; roleName: string }> {
  const { io } = ctx;
  const endpoint = resolveEndpoint("sso", instance.ssoRegion, ctx.env, wanted.endpointConfig);
  const api = (): ApiContext => ({
    region: instance.ssoRegion,
    endpoint: endpoint.url,
    deadline: ctx.now() + API_TIME_LIMIT_MS,
    log: ctx.log,
  });
  const login = { endpointConfig: wanted.endpointConfig, useDeviceCode: wanted.useDeviceCode };
  let token = await accessToken(instance, ctx, ssoCacheDir, login, false);
  const withToken = async <T>(call: (accessToken: string) => Promise<T>): Promise<T> => {
    try {
      return await call(token);
    } catch (error) {
      // A token the service no longer accepts (signed out elsewhere): log in again, once.
      if (!(error instanceof AwsApiError && error.errorCode === "UnauthorizedException")) {
        throw error;
      }
      token = await accessToken(instance, ctx, ssoCacheDir, login, true);
      return await call(token);
    }
  };

  let accountId = wanted.accountId;
  if (accountId === undefined) {
    const accounts = (await withToken((t) => listAccounts(api(), t))).sort(byAccountName);
    if (accounts.length === 0) {
      throw new CliError(
        `No AWS accounts are available to you through ${instance.startUrl}.`,
        ExitCode.loginRequired,
      );
    }
    if (accounts.length === 1) {
      await io.write(`The only AWS account available to you is: ${accounts[0].accountId}\n`);
      accountId = accounts[0].accountId;
    } else {
      await io.write(`There are ${accounts.length} AWS accounts available to you.\n`);
      accountId = await pick(accounts.map(accountItem), {
        title: "Choose an account",
        initial: accounts.findIndex((a) => a.accountId === wanted.initialAccount),
        io,
        terminal: ctx.terminal,
      });
    }
    await io.write(`Using the account ID ${accountId}\n`);
  }

  let roleName = wanted.roleName;
  if (roleName === undefined) {
    const roles = (await withToken((t) => listAccountRoles(api(), t, accountId!)))
      .sort((a, b) => a.localeCompare(b));
    if (roles.length === 0) {
      throw new CliError(
        `No roles in account ${accountId} are available to you.`,
        ExitCode.loginRequired,
      );
    }
    if (roles.length === 1) {
      await io.write(`The only role available to you is: ${roles[0]}\n`);
      roleName = roles[0];
    } else {
      await io.write(`There are ${roles.length} roles available to you.\n`);
      roleName = await pick(roles.map(roleItem), {
        title: "Choose a role",
        initial: roles.indexOf(wanted.initialRole ?? ""),
        io,
        terminal: ctx.terminal,
      });
    }
    await io.write(`Using the role name "${roleName}"\n`);
  }
  return { accountId, roleName };
}

function byAccountName(a: AccountInfo, b: AccountInfo): number {
  return a.accountName.localeCompare(b.accountName, undefined, { sensitivity: "base" }) ||
    a.accountId.localeCompare(b.accountId);
}

function accountItem(account: AccountInfo): PickerItem<string> {
  const email = account.emailAddress ? ` (${account.emailAddress})` : "";
  return {
    label: `${account.accountId}  ${account.accountName}${email}`,
    searchText: `${account.accountId} ${account.accountName}`,
    key: account.accountId,
    value: account.accountId,
  };
}

function roleItem(role: string): PickerItem<string> {
  return { label: role, searchText: role, key: role, value: role };
}

/**
 * An access token for listing accounts: the instance's cached (or refreshed) token, or for an
 * sso-session the start URL's legacy token; when there is none (or `forceLogin`), a login.
 */
async function accessToken(
  instance: SsoInstance,
  ctx: ConfigureContext,
  ssoCacheDir: string,
  login: { endpointConfig: EndpointConfig; useDeviceCode: boolean },
  forceLogin: boolean,
): Promise<string> {
  const { endpointConfig } = login;
  const candidates: SsoInstance[] = [instance];
  if (instance.sessionName) {
    candidates.push({ startUrl: instance.startUrl, ssoRegion: instance.ssoRegion });
  }
  const message = loginRequiredMessage(instance);
  const tokenContext = () => ({
    ssoCacheDir,
    env: ctx.env,
    endpointConfig,
    now: ctx.now,
    deadline: ctx.now() + API_TIME_LIMIT_MS,
    log: ctx.log,
    loginRequiredMessage: message,
  });
  if (!forceLogin) {
    for (const candidate of candidates) {
      try {
        return (await getUsableToken(candidate, tokenContext())).accessToken;
      } catch (error) {
        if (!(error instanceof LoginRequiredError)) throw error;
      }
    }
  }
  if (!ctx.login) throw new LoginRequiredError(message);
  const result = await ctx.login(instance, {
    env: ctx.env,
    ssoCacheDir,
    endpointConfig,
    now: ctx.now,
    log: ctx.log,
    useDeviceCode: login.useDeviceCode || undefined,
  });
  return result.token.accessToken;
}
