/**
 * Test suite: The release scripts: compile, archives, checksums, Homebrew, Scoop, version, the CLI's completions and arguments, and `deno task demo`.
 *
 * One isolate runs all of these test modules (CONTRIBUTING.md, "Test suites").
 *
 * @module
 */
import "../compile_test.ts";
import "../archive_test.ts";
import "../homebrew_test.ts";
import "../version_test.ts";
import "../scoop_test.ts";
import "../cli_args_test.ts";
import "../completions_test.ts";
import "../demo_test.ts";
