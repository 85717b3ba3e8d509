/**
 * One line of the `check` report: a level and one sentence. `ok` is a check that passed, `info`
 * something worth knowing, `warning` a set-up problem that does not stop the checks (diagnostics
 * never change the exit code; a failed check ends the run with its exit code instead).
 *
 * @module
 */
import { shownMessage } from "./safe_text.ts";

/** How much a finding matters. */
export type FindingLevel = "ok" | "info" | "warning";

/** One finding of `check`. Values echoed in `text` went through `safeEcho` already. */
export interface Finding {
  level: FindingLevel;
  text: string;
}

/** The finding as its report line: `warning: …` (control characters escaped, one line). */
export function findingLine(finding: Finding): string {
  return `${finding.level}: ${shownMessage(finding.text)}`;
}
