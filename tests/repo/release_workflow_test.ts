/**
 * The release workflow cannot run here, so its structure is checked: it builds the six targets
 * with `deno task compile`, attests the build provenance of every archive and SHA256SUMS, tests
 * each archive on its own kind of runner (the whole suite against the binary on Linux x64, macOS
 * arm64 and Windows x64) and publishes only after all of that passed.
 */
import { parse } from "npm:yaml@2.9.1";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { RELEASE_TARGETS } from "../../scripts/release_info.ts";
import { REPO_ROOT as REPO_DIR } from "../script_helpers.ts";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  "runs-on"?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix: { include: Record<string, unknown>[] } };
  env?: Record<string, string>;
  steps?: Step[];
}

const workflow = parse(
  await Deno.readTextFile(`${REPO_DIR}/.github/workflows/release.yml`),
) as { on: { push: { tags: string[] } }; jobs: Record<string, Job> };
const { build, test, release } = workflow.jobs;

/** The one step of `job` matching `predicate`. */
function step(job: Job, what: string, predicate: (s: Step) => boolean): Step {
  const found = (job.steps ?? []).filter(predicate);
  assertEquals(found.length, 1, `${what}: ${found.length} steps`);
  return found[0];
}

const needs = (job: Job) => [job.needs ?? []].flat();

Deno.test("the release workflow runs on version tags, after the CI checks", () => {
  assertEquals(workflow.on.push.tags, ["v*"]);
  assertEquals(needs(build), ["checks"]);
});

Deno.test("the build job compiles every release target with deno task compile and the commit", () => {
  const compile = step(build, "compile", (s) => /deno task compile/.test(s.run ?? ""));
  const line = compile.run!.split("\n").find((l) => l.includes("deno task compile"))!;
  // No --target or --host: compile.ts then builds RELEASE_TARGETS, all six.
  assertEquals(line.trim(), 'deno task compile --commit "$GITHUB_SHA"');
  assertEquals(RELEASE_TARGETS.length, 6);
  step(build, "tag check", (s) => /scripts\/version\.ts --check-tag/.test(s.run ?? ""));
});

Deno.test("the build job attests the provenance of every archive and SHA256SUMS", () => {
  const attest = step(
    build,
    "attest",
    (s) => s.uses?.startsWith("actions/attest-build-provenance@") ?? false,
  );
  assertMatch(attest.uses!, /@v[2-9]$/); // v2: one attestation for many subjects
  assertEquals(attest.with!["subject-path"].trim().split("\n"), [
    "dist/*.tar.gz",
    "dist/*.zip",
    "dist/SHA256SUMS",
  ]);
  assertEquals(build.permissions?.["id-token"], "write");
  assertEquals(build.permissions?.attestations, "write");
  const steps = build.steps!;
  const upload = steps.findIndex((s) => s.uses?.startsWith("actions/upload-artifact@"));
  assert(steps.indexOf(attest) < upload, "attested before the upload");
});

Deno.test("the test job runs on every target's own runner, the whole suite on three OSes", () => {
  assertEquals(needs(test), ["build"]);
  const matrix = test.strategy!.matrix.include;
  assertEquals(matrix.map((m) => m.target), [...RELEASE_TARGETS]);
  const suite = matrix.filter((m) => m.suite === true).map((m) => [m.target, m.os]);
  assertEquals(suite.map(([target]) => target), [
    "x86_64-unknown-linux-gnu",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
  ]);
  const os = (target: string) => String(matrix.find((m) => m.target === target)!.os);
  assertMatch(os("x86_64-unknown-linux-gnu"), /^ubuntu-/);
  assertMatch(os("aarch64-unknown-linux-gnu"), /^ubuntu-.*-arm$/);
  assertMatch(os("x86_64-apple-darwin"), /^macos-.*-intel$/);
  assertMatch(os("aarch64-apple-darwin"), /^macos-1[4-9]$/);
  assertMatch(os("x86_64-pc-windows-msvc"), /^windows-(latest|20\d\d)$/);
  assertMatch(os("aarch64-pc-windows-msvc"), /^windows-11-arm$/);
  assert(matrix.every((m) => m.suite === true || m.suite === false));
});

Deno.test("every runner verifies the checksums and the attestation, and checks --version", () => {
  step(test, "checksums", (s) => /sha256sum -c SHA256SUMS/.test(s.run ?? ""));
  const verify = step(test, "attestation", (s) => /gh attestation verify/.test(s.run ?? ""));
  assertMatch(verify.run!, /gh attestation verify "\$archive" --repo "\$GITHUB_REPOSITORY"/);
  assertEquals(verify.env?.GH_TOKEN, "${{ github.token }}");
  assertEquals(test.permissions?.attestations, "read");
  const smoke = step(test, "smoke", (s) => /--version/.test(s.run ?? ""));
  assert(smoke.if === undefined, "the smoke test runs on every target");
  assert(smoke.run!.includes(`commit $GITHUB_SHA)`), "checks the baked-in commit");
  assert(smoke.run!.includes("($TARGET, Deno "), "checks the baked-in target");
});

Deno.test("the whole suite runs against the compiled binary where matrix.suite is set", () => {
  const suite = step(test, "suite", (s) => /deno task test/.test(s.run ?? ""));
  assertEquals(suite.if, "matrix.suite");
  assertMatch(suite.run!, /^deno task install\ndeno task test\n?$/);
  assertMatch(
    suite.env!.AWS_SSO_UTIL_BIN,
    /^\$\{\{ github\.workspace \}\}\/release\/aws-sso-util-\$\{\{ needs\.build\.outputs\.version \}\}-\$\{\{ matrix\.target \}\}\/aws-sso-util\$\{\{ runner\.os == 'Windows' && '\.exe' \|\| '' \}\}$/,
  );
  const setup = step(
    test,
    "setup-deno",
    (s) => s.uses?.startsWith("denoland/setup-deno@") ?? false,
  );
  assertEquals(setup.if, "matrix.suite");
});

Deno.test("the release is published only after the build and every runner's test passed", () => {
  assertEquals(needs(release).sort(), ["build", "test"]);
  assertEquals(release.permissions?.contents, "write");
  const publish = step(
    release,
    "publish",
    (s) => s.uses?.startsWith("softprops/action-gh-release@") ?? false,
  );
  for (const file of ["dist/*.tar.gz", "dist/*.zip", "dist/SHA256SUMS"]) {
    assert(publish.with!.files.split("\n").includes(file), file);
  }
});
