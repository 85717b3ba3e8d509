/**
 * Modules loaded through a non-literal `import(NAME)` are invisible to `deno compile`, which
 * embeds them only because the compile entry (aws-sso-util.ts) imports them literally
 * (LAZY_MODULES).
 */
import { assert, assertEquals } from "../assert.ts";
import { COMPILE_ENTRY, LAZY_MODULES } from "../../scripts/release_info.ts";
import { REPO_DIR, sourceFiles } from "../helpers.ts";

Deno.test("every non-literal dynamic import of the app is in LAZY_MODULES", async () => {
  const found: string[] = [];
  for (const file of ["main.ts", ...await sourceFiles("src")]) {
    const text = await Deno.readTextFile(`${REPO_DIR}/${file}`);
    for (const call of text.matchAll(/await import\(([A-Z_]+)\)/g)) {
      const constant = new RegExp(`const ${call[1]} = "([^"]+)";`).exec(text);
      assert(constant, `${file}: ${call[1]} is not a string constant`);
      const url = new URL(constant[1], `file:///${file}`);
      found.push(url.pathname.slice(1));
    }
  }
  assertEquals(found.sort(), [...LAZY_MODULES].sort());
});

Deno.test("the compile entry imports every module of LAZY_MODULES literally", async () => {
  const text = await Deno.readTextFile(`${REPO_DIR}/${COMPILE_ENTRY}`);
  const literal = [...text.matchAll(/import\("\.\/([^"]+)"\)/g)].map((m) => m[1]);
  assertEquals(literal.sort(), [...LAZY_MODULES].sort());
});
