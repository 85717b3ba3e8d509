/**
 * Test suite: Credentials handed on: `export`, `serve`, `run-as` and `console`.
 *
 * One isolate runs all of these test modules (CONTRIBUTING.md, "Test suites").
 *
 * @module
 */
import "../credential_endpoint_test.ts";
import "../run_as_export_serve_test.ts";
import "../export_formats_test.ts";
import "../console_test.ts";
