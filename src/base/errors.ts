import { safeEcho, shownMessage } from "./safe_text.ts";

/**
 * The exit codes of every command, one named table each; `docs/<command>.md` lists each table.
 * A failure carries its kind ({@link FailureKind}), and the command's table in
 * {@link FAILURE_CODES} maps the kind to one of these codes.
 */
export const EXIT_CODES = {
  /** `credential-process`, kept from the Python aws-sso-util. */
  credentialProcess: {
    ok: 0,
    loginRequired: 1,
    invalidConfig: 2,
    authDispatch: 3,
    awsApi: 4,
    other: 5,
  },
  /** `login` (with `--all`, the code of the first failure). */
  login: {
    ok: 0,
    /** No instance, several, an unknown profile or an unusable config file. */
    noInstance: 1,
    /** The login window expired (2 is also a usage error's code). */
    expired: 2,
    /** The user denied access, or the grant was rejected. */
    denied: 3,
    /** Anything else: AWS errors, network, files. */
    other: 4,
  },
  /** `logout`. */
  logout: { ok: 0, noInstance: 1, invalidConfig: 2, fileNotDeleted: 5 },
  /** `roles`. */
  roles: { ok: 0, noInstance: 1, loginRequired: 1, invalidConfig: 2, awsApi: 4 },
  /** `export`: the codes of credential-process. */
  export: { ok: 0, loginRequired: 1, invalidConfig: 2, authDispatch: 3, awsApi: 4, other: 5 },
  /** `serve`: the codes of credential-process (a port in use is 2). */
  serve: { ok: 0, loginRequired: 1, invalidConfig: 2, authDispatch: 3, awsApi: 4, other: 5 },
  /**
   * `run-as`: once the child runs, its exit code (128 + n when signal n ended it); before that,
   * the codes of credential-process, or 126/127 as a shell reports a program it cannot run.
   */
  runAs: {
    ok: 0,
    loginRequired: 1,
    invalidConfig: 2,
    authDispatch: 3,
    awsApi: 4,
    other: 5,
    /** The program exists but cannot be run (not executable, or Deno may not run programs). */
    notExecutable: 126,
    /** No such program. */
    notFound: 127,
  },
  /** `console launch`, `console launch-from-config`, `console get-config-token`. */
  console: {
    ok: 0,
    loginRequired: 1,
    /** A bad flag, env var, config file or config token. */
    invalidConfig: 2,
    /** A login started by `--login` was denied. */
    authDispatch: 3,
    /** An AWS call failed: the role credentials, or the federation endpoint's sign-in token. */
    awsApi: 4,
    /** A local file could not be written. */
    other: 5,
  },
  /** `status`: with `--profile`, 1 means a new login is required (scripts: `status || login`). */
  status: { ok: 0, loginRequired: 1, invalidConfig: 2 },
  /** `configure profile`. */
  configure: {
    ok: 0,
    /** Login required and not possible, or no accounts/roles available. */
    loginRequired: 1,
    invalidConfig: 2,
    loginDenied: 3,
    awsApi: 4,
    other: 5,
    /** Esc, Ctrl-C or input ended at a picker, as a shell reports SIGINT. */
    cancelled: 130,
  },
  /** `check`: the Python aws-sso-util's codes (101–204), plus 2 and 4 as for every command. */
  check: {
    ok: 0,
    invalidConfig: 2,
    awsApi: 4,
    /** No SSO instance configured (nothing given, none or no usable one in the config). */
    noInstance: 101,
    /** The start URL or profile given matched nothing configured. */
    noMatch: 102,
    /** Several configured instances match. */
    ambiguous: 103,
    /** No usable SSO token (missing, expired and not refreshable, unreadable) or it was rejected. */
    noToken: 201,
    /** The account is not available, or has no roles. */
    accountUnavailable: 202,
    /** The role is in no account. */
    roleInNoAccount: 203,
    /** The role is not in the given account. */
    roleNotInAccount: 204,
  },
  /** `configure populate`. */
  configurePopulate: {
    ok: 0,
    /** No instance found, or login required and the user cannot be reached. */
    loginRequired: 1,
    /** Bad flags, names or config file; name clashes (nothing written). */
    invalidConfig: 2,
    loginDenied: 3,
    awsApi: 4,
    other: 5,
  },
} as const;

/** The codes of `credential-process`; 0, 1, 2 and 4 mean the same for every command. */
export const ExitCode = EXIT_CODES.credentialProcess;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * What went wrong, in the few kinds a failure can be. A failure carries its kind, never an exit
 * code: each command maps the kinds to its documented codes in one table ({@link FAILURE_CODES}).
 */
export type FailureKind =
  /** The command line itself: an unknown flag, a missing value, flags that cannot go together. */
  | "usage"
  /** A bad value of a flag, an environment variable, a config file or profile setting. */
  | "config"
  /** The config file (or the home directory) cannot be used at all. */
  | "configFile"
  /** The instance asked for cannot be selected or resolved as given (its settings, the query). */
  | "badInstance"
  /** No SSO instance is configured, or none usable. */
  | "noInstance"
  /** The start URL given matches nothing configured. */
  | "noMatch"
  /** The profile given is not in the config file (or there is no config file). */
  | "unknownProfile"
  /** Several configured instances match. */
  | "ambiguous"
  /** No usable SSO token (or MFA code): the user must log in again. Final until they do. */
  | "loginRequired"
  /** A login the user did not complete in time. */
  | "loginExpired"
  /** The user denied a login, or the service rejected its grant. */
  | "loginDenied"
  /** A login failed otherwise (its browser, its callback server, its state). */
  | "loginFailed"
  /** An AWS call failed: the network, TLS, a time limit or the service. */
  | "awsApi"
  /** A local file could not be read, written or deleted. */
  | "fileSystem"
  /** No account, or no role, to choose from. */
  | "nothingToChoose"
  /** The user cancelled a prompt or picker. */
  | "cancelled"
  /** `check`: the account is not available, or has no roles. */
  | "accountUnavailable"
  /** `check`: the role is in no account. */
  | "roleInNoAccount"
  /** `check`: the role is not in the given account. */
  | "roleNotInAccount"
  /** `run-as`: no such program. */
  | "programNotFound"
  /** `run-as`: the program cannot be run. */
  | "programNotExecutable"
  /** Anything else: a bug, or a failure nobody foresaw. */
  | "unexpected";

/**
 * A command's exit-code table: the code of each kind of failure the command can meet. A kind it
 * does not list (a failure nobody foresaw there) exits with `unexpected`.
 */
export type FailureCodes = Readonly<Partial<Record<FailureKind, number>> & { unexpected: number }>;

const CP = EXIT_CODES.credentialProcess;

/** Settings the command line or config gives: every command's exit 2. */
const BAD_INPUT = {
  usage: CP.invalidConfig,
  config: CP.invalidConfig,
  configFile: CP.invalidConfig,
  badInstance: CP.invalidConfig,
  unknownProfile: CP.invalidConfig,
} as const;

/** The role credentials path (`credential-process` and the commands that hand credentials on). */
const CREDENTIAL_CODES = {
  ...BAD_INPUT,
  loginRequired: CP.loginRequired,
  loginDenied: CP.authDispatch,
  loginFailed: CP.awsApi,
  awsApi: CP.awsApi,
  fileSystem: CP.other,
  unexpected: CP.other,
} as const;

/** An instance resolved from flags, env vars or the config file: none or several is exit 1. */
const INSTANCE_NOT_FOUND = {
  noInstance: CP.loginRequired,
  noMatch: CP.loginRequired,
  ambiguous: CP.loginRequired,
} as const;

/** The commands (or command families) with a table of their own. */
export type CommandTable =
  | "credentialProcess"
  | "export"
  | "serve"
  | "runAs"
  | "console"
  | "login"
  | "logout"
  | "roles"
  | "status"
  | "configure"
  | "configurePopulate"
  | "check"
  | "program";

/**
 * Each command's table: the kinds of failure it can meet, mapped to its documented codes (the
 * docs' tables are checked against these). A command reports a failure through its own table.
 */
export const FAILURE_CODES: Readonly<Record<CommandTable, FailureCodes>> = {
  credentialProcess: CREDENTIAL_CODES,
  export: { ...CREDENTIAL_CODES, ...INSTANCE_NOT_FOUND },
  serve: { ...CREDENTIAL_CODES, ...INSTANCE_NOT_FOUND },
  runAs: {
    ...CREDENTIAL_CODES,
    ...INSTANCE_NOT_FOUND,
    programNotFound: EXIT_CODES.runAs.notFound,
    programNotExecutable: EXIT_CODES.runAs.notExecutable,
  },
  // An instance that cannot be found from the flags is a bad flag.
  console: {
    ...CREDENTIAL_CODES,
    noInstance: EXIT_CODES.console.invalidConfig,
    noMatch: EXIT_CODES.console.invalidConfig,
    ambiguous: EXIT_CODES.console.invalidConfig,
  },
  login: {
    // 2, as for every command (login's 2 also means an expired login window).
    usage: CP.invalidConfig,
    config: CP.invalidConfig,
    configFile: EXIT_CODES.login.noInstance,
    badInstance: EXIT_CODES.login.noInstance,
    unknownProfile: EXIT_CODES.login.noInstance,
    noInstance: EXIT_CODES.login.noInstance,
    noMatch: EXIT_CODES.login.noInstance,
    ambiguous: EXIT_CODES.login.noInstance,
    loginExpired: EXIT_CODES.login.expired,
    loginDenied: EXIT_CODES.login.denied,
    loginFailed: EXIT_CODES.login.other,
    awsApi: EXIT_CODES.login.other,
    fileSystem: EXIT_CODES.login.other,
    unexpected: EXIT_CODES.login.other,
  },
  logout: {
    ...BAD_INPUT,
    noInstance: EXIT_CODES.logout.noInstance,
    noMatch: EXIT_CODES.logout.noInstance,
    ambiguous: EXIT_CODES.logout.noInstance,
    fileSystem: EXIT_CODES.logout.fileNotDeleted,
    unexpected: EXIT_CODES.logout.fileNotDeleted,
  },
  roles: {
    ...BAD_INPUT,
    ...INSTANCE_NOT_FOUND,
    loginRequired: EXIT_CODES.roles.loginRequired,
    awsApi: EXIT_CODES.roles.awsApi,
    unexpected: CP.other,
  },
  status: { ...BAD_INPUT, loginRequired: EXIT_CODES.status.loginRequired, unexpected: CP.other },
  configure: {
    ...CREDENTIAL_CODES,
    // A start URL flag naming no configured instance is a bad flag.
    noInstance: EXIT_CODES.configure.invalidConfig,
    noMatch: EXIT_CODES.configure.invalidConfig,
    ambiguous: EXIT_CODES.configure.invalidConfig,
    nothingToChoose: EXIT_CODES.configure.loginRequired,
    loginExpired: EXIT_CODES.configure.invalidConfig, // as documented: "the login window expired"
    loginDenied: EXIT_CODES.configure.loginDenied,
    cancelled: EXIT_CODES.configure.cancelled,
  },
  configurePopulate: {
    ...CREDENTIAL_CODES,
    ...INSTANCE_NOT_FOUND,
    loginDenied: EXIT_CODES.configurePopulate.loginDenied,
  },
  check: {
    ...BAD_INPUT,
    awsApi: EXIT_CODES.check.awsApi,
    noInstance: EXIT_CODES.check.noInstance,
    noMatch: EXIT_CODES.check.noMatch,
    unknownProfile: EXIT_CODES.check.noMatch,
    ambiguous: EXIT_CODES.check.ambiguous,
    loginRequired: EXIT_CODES.check.noToken,
    fileSystem: EXIT_CODES.check.noToken,
    accountUnavailable: EXIT_CODES.check.accountUnavailable,
    roleInNoAccount: EXIT_CODES.check.roleInNoAccount,
    roleNotInAccount: EXIT_CODES.check.roleNotInAccount,
    unexpected: CP.other,
  },
  /** Before a command runs (a usage error of the program itself) and `completions`. */
  program: { usage: CP.invalidConfig, config: CP.invalidConfig, unexpected: CP.other },
};

/**
 * A failure the user can act on: `message` is one sentence for stderr, `kind` what went wrong
 * (the command's table gives the exit code). Never printed with a stack trace.
 */
export class CliError extends Error {
  constructor(message: string, readonly kind: FailureKind) {
    super(message);
    this.name = new.target.name;
  }
}

/** No usable SSO token: the user must log in again. Final until they do. */
export class LoginRequiredError extends CliError {
  constructor(message: string) {
    super(message, "loginRequired");
  }
}

/**
 * A bad command line, flag, env var or config file. Final: nothing was sent. `configFile`: the
 * file (or home directory) cannot be used at all; `badInstance`: the instance asked for has bad
 * settings or cannot be selected as given.
 */
export class ConfigError extends CliError {
  constructor(
    message: string,
    kind: "config" | "usage" | "configFile" | "badInstance" = "config",
  ) {
    super(message, kind);
  }
}

/**
 * An AWS API call failed after retries. `retryable` tells whether trying later may help;
 * `serviceMessage` holds the service's own words, when it gave any (already one safe line).
 */
export class AwsApiError extends CliError {
  constructor(
    message: string,
    readonly errorCode = "",
    readonly retryable = false,
    readonly serviceMessage = "",
  ) {
    super(message, "awsApi");
  }
}

/** A local file could not be read, written or deleted. */
export class FileSystemError extends CliError {
  constructor(message: string) {
    super(message, "fileSystem");
  }
}

/** No instance or profile, or several, match what was asked for: which kind says why. */
export class InstanceError extends CliError {
  constructor(message: string, kind: "noInstance" | "noMatch" | "unknownProfile" | "ambiguous") {
    super(message, kind);
  }
}

/** A login did not end with a token: which kind says why. */
export class LoginError extends CliError {
  constructor(message: string, kind: "loginExpired" | "loginDenied" | "loginFailed") {
    super(message, kind);
  }
}

/** `check`: the account or role asked for is not available. */
export class AccessError extends CliError {
  constructor(
    message: string,
    kind: "accountUnavailable" | "roleInNoAccount" | "roleNotInAccount",
  ) {
    super(message, kind);
  }
}

/** No account, or no role, is available to choose from. */
export class NothingToChooseError extends CliError {
  constructor(message: string) {
    super(message, "nothingToChoose");
  }
}

/** The user cancelled a prompt or picker. */
export class CancelledError extends CliError {
  constructor(message = "Cancelled.") {
    super(message, "cancelled");
  }
}

/** The exit code of `error` in the table `codes` (`unexpected` for a kind it does not list). */
export function exitCodeOf(error: CliError, codes: FailureCodes): number {
  return codes[error.kind] ?? codes.unexpected;
}

/**
 * Turns anything thrown into the one-sentence message and the exit code `codes` (the running
 * command's table) gives its kind.
 */
export function describeFailure(
  error: unknown,
  codes: FailureCodes = FAILURE_CODES.credentialProcess,
): { message: string; exitCode: number } {
  // Echoed values are already cut by safeEcho; the whole sentence goes through shownMessage
  // again, so that no control character, URL password or huge value reaches stderr from any path.
  if (error instanceof CliError) {
    return {
      message: shownMessage(error.message),
      exitCode: codes[error.kind] ?? codes.unexpected,
    };
  }
  if (error instanceof Deno.errors.NotCapable) {
    return {
      message: `Permission denied by Deno: ${safeEcho(firstLine(error.message), 400)}.`,
      exitCode: codes.unexpected,
    };
  }
  const text = error instanceof Error ? firstLine(error.message) : String(error);
  return {
    message: shownMessage(`Unexpected error: ${safeEcho(text)}`),
    exitCode: codes.unexpected,
  };
}

function firstLine(text: string): string {
  return text.split("\n")[0].replace(/[.\s]+$/, "");
}
