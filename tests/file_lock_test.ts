/** Tests of the cross-process file lock, using real `deno` subprocesses. */
import { withFileLock } from "../src/base/file_lock.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";

const MODULE_URL = new URL("../src/base/file_lock.ts", import.meta.url).href;

/**
 * A worker: `worker.ts LOCK LOG LABEL ITERATIONS HOLD_MS [WAIT_FILE]`. Each iteration takes the
 * lock, appends `start LABEL locked`, sleeps, appends `end LABEL`. With WAIT_FILE, the first
 * critical section lasts until that file exists (then HOLD_MS more).
 */
const WORKER = `
import { withFileLock } from ${JSON.stringify(MODULE_URL)};
const [lockPath, logPath, label, iterations, holdMs, waitFile] = Deno.args;
const append = (line: string) => Deno.writeTextFile(logPath, line + "\\n", { append: true });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
await append("ready " + label);
for (let i = 0; i < Number(iterations); i++) {
  await withFileLock(lockPath, 30_000, async (locked) => {
    await append("start " + label + " " + locked);
    if (waitFile && i === 0) {
      while (!(await Deno.stat(waitFile).then(() => true, () => false))) await sleep(20);
    }
    await sleep(Number(holdMs));
    await append("end " + label);
  });
}
`;

/** A holder: takes the lock, prints "locked", then sleeps for a minute (until killed). */
const HOLDER = `
import { withFileLock } from ${JSON.stringify(MODULE_URL)};
await withFileLock(Deno.args[0], 10_000, async (locked) => {
  console.log(locked ? "locked" : "not locked");
  await new Promise((r) => setTimeout(r, 60_000));
});
`;

interface Fixture {
  dir: string;
  lockPath: string;
  logPath: string;
  worker: string;
  holder: string;
}

async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "file-lock-test-" });
  try {
    await Deno.writeTextFile(`${dir}/worker.ts`, WORKER);
    await Deno.writeTextFile(`${dir}/holder.ts`, HOLDER);
    await fn({
      dir,
      lockPath: `${dir}/locks/test.lock`,
      logPath: `${dir}/log.txt`,
      worker: `${dir}/worker.ts`,
      holder: `${dir}/holder.ts`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function deno(script: string, args: string[], holder = false): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-config",
      "--no-lock",
      "--cached-only",
      "--quiet",
      "--allow-read",
      "--allow-write",
      script,
      ...args,
    ],
    stdin: "null",
    stdout: holder ? "piped" : "null",
    stderr: holder ? "null" : "piped",
  }).spawn();
}

async function finish(child: Deno.ChildProcess): Promise<void> {
  const out = await child.output();
  assertEquals(new TextDecoder().decode(out.stderr), "", "worker stderr");
  assertEquals(out.code, 0);
}

/** Starts a holder and waits until it reports that it holds the lock. */
async function startHolder(f: Fixture): Promise<Deno.ChildProcess> {
  const child = deno(f.holder, [f.lockPath], true);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  reader.releaseLock();
  assertEquals(text, "locked\n");
  return child;
}

/** Kills a holder (stdout piped) and reaps it. */
async function stop(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGKILL");
  } catch {
    // already exited
  }
  await child.stdout.cancel().catch(() => {});
  await child.status;
}

/** Kills a worker (stderr piped) that may still run after a failed assertion, and reaps it. */
async function reap(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGKILL");
  } catch {
    return; // already exited and reaped by finish()
  }
  await child.stderr.cancel().catch(() => {});
  await child.status;
}

async function readLog(path: string): Promise<string[]> {
  return (await Deno.readTextFile(path)).trimEnd().split("\n");
}

/** The start/end lines with `ready` lines removed must come in non-overlapping pairs. */
function assertNoInterleaving(log: string[]): void {
  const sections = log.filter((l) => !l.startsWith("ready "));
  assertEquals(sections.length % 2, 0, sections.join("\n"));
  for (let i = 0; i < sections.length; i += 2) {
    const label = sections[i].split(" ")[1];
    assertEquals(
      [sections[i], sections[i + 1]],
      [`start ${label} true`, `end ${label}`],
      `critical sections interleave:\n${log.join("\n")}`,
    );
  }
}

Deno.test("withFileLock() makes a second process wait until the first leaves its critical section", async () => {
  await withFixture(async (f) => {
    const signal = `${f.dir}/b-ready`;
    const a = deno(f.worker, [f.lockPath, f.logPath, "A", "1", "300", signal]);
    try {
      // Wait until A is inside its critical section before starting B.
      while (!(await Deno.readTextFile(f.logPath).catch(() => "")).includes("start A")) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const b = deno(f.worker, [f.lockPath, f.logPath, "B", "1", "50"]);
      while (!(await Deno.readTextFile(f.logPath)).includes("ready B")) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await Deno.writeTextFile(signal, "");
      await finish(a);
      await finish(b);
    } finally {
      await reap(a);
    }
    assertEquals(await readLog(f.logPath), [
      "ready A",
      "start A true",
      "ready B",
      "end A",
      "start B true",
      "end B",
    ]);
  });
});

Deno.test("withFileLock() keeps the critical sections of three busy processes from interleaving", async () => {
  await withFixture(async (f) => {
    const children = ["A", "B", "C"].map((label) =>
      deno(f.worker, [f.lockPath, f.logPath, label, "4", "25"])
    );
    try {
      for (const child of children) await finish(child);
    } finally {
      for (const child of children) await reap(child);
    }
    const log = await readLog(f.logPath);
    assertEquals(log.filter((l) => l.startsWith("start ")).length, 12);
    assertNoInterleaving(log);
  });
});

Deno.test({
  name:
    "withFileLock() runs fn with locked = false after the timeout when another process holds the lock",
  // The abandoned lock request only completes once the holder is gone.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withFixture(async (f) => {
      const holder = await startHolder(f);
      try {
        const started = performance.now();
        const result = await withFileLock(f.lockPath, 300, (locked) => Promise.resolve(locked));
        const elapsed = performance.now() - started;
        assertEquals(result, false);
        assert(elapsed >= 280, `gave up too early (${elapsed} ms)`);
        assert(elapsed < 5_000, `waited too long (${elapsed} ms)`);
      } finally {
        await stop(holder);
      }
      // Once the holder is gone the lock is free again.
      assertEquals(await withFileLock(f.lockPath, 5_000, (l) => Promise.resolve(l)), true);
    });
  },
});

Deno.test("withFileLock() gets the lock as soon as the holding process is killed", async () => {
  await withFixture(async (f) => {
    const holder = await startHolder(f);
    await stop(holder);
    const started = performance.now();
    const locked = await withFileLock(f.lockPath, 10_000, (l) => Promise.resolve(l));
    assertEquals(locked, true);
    assert(performance.now() - started < 5_000, "the dead holder's lock was released");
  });
});

Deno.test({
  name: "withFileLock() releases the lock after fn, also when fn throws",
  ignore: Deno.build.os === "windows",
  async fn() {
    await withFixture(async (f) => {
      assertEquals(await withFileLock(f.lockPath, 1_000, () => Promise.resolve("value")), "value");
      await assertRejects(
        () => withFileLock(f.lockPath, 1_000, () => Promise.reject(new Error("boom"))),
        Error,
        "boom",
      );
      assertEquals(await withFileLock(f.lockPath, 1_000, (l) => Promise.resolve(l)), true);
      // Another process can take it too: a worker finishes without waiting 30 s.
      await finish(deno(f.worker, [f.lockPath, f.logPath, "W", "1", "0"]));
      assertEquals(await readLog(f.logPath), ["ready W", "start W true", "end W"]);
      assertEquals((await Deno.stat(`${f.dir}/locks`)).mode! & 0o777, 0o700);
      // The lock file is 0600 while it exists (its holder removes it on release).
      await withFileLock(f.lockPath, 1_000, async () => {
        assertEquals((await Deno.stat(f.lockPath)).mode! & 0o777, 0o600);
      });
    });
  },
});

Deno.test("withFileLock() runs fn unlocked when the lock file cannot be created", async () => {
  await withFixture(async (f) => {
    await Deno.writeTextFile(`${f.dir}/not-a-dir`, "");
    const locked = await withFileLock(
      `${f.dir}/not-a-dir/x.lock`,
      1_000,
      (l) => Promise.resolve(l),
    );
    assertEquals(locked, false);
  });
});

Deno.test({
  name: "withFileLock() leaves no lock file behind, after busy processes too",
  ignore: Deno.build.os === "windows",
  async fn() {
    await withFixture(async (f) => {
      assertEquals(
        await withFileLock(f.lockPath, 1_000, (locked) => Promise.resolve(locked)),
        true,
      );
      assertEquals(await Deno.stat(f.lockPath).then(() => true, () => false), false);
      const workers = ["a", "b", "c"].map((label) =>
        deno(f.worker, [f.lockPath, f.logPath, label, "4", "5"])
      );
      for (const w of workers) assertEquals((await w.output()).code, 0);
      const log = (await Deno.readTextFile(f.logPath)).split("\n").filter((l) =>
        l.startsWith("start") || l.startsWith("end")
      );
      for (let i = 0; i < log.length; i += 2) {
        assert(log[i].startsWith("start") && log[i].endsWith("true"), log.join("\n"));
        assertEquals(log[i + 1], `end ${log[i].split(" ")[1]}`, log.join("\n"));
      }
      assertEquals(log.length, 24);
      assertEquals([...Deno.readDirSync(`${f.dir}/locks`)].map((e) => e.name), []);
    });
  },
});
