/**
 * `deno task test` runs the suites of `tests/suites/`, each importing test modules, so that one
 * isolate runs many modules (CONTRIBUTING.md, "Test suites"). A test module that no suite imports
 * would silently never run there: every one must be in exactly one suite, and the task must name
 * every suite. The repository rules here in `tests/repo/` are no suite's: `deno task lint:repo`
 * runs them (and `.ci/run`, before the tests).
 */
import { assert, assertEquals } from "../assert.ts";
import { REPO_ROOT as REPO_DIR } from "../script_helpers.ts";
import denoJson from "../../deno.json" with { type: "json" };

async function names(dir: string, suffix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(`${REPO_DIR}/${dir}`)) {
    if (entry.isFile && entry.name.endsWith(suffix)) found.push(`${dir}/${entry.name}`);
  }
  return found.sort();
}

/** The test modules each suite imports, as repository paths. */
async function suiteImports(): Promise<Map<string, string[]>> {
  const suites = new Map<string, string[]>();
  for (const suite of await names("tests/suites", ".ts")) {
    const text = await Deno.readTextFile(`${REPO_DIR}/${suite}`);
    const imports = [...text.matchAll(/^import "([^"]+)";$/gm)].map((m) =>
      new URL(m[1], `file:///${suite}`).pathname.slice(1)
    );
    suites.set(suite, imports);
  }
  return suites;
}

Deno.test("every test module is in exactly one suite of tests/suites/", async () => {
  const modules = [
    ...await names("tests", "_test.ts"),
    ...await names("tests/unit", "_test.ts"),
  ];
  const owners = new Map<string, string[]>(modules.map((m) => [m, []]));
  for (const [suite, imports] of await suiteImports()) {
    for (const module of imports) owners.set(module, [...owners.get(module) ?? [], suite]);
  }
  const wrong = [...owners].filter(([, suites]) => suites.length !== 1)
    .map(([module, suites]) => `${module}: ${suites.length ? suites.join(", ") : "no suite"}`);
  assertEquals(wrong, []);
});

Deno.test("deno task test runs every suite, and test:unit the unit suite", async () => {
  const suites = [...(await suiteImports()).keys()];
  const named = (task: string) =>
    task.split(/\s+/).filter((word) => word.startsWith("tests/")).sort();
  assertEquals(named(denoJson.tasks.test), suites);
  assertEquals(named(denoJson.tasks["test:unit"]), ["tests/suites/unit.ts"]);
});

Deno.test("deno task lint:repo runs the repository rules of tests/repo/, which no suite imports", async () => {
  assertEquals(denoJson.tasks["lint:repo"].split(/\s+/).at(-1), "tests/repo/");
  const rules = await names("tests/repo", "_test.ts");
  assert(rules.length >= 4, `only ${rules.length} modules in tests/repo/`);
  const imported = [...(await suiteImports()).values()].flat();
  assertEquals(imported.filter((module) => module.startsWith("tests/repo/")), []);
});
