import { safeEcho, shownMessage } from "./safe_text.ts";

/**
 * The exit codes of every command, one named table each; `docs/<command>.md` lists each table.
 * A failure's code is fixed where it is thrown: each error class below carries one code, and a
 * shared function that fails differently per command is given the class to throw.
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
 * A failure the user can act on: `message` is one sentence for stderr and
 * `exitCode` is what the process exits with. Never printed with a stack trace.
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = new.target.name;
  }
}

/** The class of error a shared function throws for one kind of failure (it differs by command). */
export type FailureClass = new (message: string) => CliError;

/** No usable SSO token: the user must log in again (exit 1). Final until they do. */
export class LoginRequiredError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.loginRequired);
  }
}

/** A bad flag, env var or config file (exit 2). Final: nothing was sent. */
export class ConfigError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.invalidConfig);
  }
}

/** A login started by `credential-process --login` was denied (exit 3). */
export class AuthDispatchError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.authDispatch);
  }
}

/**
 * An AWS API call failed after retries (exit 4). `retryable` tells whether trying later may help;
 * `serviceMessage` holds the service's own words, when it gave any (already one safe line).
 */
export class AwsApiError extends CliError {
  constructor(
    message: string,
    readonly errorCode = "",
    readonly retryable = false,
    readonly serviceMessage = "",
  ) {
    super(message, ExitCode.awsApi);
  }
}

/** A local file could not be written or deleted (exit 5: `credential-process`, `logout`). */
export class FileSystemError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.other);
  }
}

/**
 * No instance, or more than one, matched; for `login` also an unknown profile or an unusable
 * config file (exit 1).
 */
export class InstanceNotFoundError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.login.noInstance);
  }
}

/** `login`: the authorization expired before the user completed the sign-in (exit 2). */
export class LoginExpiredError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.login.expired);
  }
}

/** `login`: the user denied access, or the service rejected the grant (exit 3). */
export class LoginDeniedError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.login.denied);
  }
}

/** `login`: any other failure (exit 4). */
export class LoginFailedError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.login.other);
  }
}

/** `configure`: no account, or no role, is available to choose from (exit 1). */
export class NothingToChooseError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.configure.loginRequired);
  }
}

/** `console`: the federation endpoint gave no usable sign-in token (exit 4). */
export class ConsoleSigninError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.console.awsApi);
  }
}

/** The user cancelled a prompt or picker (exit 130). */
export class CancelledError extends CliError {
  constructor(message = "Cancelled.") {
    super(message, EXIT_CODES.configure.cancelled);
  }
}

/** `check`: no SSO instance is configured (exit 101). */
export class CheckNoInstanceError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.check.noInstance);
  }
}

/** `check`: the start URL or profile given matched nothing (exit 102). */
export class CheckNoMatchError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.check.noMatch);
  }
}

/** `check`: several configured instances match (exit 103). */
export class CheckAmbiguousError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.check.ambiguous);
  }
}

/** `check`: no usable SSO token, or the live test rejected it (exit 201). */
export class CheckTokenError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.check.noToken);
  }
}

/** `check`: the account is not available or has no roles (exit 202). */
export class CheckAccountError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.check.accountUnavailable);
  }
}

/** `check`: the role is in no account (exit 203). */
export class CheckRoleInNoAccountError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.check.roleInNoAccount);
  }
}

/** `check`: the role is not in the given account (exit 204). */
export class CheckRoleNotInAccountError extends CliError {
  constructor(message: string) {
    super(message, EXIT_CODES.check.roleNotInAccount);
  }
}

/** Turns anything thrown into the one-sentence message and exit code the CLI reports. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  // Echoed values are already cut by safeEcho; the whole sentence goes through shownMessage
  // again, so that no control character, URL password or huge value reaches stderr from any path.
  if (error instanceof CliError) {
    return { message: shownMessage(error.message), exitCode: error.exitCode };
  }
  if (error instanceof Deno.errors.NotCapable) {
    return {
      message: `Permission denied by Deno: ${safeEcho(firstLine(error.message), 400)}.`,
      exitCode: ExitCode.other,
    };
  }
  const text = error instanceof Error ? firstLine(error.message) : String(error);
  return {
    message: shownMessage(`Unexpected error: ${safeEcho(text)}`),
    exitCode: ExitCode.other,
  };
}

function firstLine(text: string): string {
  return text.split("\n")[0].replace(/[.\s]+$/, "");
}
