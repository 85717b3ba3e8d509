/**
 * Minimal, dependency-free writers (and readers, for verification) of the two release archive
 * kinds: gzip-compressed ustar (`.tar.gz`) and deflate zip (`.zip`). Both record unix modes,
 * so an executable stays executable (0755) after extraction with `tar`, `unzip` or Homebrew.
 *
 * @module
 */

/** One file or directory to put in an archive. Paths use `/` and are relative. */
export interface ArchiveEntry {
  /** Path inside the archive, e.g. `aws-sso-util-0.1.0-x86_64-apple-darwin/aws-sso-util`. */
  path: string;
  /** File contents; omit for a directory. */
  data?: Uint8Array;
  /** Unix permission bits; default 0o644 for files, 0o755 for directories. */
  mode?: number;
  /** Whether this is a directory entry. */
  directory?: boolean;
}

/** An entry read back from an archive. */
export interface ExtractedEntry {
  path: string;
  /** Unix permission bits (`mode & 0o7777`). */
  mode: number;
  directory: boolean;
  data: Uint8Array;
}

/** Options shared by the writers. */
export interface ArchiveOptions {
  /** Modification time recorded for every entry; default now. */
  mtime?: Date;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// ---------------------------------------------------------------------------------------------
// Shared helpers

function normalized(entry: ArchiveEntry): Required<ArchiveEntry> {
  const directory = entry.directory ?? false;
  let path = entry.path;
  if (
    path === "" || path.startsWith("/") || path.includes("\\") || path.split("/").includes("..")
  ) {
    throw new Error(`Archive path "${path}" must be relative, use "/" and contain no "..".`);
  }
  if (directory && !path.endsWith("/")) path += "/";
  const data = directory ? new Uint8Array() : entry.data;
  if (data === undefined) throw new Error(`Archive entry "${path}" has no data.`);
  return { path, data, directory, mode: (entry.mode ?? (directory ? 0o755 : 0o644)) & 0o7777 };
}

async function transform(data: Uint8Array, stream: CompressionStream | DecompressionStream) {
  const output = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(output).arrayBuffer());
}

function concat(chunks: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as used by zip and gzip) of `data`. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// tar.gz

const BLOCK = 512;
const RECORD = 20 * BLOCK;

function writeString(block: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = encoder.encode(value);
  if (bytes.length > length) throw new Error(`Tar header field "${value}" is too long.`);
  block.set(bytes, offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  const text = value.toString(8).padStart(length - 1, "0");
  if (text.length > length - 1) throw new Error(`Tar header value ${value} is too large.`);
  writeString(block, offset, length, text + "\0");
}

/** Splits a path into ustar `prefix` (≤155 bytes) and `name` (≤100 bytes). */
function splitTarPath(path: string): [prefix: string, name: string] {
  if (encoder.encode(path).length <= 100) return ["", path];
  for (let i = path.indexOf("/"); i !== -1; i = path.indexOf("/", i + 1)) {
    const [prefix, name] = [path.slice(0, i), path.slice(i + 1)];
    if (encoder.encode(prefix).length <= 155 && encoder.encode(name).length <= 100) {
      return [prefix, name];
    }
  }
  throw new Error(`Path "${path}" is too long for a ustar archive.`);
}

function tarHeader(entry: Required<ArchiveEntry>, mtime: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const [prefix, name] = splitTarPath(entry.path);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, entry.mode);
  writeOctal(block, 108, 8, 0); // uid
  writeOctal(block, 116, 8, 0); // gid
  writeOctal(block, 124, 12, entry.data.length);
  writeOctal(block, 136, 12, mtime);
  block.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  block[156] = (entry.directory ? "5" : "0").charCodeAt(0);
  writeString(block, 257, 6, "ustar\0");
  writeString(block, 263, 2, "00");
  writeString(block, 345, 155, prefix);
  const sum = block.reduce((n, b) => n + b, 0);
  writeString(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

/** Builds a gzip-compressed ustar archive of `entries`, in order. */
export async function createTarGz(
  entries: ArchiveEntry[],
  options: ArchiveOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const mtime = Math.floor((options.mtime ?? new Date()).getTime() / 1000);
  const chunks: Uint8Array[] = [];
  for (const entry of entries.map(normalized)) {
    chunks.push(tarHeader(entry, mtime), entry.data);
    const padding = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
    if (padding) chunks.push(new Uint8Array(padding));
  }
  const body = chunks.reduce((n, c) => n + c.length, 0) + 2 * BLOCK; // two zero end blocks
  chunks.push(new Uint8Array(2 * BLOCK + ((RECORD - (body % RECORD)) % RECORD)));
  return await transform(concat(chunks), new CompressionStream("gzip"));
}

function readString(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return decoder.decode(end === -1 ? field : field.subarray(0, end));
}

function readOctal(block: Uint8Array, offset: number, length: number): number {
  const text = readString(block, offset, length).trim();
  return text === "" ? 0 : parseInt(text, 8);
}

/** Reads back the regular files and directories of a `.tar.gz` (ustar) archive. */
export async function readTarGz(archive: Uint8Array): Promise<ExtractedEntry[]> {
  const tar = await transform(archive, new DecompressionStream("gzip"));
  const entries: ExtractedEntry[] = [];
  for (let offset = 0; offset + BLOCK <= tar.length;) {
    const block = tar.subarray(offset, offset + BLOCK);
    if (block.every((b) => b === 0)) break;
    const stored = readOctal(block, 148, 8);
    const sum = block.reduce((n, b, i) => n + (i >= 148 && i < 156 ? 0x20 : b), 0);
    if (stored !== sum) throw new Error(`Tar header at byte ${offset} has a bad checksum.`);
    const prefix = readString(block, 345, 155);
    const name = readString(block, 0, 100);
    const size = readOctal(block, 124, 12);
    const type = String.fromCharCode(block[156] || 0x30);
    const data = tar.slice(offset + BLOCK, offset + BLOCK + size);
    if (type === "0" || type === "5") {
      entries.push({
        path: prefix ? `${prefix}/${name}` : name,
        mode: readOctal(block, 100, 8) & 0o7777,
        directory: type === "5",
        data,
      });
    }
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// zip

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;
const VERSION_MADE_BY = (3 << 8) | 30; // 3 = unix, so the high external attributes are a mode
const VERSION_NEEDED = 20;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

function dosDateTime(date: Date): [time: number, day: number] {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return [
    (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  ];
}

/** Builds a zip archive of `entries`, in order; files are deflated, directories stored. */
export async function createZip(
  entries: ArchiveEntry[],
  options: ArchiveOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const [time, day] = dosDateTime(options.mtime ?? new Date());
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries.map(normalized)) {
    const name = encoder.encode(entry.path);
    const ascii = name.every((b) => b < 0x80);
    const method = entry.directory ? 0 : 8;
    const body = method === 8
      ? await transform(entry.data, new CompressionStream("deflate-raw"))
      : entry.data;
    const crc = crc32(entry.data);
    if (offset + body.length > 0xffffffff || entry.data.length > 0xffffffff) {
      throw new Error("The zip archive would need zip64, which this writer does not support.");
    }

    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, LOCAL_HEADER, true);
    lv.setUint16(4, VERSION_NEEDED, true);
    lv.setUint16(6, ascii ? 0 : 0x0800, true);
    lv.setUint16(8, method, true);
    lv.setUint16(10, time, true);
    lv.setUint16(12, day, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, entry.data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);

    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, CENTRAL_HEADER, true);
    cv.setUint16(4, VERSION_MADE_BY, true);
    central.set(local.subarray(4, 28), 6); // version needed … name length are the same
    const kind = entry.directory ? S_IFDIR : S_IFREG;
    cv.setUint32(38, (((kind | entry.mode) << 16) | (entry.directory ? 0x10 : 0)) >>> 0, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);

    locals.push(local, body);
    centrals.push(central);
    offset += local.length + body.length;
  }
  const directory = concat(centrals);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, END_OF_CENTRAL, true);
  ev.setUint16(8, centrals.length, true);
  ev.setUint16(10, centrals.length, true);
  ev.setUint32(12, directory.length, true);
  ev.setUint32(16, offset, true);
  return concat([...locals, directory, end]);
}

/** Reads back every entry of a zip archive, checking each file's CRC-32. */
export async function readZip(archive: Uint8Array): Promise<ExtractedEntry[]> {
  const view = new DataView(archive.buffer, archive.byteOffset, archive.byteLength);
  let end = archive.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== END_OF_CENTRAL) end--;
  if (end < 0) throw new Error("The data is not a zip archive (no end of central directory).");
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const entries: ExtractedEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (view.getUint32(at, true) !== CENTRAL_HEADER) throw new Error("Bad zip central header.");
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressedSize = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const unixMode = view.getUint32(at + 38, true) >>> 16;
    const localOffset = view.getUint32(at + 42, true);
    const path = decoder.decode(archive.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;

    if (view.getUint32(localOffset, true) !== LOCAL_HEADER) {
      throw new Error("Bad zip local header.");
    }
    const start = localOffset + 30 + view.getUint16(localOffset + 26, true) +
      view.getUint16(localOffset + 28, true);
    const body = archive.slice(start, start + compressedSize);
    if (method !== 0 && method !== 8) {
      throw new Error(`Zip entry "${path}" uses unsupported compression method ${method}.`);
    }
    const data = method === 8
      ? await transform(body, new DecompressionStream("deflate-raw"))
      : body;
    if (crc32(data) !== crc) throw new Error(`Zip entry "${path}" fails its CRC-32 check.`);
    entries.push({
      path,
      mode: unixMode & 0o7777,
      directory: path.endsWith("/") || (unixMode & 0o170000) === S_IFDIR,
      data,
    });
  }
  return entries;
}
