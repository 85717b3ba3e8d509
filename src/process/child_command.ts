/**
 * Runs `run-as`'s child: the program itself (no shell, so every argument arrives exactly as
 * given), with the terminal inherited, SIGINT and SIGTERM forwarded while it runs, and its exit
 * status turned into an exit code (128 + the signal's number when a signal ended it).
 *
 * The variables to remove are removed from this process's own environment, which the child
 * inherits; that needs Deno's `env` permission only for those names (all `AWS_*`), not for the
 * whole environment.
 *
 * @module
 */
import { CliError } from "../base/errors.ts";
import { safeEcho } from "../base/safe_text.ts";
import type { ChildEnvironment } from "./child_env.ts";

/** The child's program could not be started. */
/** The program could not be started: not found, or not runnable. */
export class ChildStartError extends CliError {
  constructor(message: string, kind: "programNotFound" | "programNotExecutable") {
    super(message, kind);
  }
}

/** The signals forwarded to the child (Windows has no SIGTERM listener). */
function forwardedSignals(): Deno.Signal[] {
  return Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
}

/** Whether Deno lets this process run any program (run-as needs it for the user's command). */
export function mayRunAnyProgram(): boolean {
  return Deno.permissions.querySync({ name: "run" }).state === "granted";
}

/** Starts `program` with `args` and `environment`; resolves with its exit code. */
export async function runChild(
  program: string,
  args: readonly string[],
  environment: ChildEnvironment,
): Promise<number> {
  for (const name of environment.unset) {
    try {
      Deno.env.delete(name);
    } catch {
      // A name Deno may not touch is one we cannot read either, and not ours to clear.
    }
  }
  // The listeners come first: a signal that arrives while the child starts (a busy machine may
  // run the child before this process gets on) is held and forwarded once it runs, instead of
  // ending this process and leaving the child behind.
  let child: Deno.ChildProcess | undefined;
  const held: Deno.Signal[] = [];
  const forward = new Map<Deno.Signal, () => void>();
  for (const signal of forwardedSignals()) {
    const handler = () => {
      if (child === undefined) {
        held.push(signal);
        return;
      }
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
    };
    forward.set(signal, handler);
    Deno.addSignalListener(signal, handler);
  }
  try {
    try {
      child = new Deno.Command(program, {
        args: [...args],
        env: environment.set,
        stdin: "inherit",
        stdout: "inherit",
        stderr: "inherit",
      }).spawn();
    } catch (error) {
      throw startFailure(program, error);
    }
    for (const signal of held) forward.get(signal)!();
    const status = await child.status;
    return status.code;
  } finally {
    for (const [signal, handler] of forward) Deno.removeSignalListener(signal, handler);
  }
}

function startFailure(program: string, error: unknown): CliError {
  const shown = safeEcho(program);
  if (error instanceof Deno.errors.NotFound) {
    return new ChildStartError(
      `Cannot run ${shown}: no such program (check the name and PATH).`,
      "programNotFound",
    );
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return new ChildStartError(
      `Cannot run ${shown}: it is not executable (permission denied).`,
      "programNotExecutable",
    );
  }
  if (error instanceof Deno.errors.NotCapable) {
    return new ChildStartError(
      `Cannot run ${shown}: Deno's run permission does not allow it (see docs/permissions.md).`,
      "programNotExecutable",
    );
  }
  return new ChildStartError(
    `Cannot run ${shown}: ${safeEcho((error as Error).message?.split("\n")[0] ?? error)}.`,
    "programNotExecutable",
  );
}
