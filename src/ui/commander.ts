/**
 * The one place the CLI framework is imported from (as `../sdk.ts` once was for the AWS SDK):
 * its version is pinned here, and every command imports what it needs from this module. The
 * `credential-process` fast path never loads it.
 */
export { Command, CommanderError, Option } from "npm:commander@15.1.0";
