/** Unit tests of atomic, private file writes and tolerant JSON reads (spec §1.3, §3). */
import { ensurePrivateDir, readJsonObject, writeFileAtomic } from "../src/atomic_file.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { withTempDir } from "./script_helpers.ts";

const POSIX = Deno.build.os !== "windows";

async function withUmask(mask: number, fn: () => Promise<void>): Promise<void> {
  const old = Deno.umask(mask);
  try {
    await fn();
  } finally {
    Deno.umask(old);
  }
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
      await withUmask(0o000, async () => {
        await writeFileAtomic(`${dir}/open.json`, "{}");
      });
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
      await withUmask(0o377, async () => {
        await writeFileAtomic(`${dir}/strict.json`, "{}");
      });
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
      await withUmask(0o077, async () => {
        await writeFileAtomic(`${dir}/shared.txt`, "x", { mode: 0o644 });
      });
      assertEquals(await mode(`${dir}/shared.txt`), 0o644);
    });
  },
});

Deno.test({
  name: "writeFileAtomic() creates missing parent dirs with mode 0700",
  ignore: !POSIX,
  async fn() {
    await withTempDir(async (dir) => {
      await withUmask(0o000, async () => {
        await writeFileAtomic(`${dir}/a/b/c/file.json`, "{}");
      });
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
