/**
 * Test suite: Logging in: `login`, and credential-process's auto-login.
 *
 * One isolate runs all of these test modules (CONTRIBUTING.md, "Test suites").
 *
 * @module
 */
import "../auto_login_test.ts";
import "../login_test.ts";
