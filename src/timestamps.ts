/** Timestamps as the AWS CLI writes them: `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds). */
export function formatAwsTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const ISO_WITH_ZONE =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|UTC|[+-]\d{2}:?\d{2})$/;

/**
 * Parses an ISO-8601 timestamp leniently (fractions, `Z`, `UTC` or an offset), as botocore's
 * dateutil does. Returns epoch ms, or undefined when the text has no zone or is not a timestamp.
 */
export function parseAwsTimestamp(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const trimmed = text.trim();
  if (!ISO_WITH_ZONE.test(trimmed)) return undefined;
  const normalized = trimmed.replace(/^(\d{4}-\d{2}-\d{2}) /, "$1T")
    .replace(/\s*(UTC|Z|z)$/, "Z")
    .replace(/\s*([+-]\d{2}):?(\d{2})$/, "$1:$2");
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? undefined : ms;
}
