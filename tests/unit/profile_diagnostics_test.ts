/**
 * Unit tests of `check`'s profile diagnostics (`config/profile_diagnostics.ts`), the split of a
 * `credential_process` line (`config/credential_process_command.ts`), the profiles of the
 * credentials file, and which profile `--check-profile` checks (`sso/access_check.ts`).
 */
import { assertEquals, assertMatch } from "../assert.ts";
import { parseAwsConfig } from "../../src/config/aws_config_file.ts";
import {
  credentialProcessCommand,
  isAbsoluteCommand,
} from "../../src/config/credential_process_command.ts";
import { credentialsFileProfiles } from "../../src/cache/credentials_file_profiles.ts";
import { profileDiagnostics } from "../../src/config/profile_diagnostics.ts";
import {
  credentialProcessShadowing,
  profilesPhrase,
} from "../../src/config/credential_process_shadowing.ts";
import { checkedProfile } from "../../src/sso/access_check.ts";
import type { Env } from "../../src/base/paths.ts";

const noEnv: Env = () => undefined;
const envOf = (vars: Record<string, string>): Env => (name) => vars[name];

Deno.test("credentialProcessCommand splits like botocore and finds the profile asked for", () => {
  assertEquals(
    credentialProcessCommand(
      `"/opt/my tools/aws-sso-util" credential-process --profile dev`,
      "linux",
    ),
    {
      argv: ["/opt/my tools/aws-sso-util", "credential-process", "--profile", "dev"],
      ssoProfile: "dev",
    },
  );
  assertEquals(
    credentialProcessCommand("deno run -P main.ts credential-process --profile=a\\ b", "linux")
      .ssoProfile,
    "a b",
  );
  assertEquals(credentialProcessCommand("/usr/bin/other --profile x", "linux"), {
    argv: ["/usr/bin/other", "--profile", "x"],
  });
  // Windows: backslashes are path separators, not escapes.
  assertEquals(
    credentialProcessCommand(
      "C:\\tools\\aws-sso-util.exe credential-process --profile p",
      "windows",
    ).argv[0],
    "C:\\tools\\aws-sso-util.exe",
  );
});

Deno.test("isAbsoluteCommand follows each OS's rules", () => {
  assertEquals(isAbsoluteCommand("/usr/local/bin/x", "linux"), true);
  assertEquals(isAbsoluteCommand("aws-sso-util", "linux"), false);
  assertEquals(isAbsoluteCommand("~/bin/x", "darwin"), false);
  assertEquals(isAbsoluteCommand("C:\\x.exe", "windows"), true);
  assertEquals(isAbsoluteCommand("\\\\server\\share\\x.exe", "windows"), true);
  assertEquals(isAbsoluteCommand("x.exe", "windows"), false);
});

Deno.test("profileDiagnostics: shadowed credential_process, relative and missing programs", async () => {
  const config = parseAwsConfig(`[profile shadowed]
sso_start_url = https://x.awsapps.com/start
sso_region = us-east-1
credential_process = /does/not/exist credential-process --profile other

[profile relative]
credential_process = aws-sso-util credential-process --profile shadowed

[profile unused]
credential_process = aws-sso-util
`);
  const findings = await profileDiagnostics({
    config,
    profiles: ["shadowed", "relative", "not-there"],
    env: noEnv,
    credentialsProfiles: [],
    os: "linux",
  });
  assertEquals(findings.map((f) => f.level), ["warning", "warning", "warning"]);
  assertMatch(
    findings[0].text,
    /^Profile shadowed has sso_\* keys beside a credential_process line that asks for another profile: /,
  );
  assertEquals(
    findings[1].text,
    "The credential_process program of profile shadowed, /does/not/exist, does not exist.",
  );
  assertMatch(
    findings[2].text,
    /^The credential_process program of profile relative, aws-sso-util, is not an absolute path/,
  );
});

Deno.test("credentialProcessShadowing: only a line that is really lost is a warning, once per problem", () => {
  const sso = "sso_session = corp\nsso_account_id = 111111111111\nsso_role_name = R\n";
  const profiles: [string, string][] = [
    // As configure writes them: the keys and this tool for the same profile.
    ["a", `${sso}credential_process = /bin/aws-sso-util credential-process --profile a\n`],
    ["b", `${sso}credential_process = "/x y/deno" run main.ts credential-process --profile=b\n`],
    ["c", `${sso}credential_process = /usr/local/bin/other-helper --role R\n`],
    ["d", `${sso}credential_process = /usr/local/bin/other-helper --role S\n`],
    ["e", `${sso}credential_process = aws-sso-util credential-process --profile a\n`],
    ["f", `login_session = arn:aws:iam::1:user/me\ncredential_process = /bin/x\n`],
    ["g", `credential_process = /bin/aws-sso-util credential-process --profile a\n`],
    ["h", sso],
  ];
  const config = parseAwsConfig(
    profiles.map(([name, body]) => `[profile ${name}]\n${body}`).join("\n"),
  );
  const findings = credentialProcessShadowing(config, profiles.map(([n]) => n), "linux");
  assertEquals(findings.map((f) => [f.level, f.text.split(":")[0]]), [
    ["warning", "Profile f has login_session (from `aws login`) beside a credential_process line"],
    [
      "warning",
      "Profiles c and d have sso_* keys beside a credential_process line that runs another program",
    ],
    [
      "warning",
      "Profile e has sso_* keys beside a credential_process line that asks for another profile",
    ],
    [
      "info",
      "Profiles a and b have sso_* keys and a credential_process line running credential-process for the same profile, as configure writes them",
    ],
  ]);
  assertMatch(
    findings[0].text,
    /botocore 1\.43\+ \(boto3, the AWS CLI 2\.32\+\) uses the login session first and never runs the line/,
  );
  // Seventy populated profiles: still one line.
  const many = parseAwsConfig(
    Array.from(
      { length: 70 },
      (_, i) => `[profile p${i}]\n${sso}credential_process = /opt/helper\n`,
    ).join("\n"),
  );
  const names = Array.from({ length: 70 }, (_, i) => `p${i}`);
  const one = credentialProcessShadowing(many, names, "linux");
  assertEquals(one.length, 1);
  assertMatch(one[0].text, /^Profiles p0, p1, p2 and 67 more have sso_\* keys/);
});

Deno.test("profilesPhrase names a few profiles and counts the rest", () => {
  assertEquals(profilesPhrase(["a"]), "profile a");
  assertEquals(profilesPhrase(["a", "b"]), "profiles a and b");
  assertEquals(profilesPhrase(["a", "b", "c", "d"]), "profiles a, b, c and d");
  assertEquals(profilesPhrase(["a", "b", "c", "d", "e"]), "profiles a, b, c and 2 more");
  assertEquals(profilesPhrase(["x\u001b[31m"]), "profile x\\x1B[31m");
});

Deno.test("profileDiagnostics: executable and non-executable programs (POSIX modes)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/x`, "#!/bin/sh\n");
    await Deno.chmod(`${dir}/x`, 0o700);
    await Deno.writeTextFile(`${dir}/y`, "");
    await Deno.chmod(`${dir}/y`, 0o600);
    const config = parseAwsConfig(
      `[profile x]\ncredential_process = ${dir}/x\n[profile y]\ncredential_process = ${dir}/y a\n[profile d]\ncredential_process = ${dir}\n`,
    );
    const findings = await profileDiagnostics({
      config,
      profiles: ["x", "y", "d"],
      env: noEnv,
      credentialsProfiles: [],
      os: "linux",
    });
    assertEquals(findings.map((f) => [f.level, f.text]), [
      ["ok", `The credential_process program of profile x is ${dir}/x, an executable file.`],
      [
        "warning",
        `The credential_process program of profile y, ${dir}/y, is not executable; run \`chmod +x ${dir}/y\`.`,
      ],
      ["warning", `The credential_process program of profile d, ${dir}, is not a file.`],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("profileDiagnostics: AWS_PROFILE / AWS_DEFAULT_PROFILE must name an existing profile", async () => {
  const config = parseAwsConfig(
    "[default]\nregion = us-east-1\n[profile dev]\nregion = us-east-1\n",
  );
  const run = (vars: Record<string, string>) =>
    profileDiagnostics({ config, profiles: [], env: envOf(vars), credentialsProfiles: ["static"] });
  assertEquals(await run({ AWS_PROFILE: "dev" }), []);
  assertEquals(await run({ AWS_PROFILE: "default", AWS_DEFAULT_PROFILE: "static" }), []);
  const found = await run({ AWS_PROFILE: "dve", AWS_DEFAULT_PROFILE: "x\u001b[31m" });
  assertEquals(found.map((f) => f.text.split(",")[0]), [
    "AWS_PROFILE is set to dve",
    "AWS_DEFAULT_PROFILE is set to x\\x1B[31m",
  ]);
  // Without a config file, only the credentials file's profiles exist.
  const none = await profileDiagnostics({
    config: undefined,
    profiles: [],
    env: envOf({ AWS_PROFILE: "dev" }),
    credentialsProfiles: [],
  });
  assertEquals(none.length, 1);
});

Deno.test("credentialsFileProfiles reads section names only; a missing file has none", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/credentials`,
      "[default]\naws_access_key_id = A\n[ci]\naws_access_key_id = B\n",
    );
    assertEquals(await credentialsFileProfiles(`${dir}/credentials`), ["default", "ci"]);
    assertEquals(await credentialsFileProfiles(`${dir}/missing`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkedProfile follows one credential_process hop to an existing profile", () => {
  const config = parseAwsConfig(`[profile app]
credential_process = /bin/aws-sso-util credential-process --profile sso
[profile sso]
sso_session = s
[profile both]
sso_session = s
credential_process = /bin/aws-sso-util credential-process --profile sso
[profile dangling]
credential_process = /bin/aws-sso-util credential-process --profile nowhere
`);
  assertEquals(checkedProfile(config, "app"), "sso");
  assertEquals(checkedProfile(config, "sso"), "sso");
  assertEquals(checkedProfile(config, "both"), "both"); // its own SSO keys win, as in botocore
  assertEquals(checkedProfile(config, "dangling"), "dangling");
  assertEquals(checkedProfile(undefined, "app"), "app");
});
