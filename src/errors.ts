import { escapeControl, safeEcho } from "./ui/safe_text.ts";

/** Exit codes of `credential-process`, kept from the Python aws-sso-util. */
export const ExitCode = {
  ok: 0,
  loginRequired: 1,
  invalidConfig: 2,
  authDispatch: 3,
  awsApi: 4,
  other: 5,
} as const;

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

/** Starting or completing an authorization failed (exit 3). */
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
