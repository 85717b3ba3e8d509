/**
 * The lazy loader of the SigV4 signer (`sigv4.ts`, which brings in the npm
 * library): imported through a variable, so that Deno loads it (and resolves its npm package)
 * only when a signed request is about to be sent, never on the credential-process cache-hit
 * path. The compile entry imports it literally so binaries embed it (`LAZY_MODULES`).
 *
 * @module
 */
import { CliError } from "../base/errors.ts";
import type { RequestSigner } from "./signing_types.ts";

/** The module holding the signer; a variable, so that it is loaded only when needed. */
const SIGNER_MODULE = "./sigv4.ts";

/** The SigV4 signer, loaded at the first call; a failure to load it is one sentence (exit 5). */
export async function loadSigner(): Promise<RequestSigner> {
  try {
    const module: { signRequest: RequestSigner } = await import(SIGNER_MODULE);
    return module.signRequest;
  } catch (error) {
    const why = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new CliError(
      `The SigV4 signer (npm:aws4fetch) could not be loaded, so no AWS request can be signed: ${why}.`,
      "unexpected",
    );
  }
}
