/**
 * The AWS SDK clients, the only third-party code the network paths need. `src/sso_api.ts` loads
 * this module lazily through a variable, so a cache hit never resolves or loads any npm package;
 * `deno task compile` embeds it with `--include` (see LAZY_MODULES in scripts/release_info.ts).
 */
export * as sso from "npm:@aws-sdk/client-sso@3.1164.0";
export * as oidc from "npm:@aws-sdk/client-sso-oidc@3.1164.0";
