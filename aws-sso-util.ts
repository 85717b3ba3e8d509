/**
 * aws-sso-util for Deno: the entry point of compiled binaries (`deno task compile`, and
 * `deno install --global --compile` from a URL, which names the command after this file). It runs
 * `main()` of main.ts, the entry of `deno run`.
 *
 * main.ts loads the CLI framework, the login flows, the role-chain path and the SigV4 signer
 * through non-literal
 * `import()`s, so that `deno run` does not load them at every start; `deno compile` cannot see
 * those, and `deno install --compile` has no `--include`. The literal `import()`s below, which never run,
 * make both embed them (`LAZY_MODULES` in scripts/release_info.ts; a test checks the lists agree).
 *
 * @module
 */
import { main } from "./main.ts";
import { systemRuntime } from "./src/system_runtime.ts";

/** Never called: names main.ts's lazily loaded modules for `deno compile` to embed. */
export function lazyModules(): Promise<unknown>[] {
  return [
    import("./src/cli.ts"),
    import("./src/login/auto_login.ts"),
    import("./src/commands/status.ts"),
    import("./src/net/sigv4.ts"),
    import("./src/commands/chain_credentials.ts"),
  ];
}

if (import.meta.main) Deno.exit(await main(Deno.args, systemRuntime()));
