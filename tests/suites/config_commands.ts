/**
 * Test suite: The commands on the config and the session: `configure`, `configure populate`, `logout`, `check` and `status`.
 *
 * One isolate runs all of these test modules (CONTRIBUTING.md, "Test suites").
 *
 * @module
 */
import "../configure_populate_test.ts";
import "../configure_test.ts";
import "../logout_test.ts";
import "../check_test.ts";
import "../status_test.ts";
