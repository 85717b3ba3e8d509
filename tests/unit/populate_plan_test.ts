/** The plan of `configure populate` and the one-pass batch edit that carries it out. */
import { assert, assertEquals, assertThrows } from "../assert.ts";
import { getProfile, parseAwsConfig } from "../../src/config/aws_config_file.ts";
import { editConfigBatch } from "../../src/config/aws_config_batch_edit.ts";
import { editConfigText } from "../../src/config/aws_config_edit.ts";
import {
  planPopulate,
  populatedProfiles,
  type PopulatePlanInput,
  type WantedProfile,
} from "../../src/config/populate_plan.ts";

const URL = "https://example.awsapps.com/start";
const INSTANCE = { startUrl: URL, ssoRegion: "us-east-1" };

const wanted = (name: string, account = "111111111111", role = "Admin"): WantedProfile => ({
  name,
  head: [
    ["sso_start_url", URL],
    ["sso_region", "us-east-1"],
    ["sso_account_id", account],
    ["sso_role_name", role],
    ["region", "us-east-1"],
  ],
  tail: [["sso_auto_populated", "true"]],
});

const EXISTING = [
  "# keep me",
  "[default]",
  "region = eu-west-1",
  "",
  "[profile acct.Admin]",
  "sso_start_url = " + URL,
  "sso_region = us-east-1",
  "sso_account_id = 111111111111",
  "sso_role_name = Admin",
  "region = us-east-1",
  "output = json",
  "sso_auto_populated = true",
  "",
  "[profile gone.Admin]",
  "sso_start_url = " + URL,
  "sso_region = us-east-1",
  "sso_account_id = 222222222222",
  "sso_role_name = Admin",
  "sso_auto_populated = true",
  "",
  "[profile other-instance]",
  "sso_start_url = https://other.awsapps.com/start",
  "sso_region = us-east-1",
  "sso_auto_populated = true",
  "",
  "[profile hand-written]",
  "sso_start_url = " + URL,
  "sso_region = us-east-1",
  "sso_account_id = 333333333333",
  "sso_role_name = Admin",
  "",
  "[profile via-session]",
  "sso_session = corp",
  "sso_account_id = 444444444444",
  "sso_role_name = Admin",
  "sso_auto_populated = true",
  "",
  "[sso-session corp]",
  "sso_start_url = " + URL,
  "sso_region = us-east-1",
  "",
].join("\n");

const base = (over: Partial<PopulatePlanInput> = {}): PopulatePlanInput => ({
  config: parseAwsConfig(EXISTING),
  profiles: [wanted("acct.Admin"), wanted("new.Admin", "555555555555")],
  defaults: [],
  action: "keep",
  removeKeys: ["sso_session"],
  prune: false,
  instance: INSTANCE,
  ...over,
});

Deno.test("populatedProfiles: marked, same instance (own keys or through the session) only", () => {
  assertEquals(populatedProfiles(parseAwsConfig(EXISTING), INSTANCE), [
    "acct.Admin",
    "gone.Admin",
    "via-session",
  ]);
  assertEquals(populatedProfiles(undefined, INSTANCE), []);
});

Deno.test("plan without prune: adds new, leaves same profiles unchanged, removes nothing", () => {
  const plan = planPopulate(base());
  assertEquals(plan.added, ["new.Admin"]);
  assertEquals(plan.unchanged, ["acct.Admin"]);
  assertEquals(plan.updated, []);
  assertEquals(plan.removed, []);
  const text = editConfigBatch(EXISTING, plan.edits);
  // Every existing line stays, the new section is appended.
  assert(text.startsWith(EXISTING), "existing text kept byte for byte");
  assertEquals(
    text.slice(EXISTING.length),
    "\n[profile new.Admin]\nsso_start_url = " + URL +
      "\nsso_region = us-east-1\nsso_account_id = 555555555555\nsso_role_name = Admin\nregion = us-east-1\nsso_auto_populated = true\n",
  );
});

Deno.test("plan with prune removes only marked profiles of this instance not wanted now", () => {
  const plan = planPopulate(base({ prune: true }));
  assertEquals(plan.removed, ["gone.Admin", "via-session"]);
  const text = editConfigBatch(EXISTING, plan.edits);
  const doc = parseAwsConfig(text);
  assertEquals(getProfile(doc, "gone.Admin"), undefined);
  assertEquals(getProfile(doc, "via-session"), undefined);
  assert(getProfile(doc, "other-instance") !== undefined, "another instance's profile stays");
  assert(getProfile(doc, "hand-written") !== undefined, "an unmarked profile stays");
  assert(text.startsWith("# keep me\n[default]\nregion = eu-west-1\n"), "head kept");
  assert(!text.includes("\n\n\n"), "no growing blank gaps");
});

Deno.test("existing-config-action: keep leaves -c keys, overwrite sets them, discard drops others", () => {
  const defaults = [["output", "yaml"], ["cli_pager", ""]] as const;
  const keep = planPopulate(base({ defaults }));
  assertEquals(keep.updated, ["acct.Admin"]);
  let doc = parseAwsConfig(editConfigBatch(EXISTING, keep.edits));
  assertEquals(getProfile(doc, "acct.Admin")!.get("output"), "json");
  assertEquals(getProfile(doc, "acct.Admin")!.get("cli_pager"), "");

  const overwrite = planPopulate(base({ defaults, action: "overwrite" }));
  doc = parseAwsConfig(editConfigBatch(EXISTING, overwrite.edits));
  assertEquals(getProfile(doc, "acct.Admin")!.get("output"), "yaml");

  const discard = planPopulate(base({ action: "discard" }));
  assertEquals(discard.updated, ["acct.Admin"]);
  doc = parseAwsConfig(editConfigBatch(EXISTING, discard.edits));
  assertEquals(getProfile(doc, "acct.Admin")!.has("output"), false);
});

Deno.test("a changed value or a key to remove makes an update; a new sso-session comes first", () => {
  const changed = wanted("acct.Admin", "111111111111", "Admin");
  const plan = planPopulate(base({
    profiles: [{
      ...changed,
      tail: [["credential_process", "x --profile acct.Admin"], ...changed.tail],
    }],
    removeKeys: ["output"],
    newSession: { name: "new-sso", values: [["sso_start_url", URL], ["sso_region", "us-east-1"]] },
  }));
  assertEquals(plan.updated, ["acct.Admin"]);
  assertEquals(plan.edits[0].target, { kind: "sso-session", name: "new-sso" });
  const doc = parseAwsConfig(editConfigBatch(EXISTING, plan.edits));
  assertEquals(getProfile(doc, "acct.Admin")!.get("credential_process"), "x --profile acct.Admin");
  assertEquals(getProfile(doc, "acct.Admin")!.has("output"), false);
});

Deno.test("editConfigBatch gives the same text as editConfigText edit by edit (CRLF, no final newline)", () => {
  const text = "[profile a]\r\nx = 1\r\ny = 2\r\n\r\n[profile b]\r\nz = 3";
  const edits = [
    { target: { kind: "profile" as const, name: "a" }, set: [["x", "9"], ["w", "0"]] as const },
    { target: { kind: "profile" as const, name: "b" }, set: [["z", "3"]] as const, remove: ["q"] },
    { target: { kind: "profile" as const, name: "c" }, set: [["k", "v"]] as const },
    { target: { kind: "profile" as const, name: "d" }, set: [["k", "v"]] as const },
  ];
  assertEquals(editConfigBatch(text, edits), editConfigText(text, edits));
  assertEquals(editConfigBatch("", edits.slice(2)), editConfigText("", edits.slice(2)));
  assertThrows(() => editConfigBatch(text, [edits[0], edits[0]]));
  assertThrows(() =>
    editConfigBatch(text, [{ target: { kind: "profile", name: "a" }, set: [["k", "a\nb"]] }])
  );
});
