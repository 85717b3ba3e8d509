/**
 * Test suite: `credential-process`: credentials, caches, locks between processes, time limits and bad input; role chains (the assume-role provider).
 *
 * One isolate runs all of these test modules (CONTRIBUTING.md, "Test suites").
 *
 * @module
 */
import "../credential_process_test.ts";
import "../session_keeping_test.ts";
import "../credential_process_time_limit_test.ts";
import "../bad_input_test.ts";
import "../aws_settings_test.ts";
import "../python_json_test.ts";
import "../assume_role_test.ts";
import "../role_chain_commands_test.ts";
