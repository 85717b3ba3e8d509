/**
 * Test suite: every module test under `tests/unit/` (no subprocess, no server, no network).
 *
 * One isolate runs all of these test modules (CONTRIBUTING.md, "Test suites").
 *
 * @module
 */
import "../unit/args_test.ts";
import "../unit/assumed_role_cache_test.ts";
import "../unit/aws_config_edit_test.ts";
import "../unit/aws_config_file_test.ts";
import "../unit/aws_json_call_test.ts";
import "../unit/aws_query_test.ts";
import "../unit/bounded_read_sync_test.ts";
import "../unit/cache_exposure_test.ts";
import "../unit/cache_keys_test.ts";
import "../unit/checksums_test.ts";
import "../unit/child_env_test.ts";
import "../unit/console_config_token_test.ts";
import "../unit/console_destination_test.ts";
import "../unit/console_signin_endpoint_test.ts";
import "../unit/console_signin_token_test.ts";
import "../unit/console_url_test.ts";
import "../unit/credential_cache_test.ts";
import "../unit/credential_process_line_test.ts";
import "../unit/credentials_file_test.ts";
import "../unit/debug_log_test.ts";
import "../unit/endpoints_test.ts";
import "../unit/layers_test.ts";
import "../unit/lazy_modules_test.ts";
import "../unit/login_inventory_test.ts";
import "../unit/login_state_test.ts";
import "../unit/original_options_test.ts";
import "../unit/picker_test.ts";
import "../unit/pkce_test.ts";
import "../unit/populate_plan_test.ts";
import "../unit/profile_diagnostics_test.ts";
import "../unit/profile_naming_test.ts";
import "../unit/registration_cache_test.ts";
import "../unit/retry_policy_test.ts";
import "../unit/role_chain_test.ts";
import "../unit/role_credentials_test.ts";
import "../unit/roles_table_test.ts";
import "../unit/run_as_permissions_test.ts";
import "../unit/errors_test.ts";
import "../unit/settings_test.ts";
import "../unit/sha1_sync_test.ts";
import "../unit/shell_split_test.ts";
import "../unit/status_report_test.ts";
import "../unit/timestamps_test.ts";
import "../unit/user_pattern_test.ts";
import "../unit/token_cache_test.ts";
import "../unit/token_provider_test.ts";
import "../unit/version_line_test.ts";
import "../unit/virtual_clock_test.ts";
