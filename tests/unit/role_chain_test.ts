/**
 * Role chains (src/config/role_chain.ts) resolved as botocore's AssumeRoleProvider resolves them:
 * every source a chain may end at, every setting of a hop, the STS region, and one sentence for
 * every problem.
 */
import { assert, assertEquals, assertMatch, assertThrows } from "../assert.ts";
import { parseAwsConfig } from "../../src/config/aws_config_file.ts";
import {
  chainSummary,
  isRoleProfile,
  MAX_ROLE_HOPS,
  resolveRoleChain,
  type RoleChainInput,
  STS_GLOBAL_REGION,
} from "../../src/config/role_chain.ts";
import { readCredentialsFile } from "../../src/cache/credentials_file_profiles.ts";
import { ConfigError } from "../../src/base/errors.ts";
import { withTempDir } from "../script_helpers.ts";

const SSO = `[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile base]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Admin
region = eu-west-1
`;

/** The resolver's input for a config text and credentials-file sections. */
function input(
  config: string,
  credentials: Record<string, Record<string, string>> = {},
  env: Record<string, string> = {},
): RoleChainInput {
  return {
    config: parseAwsConfig(config),
    configPath: "/home/u/.aws/config",
    credentials: new Map(
      Object.entries(credentials).map(([name, keys]) => [name, new Map(Object.entries(keys))]),
    ),
    credentialsPath: "/home/u/.aws/credentials",
    env: (name) => env[name],
    os: "linux",
  };
}

function refused(profile: string, given: RoleChainInput, pattern: RegExp): void {
  const error = assertThrows(() => resolveRoleChain(profile, given), ConfigError);
  assertMatch(error.message, pattern);
  assertEquals(error.message.split("\n").length, 1);
}

Deno.test("a profile without role_arn is no role chain", () => {
  const given = input(SSO);
  assertEquals(resolveRoleChain("base", given), undefined);
  assertEquals(isRoleProfile("base", given), false);
  refused(
    "nope",
    given,
    /^Profile nope was not found in \/home\/u\/\.aws\/config or \/home\/u\/\.aws\/credentials\.$/,
  );
});

Deno.test("one hop from an SSO profile: the source's settings, the hop's settings, the region", () => {
  const given = input(`${SSO}
[profile deploy]
role_arn = arn:aws:iam::222222222222:role/Deploy
source_profile = base
external_id = ext-123
role_session_name = alice@example.com
duration_seconds = 1800
mfa_serial = arn:aws:iam::111111111111:mfa/alice
region = us-west-2
`);
  assert(isRoleProfile("deploy", given));
  const chain = resolveRoleChain("deploy", given)!;
  assertEquals(chain.profile, "deploy");
  assertEquals(chain.hops, [{
    profile: "deploy",
    roleArn: "arn:aws:iam::222222222222:role/Deploy",
    roleSessionName: "alice@example.com",
    externalId: "ext-123",
    mfaSerial: "arn:aws:iam::111111111111:mfa/alice",
    durationSeconds: 1800,
    region: "us-west-2",
  }]);
  assert(chain.source.kind === "sso");
  assertEquals(chain.source.profile, "base");
  assertEquals(chain.source.viaCredentialProcess, undefined);
  const { startUrl, ssoRegion, accountId, roleName, sessionName, profileName } =
    chain.source.settings;
  assertEquals(
    { startUrl, ssoRegion, accountId, roleName, sessionName, profileName },
    {
      startUrl: "https://corp.awsapps.com/start",
      ssoRegion: "eu-west-1",
      accountId: "111111111111",
      roleName: "Admin",
      sessionName: "corp",
      profileName: "base",
    },
  );
  assertEquals([chain.stsRegion, chain.stsRegionSource], ["us-west-2", "profile deploy"]);
  assertEquals(chain.endpointConfig.profileName, "deploy");
  assertEquals(
    chainSummary(chain),
    "SSO role Admin in account 111111111111 (profile base) → arn:aws:iam::222222222222:role/Deploy (profile deploy)",
  );
});

Deno.test("two hops, in the order they are assumed; unset settings stay unset", () => {
  const chain = resolveRoleChain(
    "app",
    input(`${SSO}
[profile hub]
role_arn = arn:aws:iam::222222222222:role/Hub
source_profile = base

[profile app]
role_arn = arn:aws-us-gov:iam::333333333333:role/path/to/App
source_profile = hub
role_session_name =
`),
  )!;
  assertEquals(chain.hops.map((h) => [h.profile, h.roleArn]), [
    ["hub", "arn:aws:iam::222222222222:role/Hub"],
    ["app", "arn:aws-us-gov:iam::333333333333:role/path/to/App"],
  ]);
  // An empty role_session_name is generated, as in botocore.
  assertEquals(chain.hops[1], {
    profile: "app",
    roleArn: "arn:aws-us-gov:iam::333333333333:role/path/to/App",
    roleSessionName: undefined,
    externalId: undefined,
    mfaSerial: undefined,
    durationSeconds: undefined,
    region: undefined,
  });
  assertEquals(chain.source.profile, "base");
  // No region anywhere: STS's global endpoint, as botocore.
  assertEquals([chain.stsRegion, chain.stsRegionSource], [STS_GLOBAL_REGION, "default"]);
});

Deno.test("the STS region: AWS_REGION, then AWS_DEFAULT_REGION, then the profile's region; a bad one is one sentence", () => {
  const config = `${SSO}
[profile deploy]
role_arn = arn:aws:iam::222222222222:role/Deploy
source_profile = base
region = ap-south-1
`;
  const region = (env: Record<string, string>) => {
    const chain = resolveRoleChain("deploy", input(config, {}, env))!;
    return [chain.stsRegion, chain.stsRegionSource];
  };
  assertEquals(region({}), ["ap-south-1", "profile deploy"]);
  assertEquals(region({ AWS_DEFAULT_REGION: "eu-north-1" }), ["eu-north-1", "AWS_DEFAULT_REGION"]);
  assertEquals(region({ AWS_DEFAULT_REGION: "eu-north-1", AWS_REGION: "us-gov-west-1" }), [
    "us-gov-west-1",
    "AWS_REGION",
  ]);
  assertEquals(region({ AWS_REGION: "" }), ["ap-south-1", "profile deploy"]);
  refused(
    "deploy",
    input(config, {}, { AWS_REGION: "Mars-1" }),
    /^AWS_REGION=Mars-1 is not a valid AWS region name \(STS is called in it to assume the role of profile deploy\)\.$/,
  );
  refused(
    "deploy",
    input(config.replace("ap-south-1", "not a region")),
    /^region = not a region in profile deploy is not a valid AWS region name/,
  );
});

Deno.test("static keys in the credentials file, or in the config file after credential_process", () => {
  const config = `
[profile user]
region = us-east-1

[profile ops]
role_arn = arn:aws:iam::222222222222:role/Ops
source_profile = user
duration_seconds = 43200
`;
  const chain = resolveRoleChain(
    "ops",
    input(config, {
      user: { aws_access_key_id: "AKIAUSER", aws_secret_access_key: "s3cr3t" },
    }),
  )!;
  assertEquals(chain.source, {
    kind: "static",
    profile: "user",
    file: "/home/u/.aws/credentials",
    credentials: { accessKeyId: "AKIAUSER", secretAccessKey: "s3cr3t" },
  });
  assertEquals(chain.hops[0].durationSeconds, 43200);
  // A profile only in the credentials file, with a session token; the config's keys come last.
  const inConfig = resolveRoleChain(
    "ops",
    input(
      `${config}\n[profile user]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = x\naws_session_token = t\n`,
    ),
  )!;
  assertEquals(inConfig.source, {
    kind: "static",
    profile: "user",
    file: "/home/u/.aws/config",
    credentials: { accessKeyId: "AKIACONFIG", secretAccessKey: "x", sessionToken: "t" },
  });
  const onlyCredentialsFile = resolveRoleChain(
    "ops",
    input(config.replace("[profile user]", "[profile other]"), {
      user: { aws_access_key_id: "A", aws_secret_access_key: "B", aws_security_token: "T" },
    }),
  )!;
  assertEquals(
    onlyCredentialsFile.source.kind === "static" && onlyCredentialsFile.source.credentials,
    {
      accessKeyId: "A",
      secretAccessKey: "B",
      sessionToken: "T",
    },
  );
  // A key id without its secret: one sentence, and no key echoed.
  const error = assertThrows(
    () => resolveRoleChain("ops", input(config, { user: { aws_access_key_id: "AKIASECRETISH" } })),
    ConfigError,
  );
  assertEquals(
    error.message,
    "Profile user in /home/u/.aws/credentials has aws_access_key_id but no aws_secret_access_key; add the secret key or remove both.",
  );
});

Deno.test("botocore's order of a source's own credentials: SSO, then the credentials file, then credential_process, then the config's keys", () => {
  const both = (sso: string) =>
    `${SSO}\n[profile both]\n${sso}credential_process = /bin/other-program\n
[profile top]
role_arn = arn:aws:iam::222222222222:role/Top
source_profile = both
`;
  const config = both("sso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\n");
  const keys = { aws_access_key_id: "AKIA", aws_secret_access_key: "S" };
  assertEquals(resolveRoleChain("top", input(config, { both: keys }))!.source.kind, "sso");
  // sso_session alone does not make an SSO profile (botocore looks for account id or role name).
  const noSso = both("sso_session = corp\n");
  assertEquals(resolveRoleChain("top", input(noSso, { both: keys }))!.source.kind, "static");
  refused(
    "top",
    input(noSso),
    /^Profile both gets its credentials from a credential_process program other than aws-sso-util/,
  );
});

Deno.test("a source with static keys is used for them even when it has a role_arn; a profile may be its own source then", () => {
  const config = `
[profile self]
role_arn = arn:aws:iam::222222222222:role/Self
source_profile = self

[profile outer]
role_arn = arn:aws:iam::333333333333:role/Outer
source_profile = self
`;
  const keys = { self: { aws_access_key_id: "AKIA", aws_secret_access_key: "S" } };
  const self = resolveRoleChain("self", input(config, keys))!;
  assertEquals(self.hops.map((h) => h.profile), ["self"]);
  assertEquals(self.source.profile, "self");
  // botocore: a source with static keys gives its keys, its role_arn is not followed.
  assertEquals(resolveRoleChain("outer", input(config, keys))!.hops.map((h) => h.profile), [
    "outer",
  ]);
  refused("self", input(config), /^The source_profile settings form a loop: self → self;/);
});

Deno.test("a credential_process line running credential-process: its profile's SSO settings, its flags and AWS_SSO_* as the child sees them, or its profile's own chain", () => {
  const config = `${SSO}
[profile via-process]
credential_process = /usr/local/bin/aws-sso-util credential-process --profile base --role-name ReadOnly

[profile flags-only]
credential_process = "/opt/my tools/aws-sso-util" credential-process --sso-start-url https://corp.awsapps.com/start --sso-region eu-west-1 --account-id=444444444444

[profile hub]
role_arn = arn:aws:iam::222222222222:role/Hub
source_profile = base

[profile via-chained]
credential_process = aws-sso-util credential-process --profile hub

[profile a]
role_arn = arn:aws:iam::555555555555:role/A
source_profile = via-process

[profile b]
role_arn = arn:aws:iam::555555555555:role/B
source_profile = flags-only

[profile c]
role_arn = arn:aws:iam::555555555555:role/C
source_profile = via-chained
`;
  const a = resolveRoleChain("a", input(config, {}, { AWS_SSO_ACCOUNT_ID: "999999999999" }))!;
  assert(a.source.kind === "sso");
  assertEquals(a.source.profile, "base");
  assertEquals(a.source.viaCredentialProcess, "via-process");
  assertEquals(
    [a.source.settings.accountId, a.source.settings.roleName, a.source.settings.sessionName],
    ["999999999999", "ReadOnly", "corp"],
  );
  const b = resolveRoleChain("b", input(config, {}, { AWS_SSO_ROLE_NAME: "Env" }))!;
  assert(b.source.kind === "sso");
  assertEquals(
    [b.source.settings.accountId, b.source.settings.roleName, b.source.settings.profileName],
    ["444444444444", "Env", undefined],
  );
  refused("b", input(config), /missing settings|Missing settings/i);
  // The line asks for a profile that assumes a role: the chain goes on through it.
  const c = resolveRoleChain("c", input(config))!;
  assertEquals(c.hops.map((h) => h.profile), ["hub", "c"]);
  assertEquals(c.source.profile, "base");
});

Deno.test("a direct SSO source ignores AWS_SSO_* (botocore's SSO provider reads the profile only)", () => {
  const chain = resolveRoleChain(
    "deploy",
    input(
      `${SSO}\n[profile deploy]\nrole_arn = arn:aws:iam::222222222222:role/D\nsource_profile = base\n`,
      {},
      { AWS_SSO_ACCOUNT_ID: "999999999999" },
    ),
  )!;
  assert(chain.source.kind === "sso");
  assertEquals(chain.source.settings.accountId, "111111111111");
});

Deno.test("every configuration problem is one sentence", () => {
  const role = (extra: string, name = "deploy") =>
    `${SSO}\n[profile ${name}]\nrole_arn = arn:aws:iam::222222222222:role/Deploy\n${extra}\n`;
  refused(
    "deploy",
    input(role("source_profile = base\ncredential_source = Environment")),
    /^Profile deploy has both source_profile and credential_source; keep one of them/,
  );
  refused(
    "deploy",
    input(role("credential_source = Ec2InstanceMetadata")),
    /^Profile deploy uses credential_source = Ec2InstanceMetadata, which aws-sso-util does not support/,
  );
  refused(
    "deploy",
    input(role("")),
    /^Profile deploy has role_arn but no source_profile: add source_profile = NAME/,
  );
  refused(
    "deploy",
    input(role("source_profile = bsae")),
    /^Profile deploy names profile bsae as its source_profile, but there is no such profile in \/home\/u\/\.aws\/config or \/home\/u\/\.aws\/credentials \(did you mean base\?\)\.$/,
  );
  refused(
    "deploy",
    input(role("source_profile = base").replace("role/Deploy", "user/Deploy")),
    /^role_arn = arn:aws:iam::222222222222:user\/Deploy in profile deploy of \/home\/u\/\.aws\/config is not an IAM role ARN/,
  );
  for (const bad of ["abc", "3600.5", "899", "43201", "-900", ""]) {
    refused(
      "deploy",
      input(role(`source_profile = base\nduration_seconds = ${bad}`)),
      /^duration_seconds = .* in profile deploy of \/home\/u\/\.aws\/config is not valid: set it to a whole number of seconds from 900 to 43200\.$/,
    );
  }
  refused(
    "deploy",
    input(role("source_profile = base\nrole_session_name = has space")),
    /^role_session_name = has space in profile deploy .* is not valid: use 2 to 64 letters/,
  );
  refused(
    "deploy",
    input(role("source_profile = base\nexternal_id =")),
    /^external_id = {2}in profile deploy .* is not valid: use 2 to 1224/,
  );
  refused(
    "deploy",
    input(role("source_profile = base\nmfa_serial = 123")),
    /^mfa_serial = 123 in profile deploy .* is not valid: write the MFA device's ARN/,
  );
  refused(
    "deploy",
    input(role("source_profile = empty") + "\n[profile empty]\nregion = us-east-1\n"),
    /^Profile empty, the source_profile of deploy, has no credentials: give it SSO settings/,
  );
  refused(
    "deploy",
    input(role("web_identity_token_file = /tmp/t\nsource_profile = base")),
    /^Profile deploy uses web_identity_token_file, which aws-sso-util does not support/,
  );
  refused(
    "deploy",
    input(
      role("source_profile = login") + "\n[profile login]\nlogin_session = arn:aws:iam::1:user/x\n",
    ),
    /^Profile login uses login_session, which aws-sso-util does not support/,
  );
  refused(
    "deploy",
    input(
      role("source_profile = broken") +
        "\n[profile broken]\nsso_session = corp\nsso_account_id = 111111111111\n",
    ),
    /is missing role name \(sso_role_name\)/,
  );
  refused(
    "deploy",
    input(
      role("source_profile = proc") +
        "\n[profile proc]\ncredential_process = aws-sso-util credential-process --profile gone\n",
    ),
    /^Profile proc names profile gone in its credential_process line, but there is no such profile/,
  );
  // Control characters and huge values are never echoed as they are.
  const error = assertThrows(
    () =>
      resolveRoleChain(
        "deploy",
        input(role(`source_profile = base\nrole_session_name = ${"x\u0007".repeat(500)}`)),
      ),
    ConfigError,
  );
  assert(!error.message.includes("\u0007") && error.message.length < 400, error.message);
});

Deno.test("loops are named, whatever their length, and so is a chain too long to follow", () => {
  const loop = `
[profile a]
role_arn = arn:aws:iam::222222222222:role/A
source_profile = b

[profile b]
role_arn = arn:aws:iam::222222222222:role/B
source_profile = c

[profile c]
role_arn = arn:aws:iam::222222222222:role/C
source_profile = a
`;
  refused(
    "a",
    input(loop),
    /^The source_profile settings form a loop: a → b → c → a; make one of these profiles get its own credentials/,
  );
  refused("b", input(loop), /loop: b → c → a → b;/);
  // Through a credential_process line too.
  refused(
    "a",
    input(
      loop.replace("source_profile = a", "source_profile = p") +
        "\n[profile p]\ncredential_process = aws-sso-util credential-process --profile b\n",
    ),
    /loop: a → b → c → p → b;/,
  );
  const long = Array.from(
    { length: MAX_ROLE_HOPS + 1 },
    (_, i) =>
      `[profile p${i}]\nrole_arn = arn:aws:iam::222222222222:role/R${i}\nsource_profile = ${
        i === MAX_ROLE_HOPS ? "base" : `p${i + 1}`
      }\n`,
  ).join("\n");
  refused(
    "p0",
    input(`${SSO}\n${long}`),
    new RegExp(
      `^Profile p0 needs more than ${MAX_ROLE_HOPS} roles assumed one after another \\(p0 → p1 → .* …\\); aws-sso-util follows at most ${MAX_ROLE_HOPS}\\.$`,
    ),
  );
  const fits = long.replace(`[profile p${MAX_ROLE_HOPS}]`, "[profile unused]").replace(
    `source_profile = p${MAX_ROLE_HOPS}`,
    "source_profile = base",
  );
  assertEquals(resolveRoleChain("p0", input(`${SSO}\n${fits}`))!.hops.length, MAX_ROLE_HOPS);
});

Deno.test("readCredentialsFile reads every section's keys; missing is empty, malformed one sentence without secrets", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/credentials`,
      "[default]\naws_access_key_id = AKIA1\naws_secret_access_key = s1\n\n[profile x]\nk = v\n[ci]\naws_access_key_id=AKIA2\n",
    );
    const profiles = await readCredentialsFile(`${dir}/credentials`);
    assertEquals([...profiles.keys()], ["default", "profile x", "ci"]);
    assertEquals(profiles.get("default")?.get("aws_secret_access_key"), "s1");
    assertEquals(profiles.get("ci")?.get("aws_access_key_id"), "AKIA2");
    assertEquals((await readCredentialsFile(`${dir}/missing`)).size, 0);
    await Deno.writeTextFile(
      `${dir}/bad`,
      "[default]\naws_secret_access_key = s3cr3t\nnot a line\n",
    );
    const error = await readCredentialsFile(`${dir}/bad`).then(() => undefined, (e) => e);
    assert(error instanceof ConfigError);
    assertEquals(error.message, `The credentials file ${dir}/bad is malformed at line 3.`);
  });
});
