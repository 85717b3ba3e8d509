/** The `status` report: durations, local times, the text for people and the JSON for scripts. */
import type { CachedLogin } from "../../src/cache/login_inventory.ts";
import { localTime, statusJson, statusText } from "../../src/ui/status_report.ts";
import { assertEquals, assertStringIncludes } from "../assert.ts";
import { relativeTime, shortDuration } from "../../src/base/timestamps.ts";

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const UTC = () => 0;

const LOGINS: CachedLogin[] = [
  {
    key: "k1",
    path: "/h/.aws/sso/cache/k1.json",
    session: "corp",
    startUrl: "https://a.awsapps.com/start",
    region: "us-east-2",
    expiresAt: NOW + 3 * HOUR + 12 * MINUTE,
    state: "valid",
    refreshableUntil: NOW + 50 * 24 * HOUR,
    credentials: [{
      accountId: "111111111111",
      roleName: "Dev",
      expiration: NOW + 45 * MINUTE,
      reusable: true,
    }],
    profiles: ["dev", "dev-admin"],
  },
  {
    key: "k2",
    path: "/h/.aws/sso/cache/k2.json",
    session: null,
    startUrl: "https://b.awsapps.com/start",
    region: "eu-west-1",
    expiresAt: NOW - 2 * HOUR,
    state: "expired",
    credentials: [],
    profiles: [],
  },
];

Deno.test("shortDuration() and relativeTime() keep the two largest units", () => {
  assertEquals(shortDuration(3 * HOUR + 12 * MINUTE + 59_000), "3h 12m");
  assertEquals(shortDuration(2 * HOUR), "2h");
  assertEquals(shortDuration(26 * HOUR + 5 * MINUTE), "1d 2h");
  assertEquals(shortDuration(3 * 24 * HOUR), "3d");
  assertEquals(shortDuration(45_500), "45s");
  assertEquals(shortDuration(12 * MINUTE), "12m");
  assertEquals(relativeTime(NOW + 3 * HOUR + 12 * MINUTE, NOW), "in 3h 12m");
  assertEquals(relativeTime(NOW - 2 * HOUR, NOW), "2h ago");
});

Deno.test("localTime() shows the local wall clock with its UTC offset", () => {
  assertEquals(localTime(NOW, UTC), "2026-11-24 12:00 +00:00");
  assertEquals(localTime(NOW, () => 60), "2026-11-24 13:00 +01:00");
  assertEquals(localTime(NOW, () => -(9 * 60 + 30)), "2026-11-24 02:30 -09:30");
  assertEquals(localTime(NOW, () => 14 * 60), "2026-11-25 02:00 +14:00");
});

Deno.test("statusJson() prints the documented shape with ISO-8601 UTC timestamps", () => {
  assertEquals(JSON.parse(statusJson(LOGINS)), {
    logins: [
      {
        session: "corp",
        startUrl: "https://a.awsapps.com/start",
        region: "us-east-2",
        expiresAt: "2026-11-24T15:12:00Z",
        state: "valid",
        refreshableUntil: "2027-01-13T12:00:00Z",
        credentials: [
          { accountId: "111111111111", roleName: "Dev", expiration: "2026-11-24T12:45:00Z" },
        ],
        profiles: ["dev", "dev-admin"],
      },
      {
        session: null,
        startUrl: "https://b.awsapps.com/start",
        region: "eu-west-1",
        expiresAt: "2026-11-24T10:00:00Z",
        state: "expired",
        refreshableUntil: null,
        credentials: [],
        profiles: [],
      },
    ],
    warnings: [],
  });
  assertEquals(statusJson([], ["a sentence."]), '{"logins":[],"warnings":["a sentence."]}\n');
});

Deno.test("statusText() gives each login its state, expiry, refresh horizon, profiles and credentials", () => {
  assertEquals(
    statusText(LOGINS, NOW, UTC),
    [
      "sso-session corp: https://a.awsapps.com/start (us-east-2)",
      "  valid: token expires 2026-11-24 15:12 +00:00 (in 3h 12m)",
      "  refreshable until 2027-01-13 12:00 +00:00 (in 50d)",
      "  profiles: dev, dev-admin",
      "  cached role credentials:",
      "    111111111111 Dev: expire 2026-11-24 12:45 +00:00 (in 45m)",
      "",
      "legacy login (no sso-session): https://b.awsapps.com/start (eu-west-1)",
      "  expired: token expired 2h ago, at 2026-11-24 10:00 +00:00",
      "  a new login is required",
      "  profiles: none",
      "  cached role credentials: none",
      "",
    ].join("\n"),
  );
  assertEquals(statusText([], NOW, UTC), "");
});

Deno.test("statusText() escapes control characters and hides URL credentials from the files", () => {
  const hostile: CachedLogin = {
    ...LOGINS[1],
    session: "evil\x1b[31m\nname",
    startUrl: "https://user:pw@a.awsapps.com/start\r\n",
    region: "us-east-1\u202e",
  };
  const text = statusText([hostile], NOW, UTC);
  assertStringIncludes(text, "sso-session evil\\x1B[31m\\nname");
  for (const raw of ["\x1b", "\r", "pw@", "\u202e"]) {
    assertEquals(text.includes(raw), false, JSON.stringify(raw));
  }
  assertEquals(text.split("\n")[0].includes("\\r\\n"), true);
});
