/**
 * Test suite: The plumbing: file locks and atomic writes, the CLI's shared behaviour, the SSO API, OIDC and STS calls, the fakes.
 *
 * One isolate runs all of these test modules (CONTRIBUTING.md, "Test suites").
 *
 * @module
 */
import "../file_lock_test.ts";
import "../cli_test.ts";
import "../sso_api_test.ts";
import "../sts_api_test.ts";
import "../aws_contract_test.ts";
import "../fake_server_test.ts";
import "../service_faults_test.ts";
import "../atomic_file_test.ts";
import "../oidc_login_test.ts";
