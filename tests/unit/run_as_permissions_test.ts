/** The `run-as` permission set: the default set plus `run` of any program, and nothing else. */
import denoJson from "../../deno.json" with { type: "json" };
import { DEFAULT_PERMISSION_SET, RUN_AS_PERMISSION_SET } from "../../src/config/permission_set.ts";
import { permissionFlags } from "../../scripts/permissions.ts";
import { assertEquals } from "../assert.ts";

Deno.test("deno.json's run-as set is the default set with run of any program", () => {
  assertEquals(denoJson.permissions["run-as"], RUN_AS_PERMISSION_SET);
  assertEquals(
    { ...denoJson.permissions["run-as"], run: DEFAULT_PERMISSION_SET.run },
    denoJson.permissions.default,
  );
});

Deno.test("the run-as set widens only run, and never to -A", () => {
  const wide = permissionFlags(RUN_AS_PERMISSION_SET);
  const small = permissionFlags(DEFAULT_PERMISSION_SET);
  assertEquals(wide.filter((f) => !small.includes(f)), ["--allow-run"]);
  assertEquals(wide.some((f) => f === "-A" || f === "--allow-all"), false);
});
