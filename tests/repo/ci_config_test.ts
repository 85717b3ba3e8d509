/** `.ci/run` and both workflows install Deno and the locked dependencies from one place, and check the repository rules. */
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { REPO_ROOT as REPO_DIR } from "../script_helpers.ts";

const CI_FILES = [".ci/run", ".github/workflows/ci.yml", ".github/workflows/release.yml"];

function read(path: string): Promise<string> {
  return Deno.readTextFile(`${REPO_DIR}/${path}`);
}

Deno.test("deno task install is the only install line of .ci/run and the workflows", async () => {
  const config = JSON.parse(await read("deno.json"));
  assertMatch(config.tasks.install, /^deno install --frozen --entrypoint main\.ts /);
  for (const path of CI_FILES) {
    const text = await read(path);
    assertEquals(text.match(/deno install\b/g) ?? [], [], `${path} runs deno install itself`);
    assert(text.includes("deno task install"), `${path} does not run deno task install`);
  }
});

Deno.test("the Deno version is written only in .tool-versions", async () => {
  const version = (await read(".tool-versions")).match(/^deno\s+v?(\S+)$/m)?.[1];
  assertMatch(version ?? "", /^\d+\.\d+\.\d+$/);
  for (const path of CI_FILES) {
    const text = await read(path);
    assert(!text.includes(version!), `${path} repeats the Deno version ${version}`);
    assertEquals(text.match(/deno-version:/g) ?? [], [], `${path} pins deno-version itself`);
  }
  const workflows = await Promise.all(CI_FILES.slice(1).map(read));
  for (const text of workflows) {
    const setups = text.match(/uses: denoland\/setup-deno@\S+/g) ?? [];
    const fromFile = text.match(/deno-version-file: \.tool-versions$/gm) ?? [];
    assert(setups.length > 0);
    assertEquals(fromFile.length, setups.length);
  }
});

Deno.test(".ci/run and the CI workflow check the repository rules before the tests", async () => {
  for (const path of CI_FILES.slice(0, 2)) {
    const text = await read(path);
    const rules = text.indexOf("deno task lint:repo");
    assert(rules >= 0, `${path} does not run deno task lint:repo`);
    assert(rules < text.indexOf("deno task test"), `${path} runs the tests first`);
  }
});
