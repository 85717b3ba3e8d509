#!/usr/bin/env -S deno run -P
/**
 * aws-sso-util for Deno: entry point. `credential-process` takes a fast path that loads neither
 * the CLI framework nor the AWS SDK; every other command goes through the full CLI.
 */
import { runCredentialProcess } from "./src/commands/credential_process.ts";
import { describeFailure } from "./src/errors.ts";

/**
 * Loaded only off the fast path. A variable (not a literal) keeps Deno from loading the whole
 * CLI's module graph at every start; `deno task compile` adds it with `--include`.
 */
const CLI_MODULE = "./src/cli.ts";

if (import.meta.main) {
  const args = Deno.args;
  if (args[0] === "credential-process") {
    Deno.exit(await runCredentialProcess(args.slice(1)));
  }
  try {
    const { runCli }: typeof import("./src/cli.ts") = await import(CLI_MODULE);
    Deno.exit(await runCli(args));
  } catch (error) {
    const { message, exitCode } = describeFailure(error);
    console.error(message);
    Deno.exit(exitCode);
  }
}
