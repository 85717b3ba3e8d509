import { assert, assertEquals, assertMatch, assertRejects, assertStrictEquals } from "./assert.ts";
import {
  type ArchiveEntry,
  crc32,
  createTarGz,
  createZip,
  readTarGz,
  readZip,
} from "../scripts/archive.ts";
import { hasCommand, pythonExecutable, run, tempDir } from "./script_helpers.ts";

const encoder = new TextEncoder();
const WINDOWS = Deno.build.os === "windows";
const HAS_TAR = await hasCommand("tar", ["--version"]);
const HAS_UNZIP = await hasCommand("unzip", ["-v"]);
const PYTHON = await pythonExecutable();

/** A pseudo-random, poorly compressible payload of `size` bytes. */
function payload(size: number): Uint8Array {
  const data = new Uint8Array(size);
  let x = 2463534242;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  return data;
}

const BINARY = payload(300_000);
const LONG_NAME = `${"sub-folder-".repeat(12)}/${"n".repeat(60)}.txt`; // > 100 bytes
const ENTRIES: ArchiveEntry[] = [
  { path: "pkg-1.0/", directory: true },
  { path: "pkg-1.0/tool", data: BINARY, mode: 0o755 },
  { path: "pkg-1.0/README.md", data: encoder.encode("# readme\n") },
  { path: `pkg-1.0/${LONG_NAME}`, data: encoder.encode("long\n"), mode: 0o600 },
  { path: "pkg-1.0/empty", data: new Uint8Array() },
];
const EXPECTED = [
  ["pkg-1.0/", 0o755, true, 0],
  ["pkg-1.0/tool", 0o755, false, BINARY.length],
  ["pkg-1.0/README.md", 0o644, false, 9],
  [`pkg-1.0/${LONG_NAME}`, 0o600, false, 5],
  ["pkg-1.0/empty", 0o644, false, 0],
];
const MTIME = new Date("2026-03-04T05:06:08Z");

Deno.test('crc32() returns the standard check value when given "123456789"', () => {
  assertStrictEquals(crc32(encoder.encode("123456789")), 0xcbf43926);
  assertStrictEquals(crc32(new Uint8Array()), 0);
});

Deno.test("createTarGz() output reads back with the same paths, modes and data", async () => {
  const entries = await readTarGz(await createTarGz(ENTRIES, { mtime: MTIME }));
  assertEquals(entries.map((e) => [e.path, e.mode, e.directory, e.data.length]), EXPECTED);
  assertEquals(entries[1].data, BINARY);
});

Deno.test("createZip() output reads back with the same paths, modes and data", async () => {
  const entries = await readZip(await createZip(ENTRIES, { mtime: MTIME }));
  assertEquals(entries.map((e) => [e.path, e.mode, e.directory, e.data.length]), EXPECTED);
  assertEquals(entries[1].data, BINARY);
});

Deno.test("createTarGz() and createZip() give identical bytes when given the same mtime", async () => {
  assertEquals(
    await createZip(ENTRIES, { mtime: MTIME }),
    await createZip(ENTRIES, { mtime: MTIME }),
  );
  const [a, b] = [
    await createTarGz(ENTRIES, { mtime: MTIME }),
    await createTarGz(ENTRIES, { mtime: MTIME }),
  ];
  assertEquals(a, b);
});

Deno.test("createTarGz() and createZip() throw when a path escapes the archive", async () => {
  for (const create of [createTarGz, createZip]) {
    assertMatch(
      String(await assertRejects(create([{ path: "../evil", data: new Uint8Array() }]))),
      /relative/,
    );
    assertMatch(
      String(await assertRejects(create([{ path: "/abs", data: new Uint8Array() }]))),
      /relative/,
    );
  }
});

Deno.test("readZip() throws when a file's CRC-32 does not match", async () => {
  const zip = await createZip([{ path: "a.txt", data: encoder.encode("hello"), mode: 0o644 }]);
  const central = zip.length - 22 - (46 + "a.txt".length);
  zip[central + 16] ^= 0xff;
  assertMatch(String(await assertRejects(readZip(zip))), /fails its CRC-32 check/);
});

Deno.test({
  name: "createTarGz() output lists with 0755 in system tar when tar is on PATH",
  ignore: !HAS_TAR,
  fn: async () => {
    await using dir = await tempDir();
    await Deno.writeFile(`${dir.path}/t.tar.gz`, await createTarGz(ENTRIES, { mtime: MTIME }));
    // A relative name: GNU tar would read "C:\…" as a remote host on Windows.
    const listing = await run("tar", ["-tzvf", "t.tar.gz"], { cwd: dir.path });
    assertStrictEquals(listing.code, 0, listing.stderr);
    const lines = listing.stdout.trim().split(/\r?\n/);
    assertStrictEquals(lines.length, ENTRIES.length);
    assertMatch(lines[0], /^drwxr-xr-x .*pkg-1\.0\/$/);
    assertMatch(lines[1], /^-rwxr-xr-x .* 300000 .*pkg-1\.0\/tool$/);
    assertMatch(lines[2], /^-rw-r--r-- .*pkg-1\.0\/README\.md$/);
    assert(lines[3].endsWith(LONG_NAME), lines[3]);
  },
});

Deno.test({
  name: "createTarGz() output extracts an executable file when system tar unpacks it",
  ignore: !HAS_TAR || WINDOWS,
  fn: async () => {
    await using dir = await tempDir();
    await Deno.writeFile(`${dir.path}/t.tar.gz`, await createTarGz(ENTRIES, { mtime: MTIME }));
    const result = await run("tar", ["-xzf", "t.tar.gz"], { cwd: dir.path });
    assertStrictEquals(result.code, 0, result.stderr);
    const tool = await Deno.stat(`${dir.path}/pkg-1.0/tool`);
    assertStrictEquals(tool.mode! & 0o777, 0o755);
    assertStrictEquals(tool.mtime?.getTime(), MTIME.getTime());
    assertEquals(await Deno.readFile(`${dir.path}/pkg-1.0/tool`), BINARY);
    assertStrictEquals(await Deno.readTextFile(`${dir.path}/pkg-1.0/${LONG_NAME}`), "long\n");
  },
});

Deno.test({
  name: "createZip() output tests clean and extracts 0755 when unzip is on PATH",
  ignore: !HAS_UNZIP || WINDOWS,
  fn: async () => {
    await using dir = await tempDir();
    await Deno.writeFile(`${dir.path}/t.zip`, await createZip(ENTRIES, { mtime: MTIME }));
    const test = await run("unzip", ["-t", "t.zip"], { cwd: dir.path });
    assertStrictEquals(test.code, 0, test.stdout + test.stderr);
    assertMatch(test.stdout, /No errors detected/);
    const list = await run("unzip", ["-Z", "t.zip"], { cwd: dir.path });
    assertMatch(list.stdout, /-rwxr-xr-x .* unx +300000 .*pkg-1\.0\/tool/);
    const extract = await run("unzip", ["-q", "t.zip", "-d", "out"], { cwd: dir.path });
    assertStrictEquals(extract.code, 0, extract.stderr);
    assertStrictEquals((await Deno.stat(`${dir.path}/out/pkg-1.0/tool`)).mode! & 0o777, 0o755);
    assertEquals(await Deno.readFile(`${dir.path}/out/pkg-1.0/tool`), BINARY);
  },
});

Deno.test({
  name: "createZip() output passes python zipfile checks when python is on PATH",
  ignore: PYTHON === undefined,
  fn: async () => {
    await using dir = await tempDir();
    const file = `${dir.path}/t.zip`;
    await Deno.writeFile(file, await createZip(ENTRIES, { mtime: MTIME }));
    const script = [
      "import json, sys, zipfile",
      "z = zipfile.ZipFile(sys.argv[1])",
      "print(json.dumps({'bad': z.testzip(), 'entries': [[i.filename, i.external_attr >> 16,",
      "  i.compress_type, list(i.date_time)] for i in z.infolist()]}))",
    ].join("\n");
    const result = await run(PYTHON!, ["-c", script, file]);
    assertStrictEquals(result.code, 0, result.stderr);
    const { bad, entries } = JSON.parse(result.stdout);
    assertStrictEquals(bad, null);
    assertEquals(entries.map((e: unknown[]) => e.slice(0, 3)), [
      ["pkg-1.0/", 0o40755, 0],
      ["pkg-1.0/tool", 0o100755, 8],
      ["pkg-1.0/README.md", 0o100644, 8],
      [`pkg-1.0/${LONG_NAME}`, 0o100600, 8],
      ["pkg-1.0/empty", 0o100644, 8],
    ]);
    assertEquals(entries[1][3], [2026, 3, 4, 5, 6, 8]);
  },
});
