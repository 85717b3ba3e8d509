/** Unit tests of atomic, private file writes and tolerant JSON reads (docs/formats.md §1.3, §3). */
import {
  ensurePrivateDir,
  probeWritable,
  readJsonObject,
  recoverFromTempFiles,
  STALE_TEMP_MS,
  writeFileAtomic,
} from "../src/base/atomic_file.ts";
import { RefusedFileError } from "../src/base/bounded_read.ts";
import { fileFailureReason } from "../src/base/file_failure.ts";
import { formatAwsTimestamp } from "../src/base/timestamps.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { withTempDir } from "./script_helpers.ts";

const POSIX = Deno.build.os !== "windows";

/**
 * Runs writeFileAtomic() in a child process whose umask is `mask`: the umask is process-wide, so
 * changing it here would race the test files that run in parallel in this process.
 */
async function writeWithUmask(
  mask: number,
  path: string,
  text: string,
  options: { mode?: number } = {},
): Promise<void> {
  const module = new URL("../src/base/atomic_file.ts", import.meta.url).href;
  const code = `Deno.umask(${mask});
const { writeFileAtomic } = await import(${JSON.stringify(module)});
await writeFileAtomic(${JSON.stringify(path)}, ${JSON.stringify(text)}, ${
    JSON.stringify(options)
  });`;
  const out = await new Deno.Command(Deno.execPath(), {
    // Sealed: only what the lockfile pins and the cache holds.
    args: ["eval", "--cached-only", code],
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
}

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

async function mode(path: string): Promise<number> {
  return (await Deno.stat(path)).mode! & 0o777;
}

Deno.test("writeFileAtomic() writes the text and leaves no temp file", async () => {
  await withTempDir(async (dir) => {
    await writeFileAtomic(`${dir}/a.json`, '{"a": 1}');
    assertEquals(await Deno.readTextFile(`${dir}/a.json`), '{"a": 1}');
    assertEquals(names(dir), ["a.json"]);
  });
});

Deno.test("writeFileAtomic() replaces existing content entirely", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/a.json`;
    await Deno.writeTextFile(path, "x".repeat(10_000));
    await writeFileAtomic(path, "short");
    assertEquals(await Deno.readTextFile(path), "short");
    await writeFileAtomic(path, "");
    assertEquals(await Deno.readTextFile(path), "");
    await writeFileAtomic(path, "ünïcödé ✓");
    assertEquals(await Deno.readTextFile(path), "ünïcödé ✓");
    assertEquals(names(dir), ["a.json"]);
  });
});

Deno.test({
  name: "writeFileAtomic() makes the file 0600 even with a permissive umask",
  ignore: !POSIX,
  async fn() {
    await withTempDir(async (dir) => {
      await writeWithUmask(0o000, `${dir}/open.json`, "{}");
      assertEquals(await mode(`${dir}/open.json`), 0o600);
      // A world-readable file being replaced does not pass its mode on.
      await Deno.writeTextFile(`${dir}/old.json`, "{}", { mode: 0o644 });
      await Deno.chmod(`${dir}/old.json`, 0o666);
      await writeFileAtomic(`${dir}/old.json`, "{}");
      assertEquals(await mode(`${dir}/old.json`), 0o600);
    });
  },
});

Deno.test({
  name: "writeFileAtomic() makes the file 0600 even with a restrictive umask",
  ignore: !POSIX,
  async fn() {
    await withTempDir(async (dir) => {
      await writeWithUmask(0o377, `${dir}/strict.json`, "{}");
      assertEquals(await mode(`${dir}/strict.json`), 0o600);
      assertEquals(await Deno.readTextFile(`${dir}/strict.json`), "{}");
    });
  },
});

Deno.test({
  name: "writeFileAtomic() honours an explicit mode",
  ignore: !POSIX,
  async fn() {
    await withTempDir(async (dir) => {
      await writeWithUmask(0o077, `${dir}/shared.txt`, "x", { mode: 0o644 });
      assertEquals(await mode(`${dir}/shared.txt`), 0o644);
    });
  },
});

Deno.test({
  name: "writeFileAtomic() creates missing parent dirs with mode 0700",
  ignore: !POSIX,
  async fn() {
    await withTempDir(async (dir) => {
      await writeWithUmask(0o000, `${dir}/a/b/c/file.json`, "{}");
      for (const sub of ["a", "a/b", "a/b/c"]) {
        assertEquals(await mode(`${dir}/${sub}`), 0o700, sub);
      }
      assertEquals(await Deno.readTextFile(`${dir}/a/b/c/file.json`), "{}");
    });
  },
});

Deno.test({
  name: "ensurePrivateDir() leaves an existing directory's mode alone",
  ignore: !POSIX,
  async fn() {
    await withTempDir(async (dir) => {
      await Deno.mkdir(`${dir}/existing`);
      await Deno.chmod(`${dir}/existing`, 0o755);
      await ensurePrivateDir(`${dir}/existing`);
      assertEquals(await mode(`${dir}/existing`), 0o755);
      await ensurePrivateDir(`${dir}/new`);
      assertEquals(await mode(`${dir}/new`), 0o700);
    });
  },
});

Deno.test("writeFileAtomic() removes its temp file when the rename fails", async () => {
  await withTempDir(async (dir) => {
    // A non-empty directory at the target path makes rename() fail after the temp file exists.
    await Deno.mkdir(`${dir}/target`);
    await Deno.writeTextFile(`${dir}/target/inside`, "x");
    await assertRejects(() => writeFileAtomic(`${dir}/target`, "new"));
    assertEquals(names(dir), ["target"]);
    assertEquals(names(`${dir}/target`), ["inside"]);
  });
});

Deno.test("writeFileAtomic() fails when the parent is a file", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/file`, "x");
    await assertRejects(() => writeFileAtomic(`${dir}/file/child.json`, "{}"));
    assertEquals(names(dir), ["file"]);
  });
});

Deno.test("writeFileAtomic() lets concurrent writers finish with one complete version", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/race.json`;
    const versions = Array.from(
      { length: 20 },
      (_, i) => JSON.stringify({ i, pad: "y".repeat(5000 + i) }),
    );
    await Promise.all(versions.map((text) => writeFileAtomic(path, text)));
    const final = await Deno.readTextFile(path);
    assert(versions.includes(final), "the final file is one whole version");
    assertEquals(names(dir), ["race.json"]);
  });
});

Deno.test("readJsonObject() returns the object of a valid JSON file", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/ok.json`, ' {"a": [1, {"b": null}], "c": "d"} \n');
    assertEquals(await readJsonObject(`${dir}/ok.json`), { a: [1, { b: null }], c: "d" });
  });
});

Deno.test("readJsonObject() returns undefined for missing, corrupt and non-object files", async () => {
  await withTempDir(async (dir) => {
    assertEquals(await readJsonObject(`${dir}/missing.json`), undefined);
    assertEquals(await readJsonObject(dir), undefined, "a directory");
    const cases: Record<string, string> = {
      corrupt: '{"a": ',
      empty: "",
      array: "[1, 2]",
      null: "null",
      number: "42",
      string: '"text"',
      "trailing-garbage": '{"a": 1} x',
    };
    for (const [name, text] of Object.entries(cases)) {
      await Deno.writeTextFile(`${dir}/${name}.json`, text);
      assertEquals(await readJsonObject(`${dir}/${name}.json`), undefined, name);
    }
  });
});

/** Makes a file look `ageMs` old. */
async function age(path: string, ageMs: number): Promise<void> {
  const then = new Date(Date.now() - ageMs);
  await Deno.utime(path, then, then);
}

/** A JSON body with an `expiresAt` `offsetMs` from now, as token and registration files have. */
function expiring(tag: string, offsetMs: number): string {
  return JSON.stringify({ tag, expiresAt: formatAwsTimestamp(Date.now() + offsetMs) });
}

Deno.test("writeFileAtomic() removes stale temp files of ours in its directory and nothing else", async () => {
  await withTempDir(async (dir) => {
    const stale = ["a.json.0123abcd.tmp", "config.89abcdef.tmp"];
    const kept = [
      "b.json.fedcba98.tmp", // young: a writer may still be at work
      "c.json.XYZ12345.tmp", // not our pattern (uppercase)
      "d.json.0123abc.tmp", // not our pattern (7 hex digits)
      "notes.tmp",
      "e.json.0123abcd.tmp.bak",
    ];
    for (const name of [...stale, ...kept]) {
      await Deno.writeTextFile(`${dir}/${name}`, '{"secret": "s"}');
    }
    for (const name of [...stale, ...kept.slice(1)]) await age(`${dir}/${name}`, 2 * STALE_TEMP_MS);
    await writeFileAtomic(`${dir}/new.json`, "{}");
    assertEquals(names(dir), [...kept, "new.json"].sort());
  });
});

Deno.test("writeFileAtomic() puts a stale temp file holding a newer expiring JSON in place of its target", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/token.json`, expiring("old", -60_000));
    const temp = `${dir}/token.json.0badcafe.tmp`;
    const newer = expiring("killed-refresh", 3_600_000);
    await Deno.writeTextFile(temp, newer);
    await age(temp, 2 * STALE_TEMP_MS);
    // An older version of another file is only removed.
    await Deno.writeTextFile(`${dir}/reg.json`, expiring("current", 7_200_000));
    await Deno.writeTextFile(`${dir}/reg.json.00000001.tmp`, expiring("older", 3_600_000));
    await age(`${dir}/reg.json.00000001.tmp`, 2 * STALE_TEMP_MS);
    await writeFileAtomic(`${dir}/other.json`, "{}");
    assertEquals(await Deno.readTextFile(`${dir}/token.json`), newer);
    if (POSIX) assertEquals(await mode(`${dir}/token.json`), 0o600);
    assertEquals(JSON.parse(await Deno.readTextFile(`${dir}/reg.json`)).tag, "current");
    assertEquals(names(dir), ["other.json", "reg.json", "token.json"]);
  });
});

Deno.test("recoverFromTempFiles() takes the newest complete version at least minAgeMs old", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/token.json`;
    const write = async (hex: string, text: string, ageMs: number) => {
      await Deno.writeTextFile(`${path}.${hex}.tmp`, text);
      await age(`${path}.${hex}.tmp`, ageMs);
    };
    await write("00000001", expiring("one-hour", 3_600_000), 5_000);
    await write("00000002", expiring("two-hours", 7_200_000), 5_000);
    await write("00000003", '{"tag": "partial", "expiresAt": "20', 5_000); // killed mid-write
    await write("00000004", expiring("expired", -60_000), 5_000);
    await write("00000005", expiring("too-young", 9_000_000), 0);
    // No target at all: the newest complete, unexpired version is recovered.
    assertEquals(await recoverFromTempFiles(path, 1_000), true);
    assertEquals(JSON.parse(await Deno.readTextFile(path)).tag, "two-hours");
    // The target is now newer than every remaining temp file: nothing to recover.
    assertEquals(await recoverFromTempFiles(path, 1_000), false);
    assertEquals(JSON.parse(await Deno.readTextFile(path)).tag, "two-hours");
    // Temp files younger than the stale age stay (their writer may be alive).
    assertEquals(names(dir).length, 5);
    assertEquals(await recoverFromTempFiles(`${dir}/missing.json`, 1_000), false);
  });
});

Deno.test("probeWritable() writes and removes a probe, and names why a directory cannot be written", async () => {
  await withTempDir(async (dir) => {
    assertEquals(await probeWritable(`${dir}/token.json`, 4096), undefined);
    assertEquals(names(dir), []);
    await Deno.writeTextFile(`${dir}/file`, "x");
    const error = await probeWritable(`${dir}/file/token.json`, 4096);
    assert(error instanceof Error);
    assertEquals(names(dir), ["file"]);
    assertEquals(fileFailureReason(new Deno.errors.PermissionDenied("x")), "permission denied");
    assertEquals(
      fileFailureReason(Object.assign(new Error("No space left on device (os error 28)"), {
        code: "ENOSPC",
      })),
      "the disk is full",
    );
    assertEquals(fileFailureReason(new Error("Something odd (os error 5)")), "Something odd");
    // Never an error class name ("Error", "RefusedFileError") in place of a reason.
    assertEquals(
      fileFailureReason(new RefusedFileError("it is larger than 4 MiB")),
      "it is larger than 4 MiB",
    );
    assertEquals(fileFailureReason(new Error("")), "an unknown error");
    assertEquals(
      fileFailureReason(new Deno.errors.NotCapable("Requires read access")),
      "not allowed by Deno's permissions",
    );
  });
});
