/** Tests of the client-registration cache (docs/formats.md §1.4). */
import { assert, assertEquals } from "../assert.ts";
import { assertMode, TempHome } from "../helpers.ts";
import {
  isRegistrationReusable,
  readRegistration,
  registrationFilePath,
  registrationFlow,
  registrationFromJson,
  registrationJson,
  writeRegistration,
} from "../../src/cache/registration_cache.ts";

const URL_ = "https://example.awsapps.com/start";
const MINUTE = 60_000;

Deno.test("registrationFilePath uses the AWS CLI's key for sessions, scopes and legacy instances", async () => {
  const dir = "/c";
  assertEquals(
    await registrationFilePath(dir, {
      startUrl: URL_,
      ssoRegion: "us-east-1",
      sessionName: "my-sso",
    }),
    "/c/9065e9472ec6b87bbc18bb77fc3c3016d8d42df9.json",
  );
  assertEquals(
    await registrationFilePath(dir, {
      startUrl: URL_,
      ssoRegion: "us-east-1",
      sessionName: "my-sso",
      scopes: ["sso:account:access"],
    }),
    "/c/e83b78ff73aa2ebd41812af5abcc466dca567738.json",
  );
  assertEquals(
    await registrationFilePath(dir, { startUrl: URL_, ssoRegion: "us-east-1" }),
    "/c/6c6f31f93a84fcbeca9b94bb5d13f4109559e71a.json",
  );
});

Deno.test("registrationJson writes the AWS CLI's fields in its order when scopes and grant types were sent", () => {
  const response = { clientId: "cid", clientSecret: "sec", clientSecretExpiresAt: 1_800_000_000 };
  assertEquals(
    JSON.stringify(registrationJson(response, {
      scopes: ["sso:account:access"],
      grantTypes: ["authorization_code", "refresh_token"],
    })),
    '{"clientId":"cid","clientSecret":"sec","expiresAt":"2027-01-15T08:00:00Z",' +
      '"scopes":["sso:account:access"],"grantTypes":["authorization_code","refresh_token"]}',
  );
  assertEquals(registrationJson(response, {}), {
    clientId: "cid",
    clientSecret: "sec",
    expiresAt: "2027-01-15T08:00:00Z",
  });
});

Deno.test("isRegistrationReusable refuses registrations within 15 minutes of expiry or of the other flow", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  const reg = (expiresAt: number, grantTypes?: string[]) => ({
    clientId: "c",
    clientSecret: "s",
    expiresAt,
    expiresAtText: "",
    grantTypes,
  });
  const pkce = ["authorization_code", "refresh_token"];
  assert(isRegistrationReusable(reg(now + 16 * MINUTE, pkce), "pkce", now));
  assert(!isRegistrationReusable(reg(now + 14 * MINUTE, pkce), "pkce", now));
  assert(!isRegistrationReusable(reg(now + 90 * 24 * 60 * MINUTE, pkce), "device", now));
  assert(isRegistrationReusable(reg(now + 16 * MINUTE), "device", now));
  assert(!isRegistrationReusable(reg(now + 16 * MINUTE), "pkce", now));
  assertEquals(registrationFlow(reg(now, pkce)), "pkce");
  assertEquals(registrationFlow(reg(now, [])), "device");
});

Deno.test("readRegistration treats missing, corrupt and incomplete files as absent", async () => {
  await using home = await TempHome.create();
  const path = `${home.dir}/reg.json`;
  assertEquals(await readRegistration(path), undefined);
  await Deno.writeTextFile(path, "{not json");
  assertEquals(await readRegistration(path), undefined);
  await Deno.writeTextFile(
    path,
    JSON.stringify({ clientId: "c", expiresAt: "2030-01-01T00:00:00Z" }),
  );
  assertEquals(await readRegistration(path), undefined);
  assertEquals(
    registrationFromJson({ clientId: "c", clientSecret: "s", expiresAt: "2030-01-01T00:00:00" }),
    undefined,
    "a timestamp without a zone is unusable",
  );
});

Deno.test("writeRegistration writes Python's JSON layout with mode 0600, which readRegistration reads back", async () => {
  await using home = await TempHome.create();
  const path = `${home.ssoCacheDir}/reg.json`;
  const json = registrationJson(
    { clientId: "cid", clientSecret: "sec", clientSecretExpiresAt: 1_800_000_000 },
    { scopes: ["sso:account:access"] },
  );
  await writeRegistration(path, json);
  assertEquals(
    await Deno.readTextFile(path),
    '{"clientId": "cid", "clientSecret": "sec", "expiresAt": "2027-01-15T08:00:00Z", "scopes": ["sso:account:access"]}',
  );
  await assertMode(path, 0o600);
  assertEquals(await readRegistration(path), {
    clientId: "cid",
    clientSecret: "sec",
    expiresAt: 1_800_000_000_000,
    expiresAtText: "2027-01-15T08:00:00Z",
    scopes: ["sso:account:access"],
    grantTypes: undefined,
  });
});
