/**
 * The floors of `src/` (CONTRIBUTING.md, "Layout"): every import goes down, never up or
 * sideways between folders; `ui/` serves only `commands/` and the wiring at the top; and no files
 * import each other in a loop. Imports are read from the source text: static, `type`, literal
 * `import()`, and the module-name constants that non-literal `import()` calls load.
 */
import { assertEquals } from "../assert.ts";
import { REPO_DIR, sourceFiles } from "../helpers.ts";

/** Each folder's floor: a file may import only from lower floors (and its own folder). */
export const FLOORS: Readonly<Record<string, number>> = {
  "base": 1,
  "config": 2,
  "cache": 3,
  "net": 4,
  "sso": 5,
  "sts": 5,
  "login": 6,
  "process": 6,
  "console": 7,
  "ui": 8,
  "commands": 9,
  // The wiring: src/cli.ts and src/system_runtime.ts, then main.ts, then the binaries' entry.
  "(src)": 10,
  "(entry)": 11,
  "(binary)": 12,
};

interface Import {
  from: string;
  to: string;
  line: number;
}

function resolve(from: string, specifier: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const piece of specifier.split("/")) {
    if (piece === "..") parts.pop();
    else if (piece !== ".") parts.push(piece);
  }
  return parts.join("/");
}

/** The imports of the app's own modules (src/ and the two entries), with their lines. */
async function imports(): Promise<{ files: string[]; edges: Import[] }> {
  const files = ["main.ts", "aws-sso-util.ts", ...await sourceFiles("src")];
  const edges: Import[] = [];
  const pattern =
    /(?:from\s+|import\s*\(\s*|^\s*import\s+|const\s+[A-Z_]+\s*=\s*)"(\.\.?\/[^"]+\.(?:ts|json))"/gm;
  for (const file of files) {
    const text = await Deno.readTextFile(`${REPO_DIR}/${file}`);
    for (const match of text.matchAll(pattern)) {
      const line = text.slice(0, match.index).split("\n").length;
      edges.push({ from: file, to: resolve(file, match[1]), line });
    }
  }
  return { files, edges };
}

function folderOf(file: string): string {
  if (file === "aws-sso-util.ts") return "(binary)";
  if (!file.startsWith("src/")) return "(entry)";
  const parts = file.split("/");
  return parts.length === 2 ? "(src)" : parts[1];
}

Deno.test("every import of src/ goes down the floors; ui/ serves only commands/ and the wiring", async () => {
  const { edges } = await imports();
  const wrong: string[] = [];
  for (const { from, to, line } of edges) {
    if (to.endsWith(".json") && !to.startsWith("src/")) continue; // deno.json: the version
    const [a, b] = [folderOf(from), folderOf(to)];
    assertEquals(FLOORS[a] !== undefined && FLOORS[b] !== undefined, true, `${from}: ${to}`);
    if (a === b && a !== "(src)" && a !== "(entry)") continue;
    if (FLOORS[b] >= FLOORS[a]) {
      wrong.push(`${from}:${line} imports ${to} (floor ${FLOORS[a]} ${a} → ${FLOORS[b]} ${b})`);
    } else if (b === "ui" && a !== "commands" && FLOORS[a] < FLOORS["(src)"]) {
      wrong.push(`${from}:${line} imports ${to} (ui/ is for commands/ and the wiring)`);
    }
  }
  assertEquals(wrong, []);
});

Deno.test("no files of src/ import each other, directly or round a loop", async () => {
  const { files, edges } = await imports();
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const { from, to } of edges) if (next.has(to)) next.get(from)!.push(to);
  const loops: string[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    stack.push(file);
    for (const to of next.get(file)!) {
      if (state.get(to) === "open") loops.push([...stack.slice(stack.indexOf(to)), to].join(" → "));
      else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of files) if (!state.has(file)) visit(file);
  assertEquals(loops, []);
});

Deno.test("the floors name every folder of src/", async () => {
  const folders = new Set((await sourceFiles("src")).map(folderOf));
  assertEquals([...folders].filter((f) => FLOORS[f] === undefined), []);
});
