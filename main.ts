#!/usr/bin/env -S deno run -P
/**
 * aws-sso-util for Deno: entry point. `credential-process` takes a fast path that loads neither
 * the CLI framework nor the AWS SDK; every other command goes through the full CLI.
 */
import { runCredentialProcess } from "./src/commands/credential_process.ts";
import { describeFailure, FAILURE_CODES, type FailureCodes } from "./src/base/errors.ts";
import type { Runtime } from "./src/base/runtime.ts";
import { systemRuntime } from "./src/system_runtime.ts";

/**
 * Loaded only off the fast path. A variable (not a literal) keeps Deno from loading the whole
 * CLI's module graph at every start; `deno task compile` adds it with `--include`.
 */
const CLI_MODULE = "./src/cli.ts";

/** `status` with plain flags also skips the CLI framework: it must be instant on big caches. */
const STATUS_MODULE = "./src/commands/status.ts";

/**
 * Runs the tool with `args` in `rt`; resolves with the exit code. Every failure ends as one
 * sentence on `rt.stderr` (see `describeFailure`).
 */
export async function main(args: readonly string[], rt: Runtime): Promise<number> {
  if (args[0] === "credential-process") return await runCredentialProcess(args.slice(1), rt);
  try {
    if (args[0] === "status") {
      const status: typeof import("./src/commands/status.ts") = await import(STATUS_MODULE);
      const options = status.plainStatusOptions(args.slice(1));
      if (options) {
        try {
          await status.runStatus(options, rt);
          return 0;
        } catch (error) {
          return await reportFailure(error, rt, FAILURE_CODES.status);
        }
      }
    }
    const { runCli }: typeof import("./src/cli.ts") = await import(CLI_MODULE);
    return await runCli(args, rt);
  } catch (error) {
    return await reportFailure(error, rt);
  }
}

/** Writes the failure's one sentence on stderr; returns its exit code in the table `codes`. */
async function reportFailure(
  error: unknown,
  rt: Runtime,
  codes: FailureCodes = FAILURE_CODES.program,
): Promise<number> {
  const { message, exitCode } = describeFailure(error, codes);
  await rt.stderr.write(`${message}\n`).catch(() => {});
  return exitCode;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, systemRuntime()));
}
