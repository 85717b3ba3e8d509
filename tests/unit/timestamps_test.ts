/** Unit tests of the AWS CLI timestamp format and the lenient reader (docs/formats.md §1.2, §3, §4). */
import { formatAwsTimestamp, parseAwsTimestamp } from "../../src/base/timestamps.ts";
import { assertEquals } from "../assert.ts";

const T = Date.UTC(2026, 10, 24, 0, 32, 24); // 2026-11-24T00:32:24Z

Deno.test("formatAwsTimestamp() writes YYYY-MM-DDTHH:MM:SSZ in UTC", () => {
  assertEquals(formatAwsTimestamp(T), "2026-11-24T00:32:24Z");
  assertEquals(formatAwsTimestamp(0), "1970-01-01T00:00:00Z");
  assertEquals(formatAwsTimestamp(Date.UTC(2027, 0, 2, 3, 4, 5)), "2027-01-02T03:04:05Z");
});

Deno.test("formatAwsTimestamp() truncates milliseconds instead of rounding", () => {
  assertEquals(formatAwsTimestamp(T + 999), "2026-11-24T00:32:24Z");
  assertEquals(formatAwsTimestamp(T + 500), "2026-11-24T00:32:24Z");
  assertEquals(formatAwsTimestamp(T + 1000), "2026-11-24T00:32:25Z");
  assertEquals(formatAwsTimestamp(Date.UTC(2026, 11, 31, 23, 59, 59, 999)), "2026-12-31T23:59:59Z");
});

Deno.test("parseAwsTimestamp() reads what formatAwsTimestamp() writes", () => {
  assertEquals(parseAwsTimestamp(formatAwsTimestamp(T)), T);
  assertEquals(parseAwsTimestamp(formatAwsTimestamp(T + 777)), T);
});

Deno.test("parseAwsTimestamp() accepts Z, lowercase z and fractions of any length", () => {
  assertEquals(parseAwsTimestamp("2026-11-24T00:32:24Z"), T);
  assertEquals(parseAwsTimestamp("2026-11-24T00:32:24z"), T);
  assertEquals(parseAwsTimestamp("2026-11-24T00:32:24.123Z"), T + 123, "JS SDK toISOString()");
  assertEquals(parseAwsTimestamp("2026-11-24T00:32:24.5Z"), T + 500);
  assertEquals(parseAwsTimestamp("2026-11-24T00:32:24.123456Z"), T + 123, "microseconds");
});

Deno.test("parseAwsTimestamp() accepts +00:00 and other offsets with or without a colon", () => {
  assertEquals(parseAwsTimestamp("2026-11-24T00:32:24+00:00"), T);
  assertEquals(parseAwsTimestamp("2026-11-24T01:32:24+0100"), T);
  assertEquals(parseAwsTimestamp("2026-11-24T01:32:24+01:00"), T);
  assertEquals(parseAwsTimestamp("2026-11-23T19:02:24-05:30"), T);
  assertEquals(parseAwsTimestamp("2026-11-23T19:02:24-0530"), T);
  assertEquals(parseAwsTimestamp("2026-11-24T00:32:24.250+00:00"), T + 250, "Python isoformat()");
});

Deno.test("parseAwsTimestamp() accepts a UTC suffix and a space separator", () => {
  assertEquals(parseAwsTimestamp("2026-11-24 00:32:24 UTC"), T);
  assertEquals(parseAwsTimestamp("2026-11-24T00:32:24 UTC"), T);
  assertEquals(parseAwsTimestamp("2026-11-24T00:32:24UTC"), T);
  assertEquals(parseAwsTimestamp("2026-11-24 00:32:24Z"), T);
  assertEquals(parseAwsTimestamp("2026-11-24 00:32:24+00:00"), T, "Python str(datetime)");
  assertEquals(parseAwsTimestamp("2026-11-24T00:32:24 +00:00"), T);
  assertEquals(parseAwsTimestamp("  2026-11-24T00:32:24Z\n"), T, "surrounding whitespace");
});

Deno.test("parseAwsTimestamp() accepts a time without seconds", () => {
  assertEquals(parseAwsTimestamp("2026-11-24T00:32Z"), T - 24_000);
});

Deno.test("parseAwsTimestamp() rejects naive timestamps, which botocore cannot compare", () => {
  for (
    const text of [
      "2026-11-24T00:32:24",
      "2026-11-24 00:32:24",
      "2026-11-24T00:32:24.123",
      "2026-11-24",
    ]
  ) {
    assertEquals(parseAwsTimestamp(text), undefined, text);
  }
});

Deno.test("parseAwsTimestamp() rejects numbers and other non-strings", () => {
  for (const value of [1795480344, 1795480344000, null, undefined, true, {}, [], new Date(T)]) {
    assertEquals(parseAwsTimestamp(value), undefined, String(value));
  }
});

Deno.test("parseAwsTimestamp() rejects garbage and impossible dates", () => {
  for (
    const text of [
      "",
      "garbage",
      "tomorrow Z",
      "2026-11-24T00:32:24Zjunk",
      "2026-11-24T00:32:24 GMT",
      "2026/11/24 00:32:24Z",
      "24-11-2026T00:32:24Z",
      "2026-13-24T00:32:24Z",
      "2026-11-24T25:32:24Z",
      "2026-11-24T00:32:24+1",
    ]
  ) {
    assertEquals(parseAwsTimestamp(text), undefined, JSON.stringify(text));
  }
});

Deno.test("parseAwsTimestamp() rejects days that do not exist instead of rolling them over", () => {
  for (
    const text of [
      "2099-02-30T00:00:00Z",
      "2026-02-29T00:00:00Z",
      "2100-02-29T00:00:00Z",
      "2026-04-31T12:00:00+02:00",
      "2026-11-31 00:32:24 UTC",
      "2026-01-00T00:00:00Z",
      "2026-00-10T00:00:00Z",
    ]
  ) {
    assertEquals(parseAwsTimestamp(text), undefined, text);
  }
  assertEquals(parseAwsTimestamp("2028-02-29T00:00:00Z"), Date.UTC(2028, 1, 29), "leap year");
  assertEquals(parseAwsTimestamp("2000-02-29T00:00:00Z"), Date.UTC(2000, 1, 29), "400-year rule");
  assertEquals(parseAwsTimestamp("2026-04-30T00:00:00Z"), Date.UTC(2026, 3, 30));
  assertEquals(parseAwsTimestamp("2026-12-31T23:59:59Z"), Date.UTC(2026, 11, 31, 23, 59, 59));
});
