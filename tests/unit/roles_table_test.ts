/** In-process tests of the pure part of `roles`: filters, sort and column order, output text. */
import { UserPattern } from "../../src/base/user_pattern.ts";
import { assert, assertEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../src/base/errors.ts";
import {
  accountFilter,
  accountMatches,
  columnOrder,
  compilePattern,
  effectiveSort,
  formatJson,
  formatTable,
  parseSortBy,
  roleMatches,
  type RoleRow,
  sortRows,
} from "../../src/ui/roles_table.ts";

const ROWS: RoleRow[] = [
  { accountId: "222222222222", accountName: "Prod", roleName: "ReadOnly" },
  { accountId: "111111111111", accountName: "Dev", roleName: "Admin" },
  { accountId: "222222222222", accountName: "Prod", roleName: "Admin" },
  { accountId: "111111111111", accountName: "Dev", roleName: "ReadOnly" },
];

Deno.test("parseSortBy accepts Python's choices and long spellings", () => {
  assertEquals(parseSortBy(undefined), undefined);
  assertEquals(parseSortBy(""), undefined);
  assertEquals(parseSortBy("id,role"), ["id", "role"]);
  assertEquals(parseSortBy("name,role"), ["name", "role"]);
  assertEquals(parseSortBy("role,id"), ["role", "id"]);
  assertEquals(parseSortBy("role,name"), ["role", "name"]);
  assertEquals(parseSortBy("account_name,role_name"), ["name", "role"]);
  assertEquals(parseSortBy(" Role , Account_ID "), ["role", "id"]);
  // One key, as the docs show `--sort-by account_id`.
  assertEquals(parseSortBy("account_id"), ["id", "role"]);
  assertEquals(parseSortBy("name"), ["name", "role"]);
  assertEquals(parseSortBy("role_name"), ["role", "name"]);
});

Deno.test("parseSortBy rejects other combinations with a ConfigError", () => {
  for (const bad of ["foo", "id,name", "role,role", "name,role,id", "foo,bar"]) {
    assertThrows(
      () => parseSortBy(bad),
      ConfigError,
      `The --sort-by value ${bad} is not valid: use one of id,role, name,role, role,id, role,name.`,
    );
  }
});

Deno.test("effectiveSort defaults to name,role unless a separator is given", () => {
  assertEquals(effectiveSort(undefined, undefined), ["name", "role"]);
  assertEquals(effectiveSort(undefined, ","), undefined);
  assertEquals(effectiveSort(undefined, ",", true), ["name", "role"]);
  assertEquals(effectiveSort(["id", "role"], ","), ["id", "role"]);
});

Deno.test("columnOrder puts the sort keys first as Python does", () => {
  assertEquals(columnOrder(undefined), ["name", "id", "role"]);
  assertEquals(columnOrder(["id", "role"]), ["id", "name", "role"]);
  assertEquals(columnOrder(["name", "role"]), ["name", "id", "role"]);
  assertEquals(columnOrder(["role", "id"]), ["role", "id", "name"]);
  assertEquals(columnOrder(["role", "name"]), ["role", "name", "id"]);
});

Deno.test("sortRows sorts by code point and is stable", () => {
  const rows: RoleRow[] = [
    { accountId: "3", accountName: "beta", roleName: "x" },
    { accountId: "1", accountName: "Beta", roleName: "y" },
    { accountId: "2", accountName: "alpha", roleName: "x" },
    { accountId: "0", accountName: "Beta", roleName: "x" },
  ];
  assertEquals(sortRows(rows, ["name", "role"]).map((r) => r.accountId), ["0", "1", "2", "3"]);
  assertEquals(sortRows(rows, ["role"]).map((r) => r.accountId), ["3", "2", "0", "1"]);
  assertEquals(sortRows(rows, []).map((r) => r.accountId), ["3", "1", "2", "0"]);
});

Deno.test("accountMatches takes ids, id prefixes and suffixes, and name regexes", () => {
  const match = (values: string[], id: string, name: string) =>
    accountMatches(accountFilter(values), id, name);
  assert(match([], "123456789012", "Main"));
  assert(match(["123456789012"], "123456789012", "Main"));
  assert(!match(["123456789013"], "123456789012", "Main"));
  assert(match(["1234"], "123456789012", "Main"));
  assert(match(["9012"], "123456789012", "Main"));
  assert(!match(["5678"], "123456789012", "Other"));
  assert(match(["^Ma"], "123456789012", "Main"));
  assert(match(["ai"], "123456789012", "Main"));
  assert(!match(["^ai"], "123456789012", "Main"));
  assert(match(["nothing", "Main$"], "123456789012", "Main"));
});

Deno.test("roleMatches searches any pattern; none means all", () => {
  assert(roleMatches([], "Admin"));
  assert(roleMatches([new UserPattern("Adm")], "Admin"));
  assert(roleMatches([new UserPattern("^Read"), new UserPattern("min$")], "Admin"));
  assert(!roleMatches([new UserPattern("^Read")], "Admin"));
});

Deno.test("compilePattern rejects an invalid regex with a sentence naming the flag", () => {
  assertThrows(
    () => compilePattern("(", "--role-name"),
    ConfigError,
    "The --role-name value ( is not a valid regular expression.",
  );
  assertThrows(() => accountFilter(["[x"]), ConfigError, "The --account-id value [x");
});

Deno.test("formatTable aligns columns under the header without trailing spaces", () => {
  const rows = sortRows(ROWS, ["name", "role"]);
  assertEquals(
    formatTable(rows, { columns: columnOrder(["name", "role"]), header: true }),
    "Account name Account ID   Role name\n" +
      "Dev          111111111111 Admin\n" +
      "Dev          111111111111 ReadOnly\n" +
      "Prod         222222222222 Admin\n" +
      "Prod         222222222222 ReadOnly\n",
  );
  assertEquals(
    formatTable(rows.slice(0, 1), { columns: ["role", "id", "name"], header: false }),
    "Admin 111111111111 Dev\n",
  );
});

Deno.test("formatTable joins fields with the separator, header included", () => {
  assertEquals(
    formatTable(ROWS.slice(0, 2), {
      columns: ["id", "name", "role"],
      separator: ",",
      header: true,
    }),
    "Account ID,Account name,Role name\n222222222222,Prod,ReadOnly\n111111111111,Dev,Admin\n",
  );
  assertEquals(
    formatTable(ROWS.slice(0, 1), {
      columns: ["name", "id", "role"],
      separator: "\t",
      header: false,
    }),
    "Prod\t222222222222\tReadOnly\n",
  );
  assertEquals(formatTable([], { columns: ["name", "id", "role"], header: false }), "");
});

Deno.test("formatJson prints an indented array of accountId, accountName, roleName", () => {
  assertEquals(
    formatJson(ROWS.slice(0, 1)),
    '[\n  {\n    "accountId": "222222222222",\n    "accountName": "Prod",\n    "roleName": "ReadOnly"\n  }\n]\n',
  );
  assertEquals(formatJson([]), "[]\n");
});
