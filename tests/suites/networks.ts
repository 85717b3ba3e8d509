/**
 * Test suite: HTTPS, proxies and CAs, and the run from a URL: the tests that must start a process per run.
 *
 * One isolate runs all of these test modules (CONTRIBUTING.md, "Test suites").
 *
 * @module
 */
import "../real_network_test.ts";
import "../connect_proxy_test.ts";
import "../run_from_url_test.ts";
import "../permissions_test.ts";
