/**
 * `aws-sso-util configure populate`: a profile for every account × role × region the SSO login
 * gives access to, named by the Python aws-sso-util's rules (`config/profile_naming.ts`), listed
 * at organisation scale (`sso/organisation_listing.ts`), and written into the AWS config file in
 * ONE atomic, line-preserving write (`config/populate_plan.ts`, `config/aws_config_batch_edit.ts`).
 * `--prune` removes the profiles an earlier run wrote for the same instance that are gone now;
 * `--dry-run` prints what would be written and changes nothing.
 */
import { type Command, Option } from "../ui/commander.ts";
import { exitCodes } from "../ui/exit_codes.ts";
import { DebugLog, redact } from "../base/debug_log.ts";
import { addAlias } from "../ui/option_alias.ts";
import { examplesText } from "../ui/help_text.ts";
import { getProfile, getSsoSession } from "../config/aws_config_file.ts";
import { EXISTING_CONFIG_ACTIONS, type ExistingConfigAction } from "../config/aws_config_edit.ts";
import { editConfigBatch, sectionHeader } from "../config/aws_config_batch_edit.ts";
import { checkConfigPath, readConfigFile, updateConfigFile } from "../config/config_writer.ts";
import {
  CONFIGURE_REGION_VARS,
  DISABLE_CREDENTIAL_PROCESS_VAR,
  firstEnv,
  parseConfigDefaults,
} from "../config/configure_defaults.ts";
import {
  credentialProcessLine,
  credentialProcessProgram,
} from "../config/credential_process_line.ts";
import { ConfigError, FAILURE_CODES, LoginRequiredError } from "../base/errors.ts";
import type { Env } from "../base/paths.ts";
import {
  INCLUDE_REGION,
  NAME_CASES,
  type NameInput,
  PREFLIGHT_INPUT,
  profileName,
  profileNameProblem,
  profileNaming,
  REGION_STYLES,
  SEPARATOR_VAR,
} from "../config/profile_naming.ts";
import { ProfileNameProcess } from "../config/profile_name_process.ts";
import { planPopulate, POPULATED_MARKER, type WantedProfile } from "../config/populate_plan.ts";
import { isRegion, loadConfigFile, parseConfigText } from "../config/settings.ts";
import { isEnvFlagOn } from "../base/truthy.ts";
import type { Runtime } from "../base/runtime.ts";
import { tokenOrLogin } from "../sso/token_provider.ts";
import { SsoSession } from "../sso/session.ts";
import {
  type AccountRoles,
  createPatientLimiter,
  listOrganisation,
} from "../sso/organisation_listing.ts";
import { Listing } from "../sso/account_listing.ts";
import { findInstance, populateLogin } from "./populate_instance.ts";
import { checkNames, nameAll } from "./populate_names.ts";
import { progressLine } from "../ui/listing_progress.ts";
import { safeEcho, shownPath } from "../base/safe_text.ts";

/** Keys `-c` cannot set in populated profiles (the command writes them itself). */
const POPULATE_MANAGED_KEYS = new Set(["region", "sso_account_name", POPULATED_MARKER]);

/** The command's flags as commander parses them. */
export interface PopulateOptions {
  ssoStartUrl?: string;
  ssoRegion?: string;
  ssoSession?: string;
  profile?: string;
  region?: string[];
  dryRun?: boolean;
  prune?: boolean;
  components?: string;
  separator?: string;
  includeRegion?: string;
  regionStyle?: string;
  trimAccountName?: string[];
  trimRoleName?: string[];
  accountNameCase?: string;
  roleNameCase?: string;
  profileNameProcess?: string;
  safeAccountNames?: boolean;
  rawAccountNames?: boolean;
  configDefault?: string[];
  existingConfigAction?: string;
  credentialProcess?: boolean;
  forceRefresh?: boolean;
  verbose?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `configure populate` under the `configure` command. */
export function register(configure: Command, rt: Runtime): void {
  const populate = exitCodes(configure.command("populate"), FAILURE_CODES.configurePopulate)
    .summary("write a profile for every account, role and region you can access")
    .description(
      "Write a profile for every account, role and region you can access into the AWS config " +
        "file, named as the Python aws-sso-util names them, in one atomic write.",
    )
    .addHelpText(
      "after",
      examplesText([
        "aws-sso-util configure populate --region us-east-1 --region eu-west-1",
        "aws-sso-util configure populate -r us-east-1 --dry-run --components account_name,role_name --sep _",
        "aws-sso-util configure populate -r us-east-1 --prune   # also remove profiles of roles gone",
      ]),
    )
    .option(
      "-u, --sso-start-url <URL>",
      "SSO start URL, or a substring/regex of a configured one (env AWS_CONFIGURE_SSO_DEFAULT_SSO_START_URL)",
    )
    .option("--sso-region <REGION>", "SSO region (env AWS_CONFIGURE_SSO_DEFAULT_SSO_REGION)")
    .option(
      "--sso-session <NAME>",
      "use (or create) [sso-session NAME]; profiles get sso_session = NAME",
    )
    .option("--profile <NAME>", "use the SSO instance of this profile")
    .addOption(
      new Option(
        "-r, --region <REGION>",
        "region of the profiles; repeatable (env AWS_CONFIGURE_DEFAULT_REGION, AWS_DEFAULT_REGION)",
      ).argParser(collect),
    )
    .option("--dry-run", "print the profiles that would be written; change nothing")
    .option("--prune", "also remove profiles an earlier run wrote for this instance that are gone")
    .option(
      "--components <LIST>",
      "profile name components, comma-separated (default account_name,role_name,default_style_region)",
    )
    .option("--separator <SEP>", `separator of name components (default ".", env ${SEPARATOR_VAR})`)
    .addOption(
      new Option("--include-region <WHEN>", "default: the first region's names have no region")
        .choices(INCLUDE_REGION),
    )
    .addOption(
      new Option("--region-style <STYLE>", "short (usea1, default) or long (us-east-1)").choices(
        REGION_STYLES,
      ),
    )
    .addOption(
      new Option("--trim-account-name <REGEX>", "remove matches from account names (repeatable)")
        .argParser(collect),
    )
    .addOption(
      new Option("--trim-role-name <REGEX>", "remove matches from role names (repeatable)")
        .argParser(collect),
    )
    .addOption(
      new Option("--account-name-case <CASE>", "change the account name's case").choices(
        NAME_CASES,
      ),
    )
    .addOption(
      new Option("--role-name-case <CASE>", "change the role name's case").choices(NAME_CASES),
    )
    .option(
      "--profile-name-process <COMMAND>",
      "run COMMAND per profile to name it (needs --allow-run for it)",
    )
    .option("--safe-account-names", "replace whitespace and brackets in account names (default)")
    .option("--raw-account-names", "use account names as they are")
    .addOption(
      new Option("-c, --config-default <KEY=VALUE>", "extra key for every profile (repeatable)")
        .argParser(collect),
    )
    .addOption(
      new Option(
        "--existing-config-action <ACTION>",
        "for existing profiles: keep (default), overwrite or discard",
      ).choices(EXISTING_CONFIG_ACTIONS),
    )
    .option("--credential-process", "write credential_process (default)")
    .option(
      "--no-credential-process",
      `do not write credential_process, and remove it (env ${DISABLE_CREDENTIAL_PROCESS_VAR}=true)`,
    )
    .option("--force-refresh", "refresh the SSO token first (when it can be refreshed)")
    .option(
      "-v, --verbose",
      "print debug lines on stderr, with every profile added, updated and removed",
    );
  addAlias(populate, "--separator", "--sep <SEP>");
  populate.action(async (options: PopulateOptions) => {
    await runPopulate(options, rt);
  });
}

/** Regions from `-r`, else the env defaults; none is a usage error. */
function regionsOf(options: PopulateOptions, env: Env): string[] {
  let regions = (options.region ?? []).map((r) => r.trim()).filter(Boolean);
  if (regions.length === 0) {
    const fromEnv = firstEnv(env, CONFIGURE_REGION_VARS);
    if (fromEnv) regions = [fromEnv.value];
  }
  if (regions.length === 0) {
    throw new ConfigError(
      `Missing arguments: --region (or set ${CONFIGURE_REGION_VARS.join(" or ")}).`,
    );
  }
  for (const region of regions) {
    if (!isRegion(region)) {
      throw new ConfigError(`The region ${safeEcho(region)} is not a valid AWS region name.`);
    }
  }
  return [...new Set(regions)];
}

/** Runs `configure populate`. */
export async function runPopulate(
  options: PopulateOptions,
  rt: Runtime,
): Promise<void> {
  const log = new DebugLog(Boolean(options.verbose));
  try {
    await populate(options, rt, log);
  } finally {
    for (const line of log.lines) await rt.stderr.write(`${line}\n`);
  }
}

async function populate(
  options: PopulateOptions,
  rt: Runtime,
  log: DebugLog,
): Promise<void> {
  // Every flag, and the name format, is checked before any file or network access.
  if (options.safeAccountNames && options.rawAccountNames) {
    throw new ConfigError("Give either --safe-account-names or --raw-account-names, not both.");
  }
  if (options.ssoStartUrl !== undefined && options.profile !== undefined) {
    throw new ConfigError("Give either -u/--sso-start-url or --profile, not both.");
  }
  if (options.ssoSession !== undefined && options.profile !== undefined) {
    throw new ConfigError("Give either --sso-session or --profile, not both.");
  }
  const sessionName = options.ssoSession?.trim();
  if (sessionName !== undefined && !/^[^\s[\]'"#;=]+$/.test(sessionName)) {
    throw new ConfigError(
      `The sso-session name "${
        safeEcho(sessionName)
      }" is not valid: it must not be empty or contain spaces, quotes, brackets, =, # or ;.`,
    );
  }
  const regions = regionsOf(options, rt.env);
  const naming = profileNaming({
    components: options.components,
    separator: options.separator,
    includeRegion: options.includeRegion,
    regionStyle: options.regionStyle,
    trimAccountName: options.trimAccountName,
    trimRoleName: options.trimRoleName,
    accountNameCase: options.accountNameCase,
    roleNameCase: options.roleNameCase,
    safeAccountNames: !options.rawAccountNames,
  }, rt.env);
  const defaults = parseConfigDefaults(options.configDefault ?? []);
  for (const [key] of defaults) {
    if (POPULATE_MANAGED_KEYS.has(key)) {
      throw new ConfigError(`--config-default cannot set ${safeEcho(key)}; populate writes it.`);
    }
  }
  const action = (options.existingConfigAction ?? "keep") as ExistingConfigAction;
  const nameProcess = options.profileNameProcess !== undefined
    ? new ProfileNameProcess(options.profileNameProcess, naming.safeAccountNames)
    : undefined;
  const nameOf = (input: NameInput) =>
    nameProcess ? nameProcess.name(input) : Promise.resolve(profileName(input, naming));
  for (const regionIndex of regions.length > 1 ? [0, 1] : [0]) {
    const input = { ...PREFLIGHT_INPUT, regionIndex, numRegions: regions.length };
    const sample = await nameOf(input);
    const problem = sample === undefined ? undefined : profileNameProblem(sample);
    if (sample !== undefined && problem !== undefined) {
      throw new ConfigError(
        `The profile name format gives names such as "${
          safeEcho(sample)
        }", which cannot be used: ${problem}.`,
      );
    }
  }
  const writeCredentialProcess = options.credentialProcess ??
    !isEnvFlagOn(rt.env(DISABLE_CREDENTIAL_PROCESS_VAR));
  const program = writeCredentialProcess
    ? await credentialProcessProgram(rt.env, rt.program)
    : undefined;

  const paths = rt.paths();
  await checkConfigPath(paths.configFile);
  const config = await loadConfigFile(paths.configFile);
  const { instance, newSession } = findInstance(options, sessionName, rt.env, config, paths);
  log.log(`instance ${instance.startUrl} ${instance.ssoRegion} (${instance.source})`);
  if (program) log.log(program.why);

  const session = new SsoSession({
    rt,
    instance,
    config,
    log,
    profileName: options.profile,
    login: populateLogin(config, options.profile),
  });
  const message = session.loginRequiredMessage;
  const tokenFor = async (relogin: boolean) =>
    (await tokenOrLogin(session, {
      deadline: rt.now() + rt.limits.configureTokenMs,
      forceRefresh: options.forceRefresh,
    }, relogin)).accessToken;
  let token = await tokenFor(false);
  const endpoint = session.endpoint("sso");
  log.log(`token ${redact(token)}; portal ${endpoint.url} (${endpoint.source})`);

  // One limiter (rate and deadline) for the whole run, a second listing after a login included.
  const listingDeadline = rt.now() + rt.limits.populateListingMs;
  const limiter = createPatientLimiter(rt, listingDeadline, log);
  const listWith = async (accessToken: string) => {
    const progress = progressLine(rt);
    try {
      return await listOrganisation(
        new Listing(session, accessToken, {
          deadline: listingDeadline,
          limiter,
          unauthorized: () => new TokenRejected(message),
        }),
        progress.update,
      );
    } finally {
      await progress.done();
    }
  };
  let listed: AccountRoles[];
  try {
    listed = await listWith(token);
  } catch (error) {
    if (!(error instanceof TokenRejected)) throw error;
    // A token the service no longer accepts (signed out elsewhere): log in again, once, when
    // the user can be reached, and list again; else the login sentence (exit 1).
    log.log("the SSO token was rejected as unauthorized: logging in again");
    token = await tokenFor(true).catch((e) => {
      throw e instanceof LoginRequiredError && e.message === message ? error : e;
    });
    listed = await listWith(token);
  }

  const named = await nameAll(listed, regions, nameOf, Boolean(nameProcess));
  checkNames(named);

  const profiles: WantedProfile[] = named.map((n) => ({
    name: n.name,
    head: [
      ...(sessionName !== undefined || instance.sessionName !== undefined
        ? [["sso_session", instance.sessionName!] as const]
        : [
          ["sso_start_url", instance.startUrl] as const,
          [
            "sso_region",
            instance.ssoRegion,
          ] as const,
        ]),
      ...(n.accountName !== n.accountId ? [["sso_account_name", n.accountName] as const] : []),
      ["sso_account_id", n.accountId],
      ["sso_role_name", n.roleName],
      ["region", n.region],
    ],
    tail: [
      ...(writeCredentialProcess
        ? [["credential_process", credentialProcessLine(program!, n.name, rt.program.os)] as const]
        : []),
      [POPULATED_MARKER, "true"],
    ],
  }));
  const removeKeys = [
    ...(instance.sessionName !== undefined ? ["sso_start_url", "sso_region"] : ["sso_session"]),
    "sso_account_name",
    ...(writeCredentialProcess ? [] : ["credential_process"]),
  ];
  const planFor = (text: string | undefined) => {
    const current = text === undefined ? undefined : parseConfigText(text, paths.configFile);
    const sessionMissing = newSession !== undefined &&
      !(current && getSsoSession(current, newSession.name));
    return planPopulate({
      config: current,
      profiles,
      defaults,
      action,
      removeKeys,
      prune: Boolean(options.prune),
      instance,
      newSession: sessionMissing ? newSession : undefined,
    });
  };

  if (options.dryRun) {
    const { text } = await readConfigFile(paths.configFile);
    const plan = planFor(text);
    const next = parseConfigText(editConfigBatch(text ?? "", plan.edits), paths.configFile);
    const out: string[] = [];
    if (newSession && plan.edits.some((e) => e.target.kind === "sso-session")) {
      const target = { kind: "sso-session", name: newSession.name } as const;
      out.push(section(sectionHeader(target), getSsoSession(next, newSession.name)!));
    }
    for (const p of profiles) {
      const header = sectionHeader({ kind: "profile", name: p.name });
      out.push(section(header, getProfile(next, p.name)!));
    }
    await rt.stdout.write(out.join(""));
    await rt.stderr.write(
      `Dry run: would add ${plan.added.length}, update ${plan.updated.length}, leave ${plan.unchanged.length} unchanged and remove ${plan.removed.length} profile(s) in ${
        shownPath(paths.configFile)
      }.\n`,
    );
    for (const name of plan.removed) await rt.stderr.write(`would remove: ${name}\n`);
    if (program?.note) await rt.stderr.write(`${program.note}\n`);
    return;
  }

  let plan = planFor(undefined);
  const result = await updateConfigFile(paths.configFile, (text) => {
    plan = planFor(text);
    return editConfigBatch(text ?? "", plan.edits);
  });
  log.log(result.changed ? `config written: ${result.writtenPath}` : "config unchanged");
  await rt.stderr.write(
    `Added ${plan.added.length}, updated ${plan.updated.length}, left ${plan.unchanged.length} unchanged and removed ${plan.removed.length} profile(s) in ${
      shownPath(result.writtenPath)
    }.\n${program?.note ? `${program.note}\n` : ""}`,
  );
  if (options.verbose) {
    const lines = [
      ...plan.added.map((n) => `added: ${n}`),
      ...plan.updated.map((n) => `updated: ${n}`),
      ...plan.removed.map((n) => `removed: ${n}`),
    ];
    if (lines.length > 0) await rt.stderr.write(lines.map((l) => `${l}\n`).join(""));
  }
}

/** The `[header]` line, `key = value` lines and a blank line, as the dry run prints a section. */
function section(header: string, values: Map<string, string>): string {
  return `${header}\n${[...values].map(([k, v]) => `${k} = ${v}\n`).join("")}\n`;
}

/** The service rejected the token while listing (UnauthorizedException): exit 1. */
class TokenRejected extends LoginRequiredError {
  constructor(loginMessage: string) {
    super(`The SSO token was rejected as unauthorized. ${loginMessage}`);
  }
}
