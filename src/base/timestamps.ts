/** Timestamps as the AWS CLI writes them: `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds). */
export function formatAwsTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const ISO_WITH_ZONE =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|UTC|[+-]\d{2}:?\d{2})$/;

/**
 * Parses an ISO-8601 timestamp leniently (fractions, `Z`, `UTC` or an offset), as botocore's
 * dateutil does. Returns epoch ms, or undefined when the text has no zone or is not a timestamp,
 * including impossible dates such as `2099-02-30`, which `Date` would roll over to March.
 */
export function parseAwsTimestamp(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  // The AWS CLI's own form needs no normalizing (`status` parses thousands of them).
  if (CANONICAL.test(text)) {
    const ms = isRealDate(text) ? Date.parse(text) : NaN;
    return Number.isNaN(ms) ? undefined : ms;
  }
  const trimmed = text.trim();
  if (!ISO_WITH_ZONE.test(trimmed) || !isRealDate(trimmed)) return undefined;
  const normalized = trimmed.replace(/^(\d{4}-\d{2}-\d{2}) /, "$1T")
    .replace(/\s*(UTC|Z|z)$/, "Z")
    .replace(/\s*([+-]\d{2}):?(\d{2})$/, "$1:$2");
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? undefined : ms;
}

/** True when the leading `YYYY-MM-DD` names a day that exists (30 days in April, leap years). */
function isRealDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split("-").map(Number);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** A duration as its two largest units: "3h 12m", "2d 4h", "45s". */
export function shortDuration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const [d, h, m, s] = [
    Math.floor(total / 86_400),
    Math.floor(total / 3600) % 24,
    Math.floor(total / 60) % 60,
    total % 60,
  ];
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}

/** "in 3h 12m" for a future instant, "2h ago" for a past one. */
export function relativeTime(at: number, now: number): string {
  return at > now ? `in ${shortDuration(at - now)}` : `${shortDuration(now - at)} ago`;
}

/** The latest time a timestamp can name and still be written as `YYYY-MM-DDTHH:MM:SSZ`. */
export const MAX_TIMESTAMP_MS = Date.UTC(9999, 11, 31, 23, 59, 59);
