/** Tests of the test runtimes' virtual clock (tests/virtual_clock.ts). */
import { assert, assertEquals, assertRejects } from "../assert.ts";
import { VirtualClock } from "../virtual_clock.ts";

const HOUR = 3_600_000;

Deno.test("VirtualClock.sleep() returns at once and moves the clock on by its time", async () => {
  const clock = new VirtualClock({ frozenAt: 1_000 });
  const started = performance.now();
  await clock.sleep(HOUR);
  assertEquals(clock.now(), 1_000 + HOUR);
  assertEquals(clock.skippedMs, HOUR);
  assert(performance.now() - started < 1_000, "slept in real time");
});

Deno.test("VirtualClock.now() is the real time plus the jumps when it is not frozen", async () => {
  const clock = new VirtualClock();
  const before = Date.now();
  await clock.sleep(HOUR);
  assert(clock.now() >= before + HOUR && clock.now() <= Date.now() + HOUR);
});

Deno.test("VirtualClock.sleep() wakes concurrent sleepers in time order and moves to the latest, not the sum", async () => {
  const clock = new VirtualClock({ frozenAt: 0 });
  const woken: [string, number][] = [];
  const sleeper = (name: string, ms: number) =>
    clock.sleep(ms).then(() => void woken.push([name, clock.now()]));
  await Promise.all([sleeper("c", 300), sleeper("a", 100), sleeper("b", 200), sleeper("a2", 100)]);
  assertEquals(woken, [["a", 100], ["a2", 100], ["b", 200], ["c", 300]]);
  assertEquals(clock.now(), 300);
});

Deno.test("VirtualClock.timeout() aborts when a sleep carries the clock past it, before that sleep wakes", async () => {
  const clock = new VirtualClock({ frozenAt: 0 });
  const signal = clock.timeout(500);
  // A server that does not answer: it sleeps until the request's signal aborts.
  const error = await assertRejects(() => clock.sleep(Infinity, signal), DOMException);
  assertEquals(error.name, "TimeoutError");
  assertEquals(clock.now(), 500);
  // A sleep that ends before the time-out leaves the signal alone.
  const later = clock.timeout(1_000);
  await clock.sleep(999);
  assertEquals(later.aborted, false);
  await clock.sleep(1);
  assertEquals(later.aborted, true);
});

Deno.test("VirtualClock.timeout() alone does not move the clock", async () => {
  const clock = new VirtualClock({ frozenAt: 0 });
  const signal = clock.timeout(60_000);
  await new Promise((r) => setTimeout(r, 0));
  assertEquals([signal.aborted, clock.now()], [false, 0]);
});
