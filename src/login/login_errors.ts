/**
 * The failures of a login (`aws-sso-util login`, and the logins other commands start) and their
 * exit codes: the login window expired (2), access was denied (3), anything else (4).
 */
import { CliError } from "../errors.ts";

/** Exit codes of `aws-sso-util login`. */
export const LoginExitCode = {
  ok: 0,
  /** No instance, or more than one (InstanceNotFoundError). */
  noInstance: 1,
  /** The login window (device authorization or browser wait) expired. */
  expired: 2,
  /** The user denied access, or the grant was rejected. */
  denied: 3,
  /** Anything else: AWS errors, network, files. */
  other: 4,
} as const;

/** The authorization expired before the user completed the sign-in (exit 2). */
export class LoginExpiredError extends CliError {
  constructor(message: string) {
    super(message, LoginExitCode.expired);
  }
}

/** The user denied access, or the service rejected the grant (exit 3). */
export class LoginDeniedError extends CliError {
  constructor(message: string) {
    super(message, LoginExitCode.denied);
  }
}

/** Any other login failure (exit 4). */
export class LoginFailedError extends CliError {
  constructor(message: string) {
    super(message, LoginExitCode.other);
  }
}
