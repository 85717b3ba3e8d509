/** Unit tests of the line-preserving config editor and the existing-config actions. */
import { getProfile, parseAwsConfig } from "../../src/config/aws_config_file.ts";
import {
  editConfigText,
  planProfileEdit,
  type ProfilePlan,
} from "../../src/config/aws_config_edit.ts";
import { assertEquals, assertThrows } from "../assert.ts";
import { sectionHeader } from "../../src/config/aws_config_batch_edit.ts";

/** A config full of comments, blank lines, sub-sections and look-alike names. */
const MESSY = [
  "\uFEFF# ~/.aws/config, hand-edited",
  "; semicolon comment",
  "[default]",
  "region=us-east-1",
  "",
  "",
  "[profile ab]",
  "sso_start_url = https://ab.awsapps.com/start",
  "sso_region = us-east-1",
  "  # an indented comment",
  "s3 =",
  "    max_concurrent_requests = 20",
  "    signature_version = s3v4",
  "services = local",
  "",
  "# comment about profile a",
  "[profile a]",
  "sso_account_id:012345678901",
  "# comment inside a",
  "sso_role_name = Old",
  "output = text",
  "",
  "[profile abc]",
  "region = eu-west-1",
  "",
  "[services local]",
  "sso =",
  "  endpoint_url = http://127.0.0.1:4566",
  "",
  "[sso-session a]",
  "sso_start_url = https://a.awsapps.com/start",
  "# the end",
];

function messy(newline = "\n", finalNewline = true): string {
  return MESSY.join(newline) + (finalNewline ? newline : "");
}

/** Replaces lines [from, to] of MESSY by `replacement` and joins. */
function messyWith(from: number, to: number, replacement: string[], newline = "\n"): string {
  const lines = [...MESSY];
  lines.splice(from, to - from + 1, ...replacement);
  return lines.join(newline) + newline;
}

Deno.test("editConfigText replaces keys of one profile when profiles have look-alike names", () => {
  const out = editConfigText(messy(), {
    target: { kind: "profile", name: "a" },
    set: [["sso_role_name", "New"], ["sso_account_id", "012345678901"]],
  });
  // The unchanged account id line keeps its original `key:value` spelling.
  assertEquals(out, messyWith(19, 19, ["sso_role_name = New"]));
});

Deno.test("editConfigText adds new keys after the section's last key, before its trailing blank", () => {
  const out = editConfigText(messy(), {
    target: { kind: "profile", name: "a" },
    set: [["region", "us-west-2"], ["credential_process", "tool credential-process --profile a"]],
  });
  assertEquals(
    out,
    messyWith(20, 20, [
      "output = text",
      "region = us-west-2",
      "credential_process = tool credential-process --profile a",
    ]),
  );
});

Deno.test("editConfigText keeps CRLF line endings and every other byte", () => {
  const out = editConfigText(messy("\r\n"), {
    target: { kind: "profile", name: "a" },
    set: [["sso_role_name", "New"], ["region", "us-west-2"]],
  });
  assertEquals(
    out,
    messyWith(19, 20, ["sso_role_name = New", "output = text", "region = us-west-2"], "\r\n"),
  );
});

Deno.test("editConfigText keeps mixed line endings line by line", () => {
  const text = "[profile x]\r\nregion = us-east-1\n\n[profile y]\r\noutput = json\n";
  const out = editConfigText(text, {
    target: { kind: "profile", name: "y" },
    set: [["output", "yaml"]],
  });
  assertEquals(out, "[profile x]\r\nregion = us-east-1\n\n[profile y]\r\noutput = yaml\n");
});

Deno.test("editConfigText replaces a sub-section key and removes keys with their sub-lines", () => {
  const out = editConfigText(messy(), {
    target: { kind: "profile", name: "ab" },
    set: [["s3", "plain"]],
    remove: ["services", "sso_region"],
  });
  assertEquals(
    out,
    messyWith(8, 13, ["  # an indented comment", "s3 = plain"]),
  );
});

Deno.test("editConfigText appends a new section after one blank line", () => {
  const out = editConfigText(messy(), {
    target: { kind: "profile", name: "new" },
    set: [["region", "us-east-2"], ["output", "json"]],
  });
  assertEquals(out, messy() + "\n[profile new]\nregion = us-east-2\noutput = json\n");
});

Deno.test("editConfigText appends to a file without final newline and after a blank last line", () => {
  const noFinal = editConfigText("[profile x]\nregion = us-east-1", {
    target: { kind: "sso-session", name: "s" },
    set: [["sso_region", "us-east-1"]],
  });
  assertEquals(
    noFinal,
    "[profile x]\nregion = us-east-1\n\n[sso-session s]\nsso_region = us-east-1\n",
  );
  const blankLast = editConfigText("[profile x]\r\nregion = us-east-1\r\n\r\n", {
    target: { kind: "profile", name: "y" },
    set: [["output", "json"]],
  });
  assertEquals(
    blankLast,
    "[profile x]\r\nregion = us-east-1\r\n\r\n[profile y]\r\noutput = json\r\n",
  );
  const addKey = editConfigText("[profile x]\nregion = us-east-1", {
    target: { kind: "profile", name: "x" },
    set: [["output", "json"]],
  });
  assertEquals(addKey, "[profile x]\nregion = us-east-1\noutput = json\n");
});

Deno.test("editConfigText writes a new file without a leading blank line", () => {
  assertEquals(
    editConfigText("", { target: { kind: "profile", name: "p" }, set: [["region", "us-east-1"]] }),
    "[profile p]\nregion = us-east-1\n",
  );
  assertEquals(
    editConfigText("", { target: { kind: "profile", name: "default" }, set: [["output", "json"]] }),
    "[default]\noutput = json\n",
  );
});

Deno.test("editConfigText edits [default] for the profile named default", () => {
  const out = editConfigText(messy(), {
    target: { kind: "profile", name: "default" },
    set: [["region", "eu-central-1"]],
  });
  assertEquals(out, messyWith(3, 3, ["region = eu-central-1"]));
});

Deno.test("editConfigText with removeOthers drops every other key but keeps comments", () => {
  const out = editConfigText(messy(), {
    target: { kind: "profile", name: "a" },
    set: [["sso_role_name", "New"]],
    removeOthers: true,
  });
  assertEquals(out, messyWith(17, 20, ["# comment inside a", "sso_role_name = New"]));
});

Deno.test("editConfigText keeps a header-only section and fills it", () => {
  const out = editConfigText("[profile e]\n\n[profile f]\nregion = x-y-1\n", {
    target: { kind: "profile", name: "e" },
    set: [["region", "us-east-1"]],
  });
  assertEquals(out, "[profile e]\nregion = us-east-1\n\n[profile f]\nregion = x-y-1\n");
});

Deno.test("editConfigText updates a duplicated key once and drops the earlier copies", () => {
  const text = "[profile d]\nregion = a-b-1\n[profile d]\nregion = c-d-1\noutput = json\n";
  const out = editConfigText(text, {
    target: { kind: "profile", name: "d" },
    set: [["region", "us-east-1"]],
  });
  assertEquals(out, "[profile d]\n[profile d]\nregion = us-east-1\noutput = json\n");
});

Deno.test("editConfigText with nothing to change returns the text unchanged", () => {
  assertEquals(
    editConfigText(messy("\r\n", false), {
      target: { kind: "profile", name: "a" },
      set: [["output", "text"]],
    }),
    messy("\r\n", false),
  );
});

Deno.test("editConfigText refuses keys and values that would break the file", () => {
  assertThrows(() =>
    editConfigText("", { target: { kind: "profile", name: "p" }, set: [["a b", "x"]] })
  );
  assertThrows(() =>
    editConfigText("", { target: { kind: "profile", name: "p" }, set: [["k", "x\n[evil]"]] })
  );
});

Deno.test("sectionHeader names profiles, default and sso-sessions", () => {
  assertEquals(sectionHeader({ kind: "profile", name: "dev" }), "[profile dev]");
  assertEquals(sectionHeader({ kind: "profile", name: "default" }), "[default]");
  assertEquals(sectionHeader({ kind: "sso-session", name: "s" }), "[sso-session s]");
});

const EXISTING = `# mine
[profile p]
region = eu-west-1
output = text
cli_pager =
s3 =
  addressing_style = path
credential_process = old
`;

const PLAN: ProfilePlan = {
  values: [["sso_account_id", "123456789012"], ["region", "us-east-2"]],
  defaults: [["output", "json"], ["retry_mode", "standard"]],
  remove: ["credential_process"],
};

function applyAction(action: "keep" | "overwrite" | "discard"): string {
  const existing = getProfile(parseAwsConfig(EXISTING), "p");
  return editConfigText(EXISTING, planProfileEdit(existing, "p", PLAN, action));
}

Deno.test("planProfileEdit keep sets our values but leaves existing keys of config defaults", () => {
  assertEquals(
    applyAction("keep"),
    `# mine
[profile p]
region = us-east-2
output = text
cli_pager =
s3 =
  addressing_style = path
sso_account_id = 123456789012
retry_mode = standard
`,
  );
});

Deno.test("planProfileEdit overwrite replaces config-default keys too and keeps unrelated keys", () => {
  assertEquals(
    applyAction("overwrite"),
    `# mine
[profile p]
region = us-east-2
output = json
cli_pager =
s3 =
  addressing_style = path
sso_account_id = 123456789012
retry_mode = standard
`,
  );
});

Deno.test("planProfileEdit discard drops the profile's other keys", () => {
  assertEquals(
    applyAction("discard"),
    `# mine
[profile p]
region = us-east-2
output = json
sso_account_id = 123456789012
retry_mode = standard
`,
  );
});

Deno.test("planProfileEdit on a missing profile writes values then defaults", () => {
  const edit = planProfileEdit(undefined, "n", PLAN, "keep");
  assertEquals(
    editConfigText("", edit),
    "[profile n]\nsso_account_id = 123456789012\nregion = us-east-2\noutput = json\nretry_mode = standard\n",
  );
});
