/**
 * Test suite: `roles` and its listing (paced in real time, so alone at the head of the run).
 *
 * One isolate runs all of these test modules (CONTRIBUTING.md, "Test suites").
 *
 * @module
 */
import "../roles_test.ts";
import "../browser_test.ts";
import "../compiled_binary_test.ts";
