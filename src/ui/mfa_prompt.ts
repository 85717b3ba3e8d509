/**
 * The MFA code prompt of an assume-role hop with `mfa_serial`, as botocore asks it.
 *
 * @module
 */
import { safeEcho } from "../base/safe_text.ts";
import type { MfaPrompt } from "../sts/assume_role_provider.ts";
import { type PromptIO, promptLine } from "./prompt.ts";

/**
 * An MFA prompt on the prompt I/O of `ui/prompt.ts` (a runtime's stdin and stderr, or the
 * terminal a credential process reaches): botocore's question, asked again until the answer is
 * six digits.
 */
export function mfaPromptOn(io: PromptIO): MfaPrompt {
  return async ({ serial }) =>
    (await promptLine(io, `Enter MFA code for ${safeEcho(serial)}`, {
      validate: (answer) => /^\d{6}$/.test(answer) ? undefined : "The MFA code is 6 digits.",
    }))!;
}
