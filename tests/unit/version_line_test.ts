/** The `--version` line: baked-in target and commit when a release build has them. */
import { assertEquals } from "../assert.ts";
import { buildFacts, VERSION, versionLine } from "../../src/base/version.ts";
import { BUILD_COMMIT, BUILD_TARGET } from "../../src/base/build_info.ts";

Deno.test("versionLine() shows the baked-in target and commit when a release build has them", () => {
  assertEquals(
    versionLine({
      target: "aarch64-pc-windows-msvc",
      commit: "0123456789abcdef0123456789abcdef01234567",
      deno: "2.9.6",
      runtimeTarget: "x86_64-unknown-linux-gnu",
    }),
    `aws-sso-util ${VERSION} (aarch64-pc-windows-msvc, Deno 2.9.6, commit 0123456789abcdef0123456789abcdef01234567)`,
  );
});

Deno.test("versionLine() shows the running Deno's target and commit unknown when nothing is baked in", () => {
  assertEquals(
    versionLine({ deno: "2.9.6", runtimeTarget: "aarch64-apple-darwin" }),
    `aws-sso-util ${VERSION} (aarch64-apple-darwin, Deno 2.9.6, commit unknown)`,
  );
});

Deno.test("the source tree bakes in nothing: build facts come from the running Deno", () => {
  assertEquals([BUILD_TARGET, BUILD_COMMIT], [undefined, undefined]);
  assertEquals(buildFacts(), {
    target: undefined,
    commit: undefined,
    deno: Deno.version.deno,
    runtimeTarget: Deno.build.target,
  });
});
