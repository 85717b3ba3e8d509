/**
 * `aws-sso-util configure profile NAME`: writes an SSO profile into the AWS config file, either
 * from flags (non-interactive) or by asking: start URL and SSO region prompts, a login when
 * needed, account and role pickers fed by ListAccounts / ListAccountRoles, and region/output
 * prompts. The profile gets a `credential_process` line running this tool. The file is edited
 * line by line (everything else kept byte for byte) and replaced atomically, keeping its mode.
 */
import { type Command, Option } from "../ui/commander.ts";
import { exitCodes } from "../ui/exit_codes.ts";
import { addAlias } from "../ui/option_alias.ts";
import { examplesText } from "../ui/help_text.ts";
import { didYouMean } from "../base/did_you_mean.ts";
import { knownRegions } from "../config/partitions.ts";
import { type AwsConfigDocument, getProfile, getSsoSession } from "../config/aws_config_file.ts";
import {
  editConfigText,
  EXISTING_CONFIG_ACTIONS,
  type ExistingConfigAction,
  planProfileEdit,
  type ProfilePlan,
} from "../config/aws_config_edit.ts";
import { chooseAccountAndRole, type PickerUi } from "./choose_account_role.ts";
import { SsoSession } from "../sso/session.ts";
import { checkConfigPath, updateConfigFile } from "../config/config_writer.ts";
import {
  CONFIGURE_REGION_VARS,
  CONFIGURE_SSO_REGION_VARS,
  CONFIGURE_START_URL_VARS,
  DISABLE_CREDENTIAL_PROCESS_VAR,
  firstEnv,
  parseConfigDefaults,
  regionForUrl,
  resolveInstanceDefaults,
  type Setting,
} from "../config/configure_defaults.ts";
import {
  credentialProcessLine,
  credentialProcessProgram,
} from "../config/credential_process_line.ts";
import { DebugLog } from "../base/debug_log.ts";
import { profileEndpointConfig } from "../config/endpoints.ts";
import { ConfigError, FAILURE_CODES } from "../base/errors.ts";
import { configuredStartUrl } from "../config/instance.ts";
import { safeEcho } from "../base/safe_text.ts";
import { shellQuote } from "../base/shell_quote.ts";
import { MAX_SECTION_NAME_CHARS } from "../config/profile_naming.ts";
import { deviceCodeConfigured } from "../config/login_config.ts";
import { DEFAULT_SCOPES, loginInstance } from "../login/oidc_login.ts";
import type { Runtime } from "../base/runtime.ts";
import { register as registerPopulate } from "./configure_populate.ts";
import { promptIO, promptLine } from "../ui/prompt.ts";
import {
  isRegion,
  loadConfigFile,
  parseConfigText,
  shownUrl,
  type SsoInstance,
  startUrlProblem,
  validateSettings,
} from "../config/settings.ts";
import { isEnvFlagOn } from "../base/truthy.ts";
import type { SectionEdit } from "../config/aws_config_batch_edit.ts";

/** `output` values the AWS CLI v2 accepts. */
export const OUTPUT_FORMATS: readonly string[] = [
  "json",
  "yaml",
  "yaml-stream",
  "text",
  "table",
  "off",
];

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
  verbose?: boolean;
}

export function register(program: Command, rt: Runtime): void {
  const configure = program.command("configure")
    .summary("set up profiles in the AWS config file")
    .description(
      "Set up profiles in the AWS config file: one (profile), or one per role (populate).",
    )
    .addHelpText(
      "after",
      examplesText([
        "aws-sso-util configure profile dev",
        "aws-sso-util configure populate --region us-east-1",
      ]),
    );
  const profile = exitCodes(configure.command("profile"), FAILURE_CODES.configure)
    .summary("write an SSO profile with credential_process, asking for what is not given")
    .description(
      "Write an SSO profile (with credential_process) into the AWS config file, asking for " +
        "what is not given: the start URL and SSO region, then the account and role from your " +
        "own, then the profile's region and output format.",
    )
    .addHelpText(
      "after",
      examplesText([
        "aws-sso-util configure profile dev",
        "aws-sso-util configure profile dev --non-interactive -u https://example.awsapps.com/start \\",
        "    --sso-region us-east-1 -a 123456789012 -r ReadOnly --region eu-west-1 -o json",
        "aws-sso-util configure profile dev --sso-session corp -a 123456789012 -r ReadOnly",
      ]),
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
    .option("-v, --verbose", "print debug lines on stderr");
  addAlias(profile, "--account-id", "--account <ID>");
  profile.action(async (name: string, options: ConfigureProfileOptions) => {
    await configureProfile(name, options, rt);
  });
  registerPopulate(configure, rt);
}

/** Checks a profile or session name can be written into a section header. */
export function checkSectionName(name: string, what: "profile" | "sso-session"): void {
  if (name.length > MAX_SECTION_NAME_CHARS) {
    throw new ConfigError(
      `The ${what} name "${
        safeEcho(name)
      }" is not valid: it is longer than ${MAX_SECTION_NAME_CHARS} characters.`,
    );
  }
  if (!/^[^\s[\]'"#;=]+$/.test(name)) {
    throw new ConfigError(
      `The ${what} name "${
        safeEcho(name)
      }" is not valid: it must not be empty or contain spaces, quotes, brackets, =, # or ;.`,
    );
  }
}

/** The regions the prompts offer: every region AWS has announced, with its name. */
const REGION_CHOICES = () =>
  knownRegions().map(({ name, description }) => ({ value: name, description }));

/** Why a typed region is refused (a name that is not a region's, with the closest known ones). */
function regionProblem(value: string): string | undefined {
  if (isRegion(value)) return undefined;
  const names = knownRegions().map((r) => r.name);
  return `${safeEcho(value)} is not a valid AWS region name${didYouMean(value, names)}.`;
}

function checkRegion(value: string, source: string): void {
  if (!isRegion(value)) {
    throw new ConfigError(
      `The region ${safeEcho(value)} (from ${safeEcho(source)}) is not a valid AWS region name.`,
    );
  }
}

function checkOutput(value: string, source: string): void {
  if (!OUTPUT_FORMATS.includes(value)) {
    throw new ConfigError(
      `The output format ${safeEcho(value)} (from ${safeEcho(source)}) is not one of ${
        OUTPUT_FORMATS.join(", ")
      }.`,
    );
  }
}

/**
 * Runs `configure profile NAME`: prompts and pickers on this process's stdin and stderr, a login
 * (the `login` command's flow) when the pickers need a token and none is cached.
 */
export async function configureProfile(
  name: string,
  options: ConfigureProfileOptions,
  rt: Runtime,
): Promise<void> {
  const log = new DebugLog(Boolean(options.verbose));
  try {
    await configure(name, options, rt, log);
  } finally {
    for (const line of log.lines) await rt.stderr.write(`${line}\n`);
  }
}

async function configure(
  name: string,
  options: ConfigureProfileOptions,
  rt: Runtime,
  log: DebugLog,
): Promise<void> {
  const env = rt.env;
  const ui: PickerUi = {
    io: promptIO(rt),
    terminal: rt.stdinIsTerminal() && rt.stderr.isTerminal(),
  };
  const { io } = ui;
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
  const interactive = options.interactive ? true : options.nonInteractive ? false : ui.terminal;

  const paths = rt.paths();
  await checkConfigPath(paths.configFile);
  const config = await loadConfigFile(paths.configFile);
  const existingProfile = config && getProfile(config, name);
  const existing = action === "discard" ? undefined : existingProfile;

  const sessionName = options.ssoSession?.trim() || existing?.get("sso_session")?.trim() ||
    undefined;
  if (sessionName !== undefined) checkSectionName(sessionName, "sso-session");

  // A partial start URL names a configured one, as `login` takes it.
  const startUrlFlag = options.ssoStartUrl?.trim();
  const instanceFlags = startUrlFlag
    ? {
      ...options,
      ssoStartUrl: configuredStartUrl(startUrlFlag, options.ssoRegion?.trim() || undefined, config)
        .startUrl,
    }
    : options;
  let { startUrl, ssoRegion } = resolveInstanceDefaults(
    instanceFlags,
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
  // `-c region=…` / `-c output=…` set those keys like their flags do, except that with `keep`
  // a value the profile already has stays.
  const configDefault = (key: string): Setting | undefined => {
    const value = defaults.findLast(([k]) => k === key)?.[1];
    if (value === undefined || (action === "keep" && existing?.get(key) !== undefined)) {
      return undefined;
    }
    return { value, source: `--config-default ${key}`, fixed: true };
  };
  const envRegion = firstEnv(env, CONFIGURE_REGION_VARS);
  let region: Setting | undefined = options.region?.trim()
    ? { value: options.region.trim(), source: "--region", fixed: true }
    : configDefault("region") ??
      (existing?.get("region")
        ? { value: existing.get("region")!, source: "the existing profile", fixed: false }
        : envRegion
        ? { value: envRegion.value, source: `env ${envRegion.name}`, fixed: false }
        : undefined);
  let output: Setting | undefined = options.output?.trim()
    ? { value: options.output.trim(), source: "--output", fixed: true }
    : configDefault("output") ??
      (existing?.get("output")
        ? { value: existing.get("output")!, source: "the existing profile", fixed: false }
        : undefined);

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
        `Cannot configure profile ${safeEcho(name)} non-interactively: missing ${
          missing.join(", ")
        }; give them as flags or run with --interactive.`,
      );
    }
  } else {
    if (!startUrl?.fixed) {
      const answer = await promptLine(io, "SSO start URL", {
        default: startUrl && !startUrlProblem(startUrl.value) ? startUrl.value : undefined,
        validate: (v) => {
          const problem = startUrlProblem(v);
          return problem && `${shownUrl(v)} ${problem}.`;
        },
      });
      startUrl = { value: answer!, source: "the prompt", fixed: true };
    }
    if (!ssoRegion?.fixed) {
      const suggested = regionForUrl(config, startUrl!.value) ?? ssoRegion?.value;
      const answer = await promptLine(io, "SSO Region", {
        default: suggested && isRegion(suggested) ? suggested : undefined,
        validate: regionProblem,
        choices: REGION_CHOICES(),
      });
      ssoRegion = { value: answer!, source: "the prompt", fixed: true };
    }
    if (!accountId?.fixed || !roleName?.fixed) {
      const instance: SsoInstance = {
        startUrl: startUrl!.value,
        ssoRegion: ssoRegion!.value,
        sessionName,
        scopes: sessionName ? [...DEFAULT_SCOPES] : undefined,
      };
      const useDeviceCode = deviceCodeConfigured(config, { profileName: name, sessionName });
      const session = new SsoSession({
        rt,
        // An sso-session's login may be cached under the start URL's key too (`aws sso login`).
        instance: {
          ...instance,
          sameUrlLegacy: sessionName
            ? { startUrl: instance.startUrl, ssoRegion: instance.ssoRegion }
            : undefined,
        },
        endpointConfig: profileEndpointConfig(config, name),
        log,
        login: async (s) => (await loginInstance(s, { useDeviceCode })).token,
      });
      const chosen = await chooseAccountAndRole(
        session,
        {
          accountId: accountId?.fixed ? accountId.value : undefined,
          roleName: roleName?.fixed ? roleName.value : undefined,
          initialAccount: accountId?.value,
          initialRole: roleName?.value,
        },
        ui,
      );
      accountId = { value: chosen.accountId, source: "the account picker", fixed: true };
      roleName = { value: chosen.roleName, source: "the role picker", fixed: true };
    }
    if (!region?.fixed) {
      const answer = await promptLine(io, "CLI default client Region", {
        default: region && isRegion(region.value) ? region.value : undefined,
        optional: true,
        validate: regionProblem,
        choices: REGION_CHOICES(),
      });
      region = answer === undefined ? undefined : { value: answer, source: "prompt", fixed: true };
    }
    if (!output?.fixed) {
      const answer = await promptLine(io, "CLI default output format", {
        default: output && OUTPUT_FORMATS.includes(output.value) ? output.value : undefined,
        optional: true,
        validate: (v) =>
          OUTPUT_FORMATS.includes(v)
            ? undefined
            : `Choose one of ${OUTPUT_FORMATS.join(", ")}${didYouMean(v, OUTPUT_FORMATS)}.`,
        choices: OUTPUT_FORMATS.map((value) => ({ value })),
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
  const program = writeCredentialProcess
    ? await credentialProcessProgram(env, rt.program)
    : undefined;
  if (program) {
    log.log(program.why);
    values.push(["credential_process", credentialProcessLine(program, name, rt.program.os)]);
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
    `\nTo use this profile, specify the profile name using --profile, as shown:\n\naws s3 ls --profile ${
      shellQuote(name)
    }\n${program?.note ? `\n${program.note}\n` : ""}`,
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
          `The sso-session ${safeEcho(session.name)} already has ${key} = ${
            safeEcho(current)
          }, not ${safeEcho(value)}; choose another --sso-session name or edit that section.`,
        );
      }
    }
    if (!values) set.push(["sso_registration_scopes", DEFAULT_SCOPES.join(",")]);
    if (set.length > 0) edits.push({ target: { kind: "sso-session", name: session.name }, set });
  }
  return edits;
}
