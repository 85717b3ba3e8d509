import { escapeControl, safeEcho } from "./ui/safe_text.ts";

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

/** An AWS API call failed after retries (exit 4). `retryable` tells whether trying later may help. */
export class AwsApiError extends CliError {
  constructor(message: string, readonly errorCode = "", readonly retryable = false) {
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

/** The user cancelled a prompt or picker (exit 130). */
export class CancelledError extends CliError {
  constructor(message = "Cancelled.") {
    super(message, EXIT_CODES.configure.cancelled);
  }
}

/** Turns anything thrown into the one-sentence message and exit code the CLI reports. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  // Echoed values are already cut by safeEcho; escaping the whole sentence again guarantees
  // that no control character (newline, ANSI escape, NUL) reaches stderr from any path.
  if (error instanceof CliError) {
    return { message: escapeControl(error.message), exitCode: error.exitCode };
  }
  if (error instanceof Deno.errors.NotCapable) {
    return {
      message: `Permission denied by Deno: ${safeEcho(firstLine(error.message), 400)}.`,
      exitCode: ExitCode.other,
    };
  }
  const text = error instanceof Error ? firstLine(error.message) : String(error);
  return { message: `Unexpected error: ${safeEcho(text)}`, exitCode: ExitCode.other };
}

function firstLine(text: string): string {
  return text.split("\n")[0].replace(/[.\s]+$/, "");
}
