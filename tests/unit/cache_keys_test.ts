/** Golden vectors of the cache file names shared with botocore / AWS CLI v2 (docs/formats.md §1.1, §1.4, §3). */
import {
  registrationCacheKey,
  roleCredentialCacheKey,
  roleCredentialKeyText,
  sha1Hex,
  tokenCacheKey,
} from "../../src/cache/cache_keys.ts";
import { pythonJsonDumps } from "../../src/base/python_json.ts";
import { assertEquals, assertMatch } from "../assert.ts";

const START_URL = "https://example.awsapps.com/start";

Deno.test("sha1Hex() hashes the UTF-8 bytes and returns 40 lowercase hex digits", async () => {
  assertEquals(await sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  assertEquals(await sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assertMatch(await sha1Hex("sso-ü"), /^[0-9a-f]{40}$/);
});

Deno.test("tokenCacheKey() hashes the exact start URL of a legacy profile (docs/formats.md §1.1)", async () => {
  assertEquals(
    await tokenCacheKey({ startUrl: START_URL }),
    "e8be5486177c5b5392bd9aa76563515b29358e6e",
  );
  assertEquals(
    await tokenCacheKey({ startUrl: `${START_URL}/` }),
    "8be3a7791abdeea628d9fbf768cc17b92db6f738",
    "a trailing slash changes the key",
  );
});

Deno.test("tokenCacheKey() hashes the session name, not the URL, of an sso-session profile (docs/formats.md §1.1)", async () => {
  assertEquals(
    await tokenCacheKey({ sessionName: "my-sso", startUrl: START_URL }),
    "0ad374308c5a4e22f723adf10145eafad7c4031c",
  );
  assertEquals(
    await tokenCacheKey({ sessionName: "sso-ü", startUrl: START_URL }),
    "a6fc2ee38bf778e87d2cc77fcd8675c2f2a385b6",
  );
});

Deno.test("registrationCacheKey() matches the CLI v2 vectors (docs/formats.md §1.4)", async () => {
  assertEquals(
    await registrationCacheKey({ startUrl: START_URL, region: "us-east-1", sessionName: "my-sso" }),
    "9065e9472ec6b87bbc18bb77fc3c3016d8d42df9",
  );
  assertEquals(
    await registrationCacheKey({
      startUrl: START_URL,
      region: "us-east-1",
      sessionName: "my-sso",
      scopes: ["sso:account:access"],
    }),
    "e83b78ff73aa2ebd41812af5abcc466dca567738",
  );
  assertEquals(
    await registrationCacheKey({ startUrl: START_URL, region: "us-east-1" }),
    "6c6f31f93a84fcbeca9b94bb5d13f4109559e71a",
  );
});

Deno.test("registrationCacheKey() hashes the spaced, sorted canonical JSON of docs/formats.md §1.4", async () => {
  const canonical =
    '{"region": "us-east-1", "scopes": null, "session_name": "my-sso", "startUrl": "https://example.awsapps.com/start", "tool": "botocore"}';
  assertEquals(
    pythonJsonDumps({
      tool: "botocore",
      startUrl: START_URL,
      region: "us-east-1",
      scopes: null,
      session_name: "my-sso",
    }, { sortKeys: true }),
    canonical,
  );
  assertEquals(await sha1Hex(canonical), "9065e9472ec6b87bbc18bb77fc3c3016d8d42df9");
});

Deno.test("roleCredentialCacheKey() matches the botocore vector of a legacy profile (docs/formats.md §3)", async () => {
  const canonical =
    '{"accountId":"123456789012","roleName":"MyRole","startUrl":"https://example.awsapps.com/start"}';
  assertEquals(await sha1Hex(canonical), "ea357e91e3d9b7ecbf87886287e7975645602097");
  assertEquals(
    await roleCredentialCacheKey({
      accountId: "123456789012",
      roleName: "MyRole",
      startUrl: START_URL,
    }),
    "ea357e91e3d9b7ecbf87886287e7975645602097",
  );
});

Deno.test("roleCredentialCacheKey() uses the session name instead of the start URL (docs/formats.md §3)", async () => {
  assertEquals(
    await sha1Hex('{"accountId":"123456789012","roleName":"MyRole","sessionName":"my-sso"}'),
    "01f2d4447e5154729a4e6ed0fb1424412e4cccca",
  );
  assertEquals(
    await roleCredentialCacheKey({
      accountId: "123456789012",
      roleName: "MyRole",
      sessionName: "my-sso",
      startUrl: START_URL,
    }),
    "01f2d4447e5154729a4e6ed0fb1424412e4cccca",
  );
});

Deno.test("roleCredentialCacheKey() escapes non-ASCII session names as \\uXXXX before hashing (docs/formats.md §3)", async () => {
  assertEquals(
    await sha1Hex('{"accountId":"123456789012","roleName":"MyRole","sessionName":"sso-\\u00fc"}'),
    "9c5f356b17199991d1195c4b5a508f2a22fc2735",
  );
  assertEquals(
    await roleCredentialCacheKey({
      accountId: "123456789012",
      roleName: "MyRole",
      sessionName: "sso-ü",
      startUrl: START_URL,
    }),
    "9c5f356b17199991d1195c4b5a508f2a22fc2735",
  );
});

Deno.test("roleCredentialCacheKey() keeps the account id string as configured", async () => {
  const withZero = await roleCredentialCacheKey({
    accountId: "012345678901",
    roleName: "MyRole",
    startUrl: START_URL,
  });
  assertEquals(
    withZero,
    await sha1Hex(
      '{"accountId":"012345678901","roleName":"MyRole","startUrl":"https://example.awsapps.com/start"}',
    ),
  );
});

Deno.test("roleCredentialKeyText() spells plain values as Python's json.dumps, and escapes the rest", () => {
  const python = (input: Record<string, string>) =>
    pythonJsonDumps(input, { compact: true, sortKeys: true });
  const values = [
    "MyRole",
    "a b",
    'q"uote',
    "back\\slash",
    "caf\u00e9",
    "del\x7f",
    "tab\t",
    "~!#[]",
  ];
  for (const value of values) {
    assertEquals(
      roleCredentialKeyText({ accountId: "123456789012", roleName: value, startUrl: START_URL }),
      python({ accountId: "123456789012", roleName: value, startUrl: START_URL }),
      value,
    );
    assertEquals(
      roleCredentialKeyText({ accountId: "1", roleName: "R", sessionName: value, startUrl: "" }),
      python({ accountId: "1", roleName: "R", sessionName: value }),
      value,
    );
  }
  assertEquals(
    roleCredentialKeyText({ accountId: "1", roleName: "R", sessionName: "s", startUrl: "u" }),
    '{"accountId":"1","roleName":"R","sessionName":"s"}',
  );
});
