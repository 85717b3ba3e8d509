/** The README's explicit permission flags must stay in step with deno.json's permission set. */
import { assert, assertEquals } from "./assert.ts";
import { permissionFlags, readPermissionSet } from "../scripts/permissions.ts";
import { REPO_DIR } from "./helpers.ts";

Deno.test("README run-from-URL lines grant exactly the declared env, net, sys and run permissions", async () => {
  const readme = await Deno.readTextFile(`${REPO_DIR}/README.md`);
  const declared = permissionFlags(await readPermissionSet()).filter((f) =>
    /^--allow-(env|net|sys|run)=/.test(f)
  );
  const lines = readme.split("\n").filter((l) =>
    l.includes("--allow-env") || /^\s+--allow/.test(l)
  );
  assert(lines.length > 0, "README shows no explicit flags");
  for (const kind of ["env", "net", "sys", "run"]) {
    const expected = declared.find((f) => f.startsWith(`--allow-${kind}=`))!;
    // The lines that run main.ts (other scripts' lines have their own, smaller grants).
    const marker = { env: "AWS_*", net: "amazonaws", sys: "osRelease", run: "xdg-open" }[kind]!;
    const found = [...readme.matchAll(new RegExp(`--allow-${kind}='?([^'\\s]+)'?`, "g"))]
      .map((m) => `--allow-${kind}=${m[1]}`).filter((f) => f.includes(marker));
    assert(found.length >= 3, `README mentions --allow-${kind} only ${found.length} times`);
    for (const flag of found) assertEquals(flag, expected, `README --allow-${kind}`);
  }
  assert(!/(^|\s)(-A|--allow-all)(\s|$)/m.test(readme), "README must never use -A");
});
