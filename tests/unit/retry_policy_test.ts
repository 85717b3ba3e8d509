/** Unit tests of the retry decisions and waits (src/net/retry_policy.ts; docs/settings.md). */
import { assertEquals } from "../assert.ts";
import {
  failureKind,
  Retries,
  retryAfterMs,
  retryDelayMs,
  RetryQuota,
} from "../../src/net/retry_policy.ts";
import { LIMITS } from "../../src/base/limits.ts";

const rt = { now: () => 1_000_000, limits: LIMITS };

Deno.test("failureKind() sorts failures as the SDKs' standard mode does", () => {
  assertEquals(failureKind({ status: 429 }), "throttling");
  assertEquals(failureKind({ status: 400, code: "ThrottlingException" }), "throttling");
  assertEquals(failureKind({ status: 503 }), "transient");
  assertEquals(failureKind({ status: 400, code: "RequestTimeoutException" }), "transient");
  assertEquals(failureKind({ transientNetwork: true }), "transient");
  assertEquals(failureKind({ status: 501 }), "serverError");
  assertEquals(failureKind({ status: 403 }), "clientError");
  assertEquals(failureKind({}), "clientError");
});

Deno.test("retryDelayMs() waits rand × 2^(n−1) s in legacy mode, without a cap", () => {
  assertEquals(retryDelayMs("legacy", { status: 500 }, 1, LIMITS, 0.5), 500);
  assertEquals(retryDelayMs("legacy", { status: 500 }, 4, LIMITS, 0.5), 4_000);
  assertEquals(retryDelayMs("legacy", { status: 429 }, 6, LIMITS, 1), 32_000);
});

Deno.test("retryDelayMs() in standard mode: 50 ms or 1 s bases, a 20 s cap, hints stretch by at most 5 s", () => {
  assertEquals(retryDelayMs("standard", { status: 500 }, 1, LIMITS, 0.5), 25);
  assertEquals(retryDelayMs("standard", { status: 500 }, 3, LIMITS, 0.5), 100);
  assertEquals(retryDelayMs("standard", { status: 429 }, 1, LIMITS, 0.5), 500);
  assertEquals(retryDelayMs("standard", { status: 429 }, 10, LIMITS, 0.5), 10_000);
  assertEquals(
    retryDelayMs("adaptive", { status: 503, retryAfterMs: 3_000 }, 1, LIMITS, 0.5),
    3_000,
  );
  assertEquals(
    retryDelayMs("standard", { status: 503, retryAfterMs: 60_000 }, 1, LIMITS, 0.5),
    5_025,
  );
  assertEquals(retryDelayMs("standard", { status: 503, retryAfterMs: 1 }, 1, LIMITS, 0.5), 25);
});

Deno.test("RetryQuota: 500 to start, 14 a retry, 5 a throttled retry, refunded on success", () => {
  const quota = new RetryQuota();
  assertEquals(quota.acquire({ status: 500 }), 14);
  assertEquals(quota.acquire({ status: 429 }), 5);
  assertEquals(quota.capacity, 481);
  quota.release(5);
  assertEquals(quota.capacity, 486);
  quota.release(undefined);
  assertEquals(quota.capacity, 487);
  while (quota.acquire({ status: 500 }) !== undefined) { /* drain */ }
  assertEquals(quota.capacity, 487 % 14);
  // Too little for a retry (11 left), enough for two throttled ones.
  assertEquals(quota.acquire({ status: 503 }), undefined);
  assertEquals(quota.acquire({ status: 429 }), 5);
  assertEquals(quota.acquire({ status: 429 }), 5);
  assertEquals(quota.acquire({ status: 429 }), undefined);
});

Deno.test("Retries: the last attempt, a final failure and an empty quota end the call", () => {
  const runtime = { ...rt };
  const standard = new Retries(runtime, {
    url: "https://a",
    service: "sso",
    mode: "standard",
    maxAttempts: 3,
  });
  assertEquals(typeof standard.failed({ status: 500 }, 1, 0), "number");
  assertEquals(standard.failed({ status: 500 }, 3, 0), undefined);
  assertEquals(standard.failed({ status: 400, code: "InvalidRequestException" }, 1, 0), undefined);
  // Quota is shared by every call to the endpoint in the runtime: drain it with one.
  const many = new Retries(runtime, {
    url: "https://a",
    service: "sso",
    mode: "standard",
    maxAttempts: 1000,
  });
  let retries = 0;
  while (many.failed({ status: 503 }, 1, 0) !== undefined) retries++;
  assertEquals(retries, Math.floor((500 - 14) / 14));
  // Legacy mode keeps no quota.
  const legacy = new Retries(runtime, {
    url: "https://a",
    service: "sts",
    mode: "legacy",
    maxAttempts: 5,
  });
  assertEquals(legacy.failed({ status: 503 }, 1, 0), 0);
  assertEquals(legacy.failed({ status: 400, code: "IDPCommunicationError" }, 1, 0), 0);
  assertEquals(legacy.failed({ status: 400, code: "TooManyRequestsException" }, 1, 0), undefined);
});

Deno.test("retryAfterMs() reads x-amz-retry-after (ms), else Retry-After (seconds or a date)", () => {
  const now = Date.parse("2026-12-06T10:00:00Z");
  assertEquals(retryAfterMs(new Headers({ "x-amz-retry-after": "1500" }), now), 1500);
  assertEquals(retryAfterMs(new Headers({ "x-amz-retry-after": "soon" }), now), undefined);
  assertEquals(retryAfterMs(new Headers({ "retry-after": "2" }), now), 2000);
  assertEquals(
    retryAfterMs(new Headers({ "retry-after": "Sun, 06 Dec 2026 10:00:03 GMT" }), now),
    3000,
  );
  assertEquals(retryAfterMs(new Headers({}), now), undefined);
});
