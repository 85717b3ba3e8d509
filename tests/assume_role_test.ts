/**
 * The assume-role provider (src/sts/assume_role_provider.ts) against the fake IAM Identity Center
 * and the fake STS, in a temporary home: one and two hops from an SSO profile or static keys,
 * every setting of a hop, the STS endpoint, the cache shared with the AWS CLI (botocore's keys, in
 * both directions with botocore itself when it is installed), locks, and one sentence for every
 * failure. The chain is resolved and its SSO source fetched as the commands will do it.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "./assert.ts";
import { FakeIdentityCenter } from "./fake_server.ts";
import { FakeSts } from "./fake/sts.ts";
import {
  ACCOUNT_ID,
  assertMode,
  captureSink,
  makeReadOnly,
  ROLE,
  SESSION_PROFILE,
  sessionToken,
  stringLines,
  TempHome,
  testRuntime,
} from "./helpers.ts";
import { pythonExecutable, pythonHas } from "./script_helpers.ts";
import { assumedRoleCachePath, chainCachePaths } from "../src/cache/assumed_role_cache.ts";
import { credentialsFilePath } from "../src/cache/credentials_file.ts";
import { readCredentialsFile } from "../src/cache/credentials_file_profiles.ts";
import { resolveRoleChain, type RoleChain } from "../src/config/role_chain.ts";
import { loadConfigFile } from "../src/config/settings.ts";
import { DebugLog } from "../src/base/debug_log.ts";
import { AwsApiError, ConfigError, LoginRequiredError } from "../src/base/errors.ts";
import type { Runtime } from "../src/base/runtime.ts";
import { roleCredentials, settingsSession } from "../src/sso/role_credentials.ts";
import {
  assumeRoleChain,
  type AssumeRoleRun,
  stsEndpoint,
} from "../src/sts/assume_role_provider.ts";
import { promptIO } from "../src/ui/prompt.ts";
import { mfaPromptOn } from "../src/ui/mfa_prompt.ts";

const DEPLOY = "arn:aws:iam::222222222222:role/Deploy";
const HUB = "arn:aws:iam::333333333333:role/Hub";
const HOUR = 3_600_000;

const CHAINS = `
[profile deploy]
role_arn = ${DEPLOY}
source_profile = dev

[profile hub]
role_arn = ${HUB}
source_profile = dev

[profile app]
role_arn = ${DEPLOY}
source_profile = hub
role_session_name = app-session
`;

/** A temp home with a valid SSO login on the fake Identity Center, and a fake STS beside it. */
async function world(config = CHAINS, env: Record<string, string> = {}) {
  const home = await TempHome.create();
  const fake = await FakeIdentityCenter.start();
  const sts = await FakeSts.start({ identityCenter: fake });
  await sessionToken(home, fake, 8 * HOUR);
  await home.writeConfig(`${SESSION_PROFILE}\n${config}`);
  const rt = testRuntime({
    HOME: home.dir,
    AWS_ENDPOINT_URL_SSO: fake.url,
    AWS_ENDPOINT_URL_STS: sts.url,
    ...env,
  });
  return {
    home,
    fake,
    sts,
    rt,
    async [Symbol.asyncDispose]() {
      await sts.close();
      await fake.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

/** What a command will do: read both files, resolve the chain. */
async function chainOf(rt: Runtime, profile: string): Promise<RoleChain> {
  const paths = rt.paths();
  const credentialsPath = credentialsFilePath(rt.env);
  const chain = resolveRoleChain(profile, {
    config: await loadConfigFile(paths.configFile),
    configPath: paths.configFile,
    credentials: await readCredentialsFile(credentialsPath),
    credentialsPath,
    env: rt.env,
  });
  assert(chain, `${profile} is a role profile`);
  return chain;
}

/** One run of the provider for `profile`, its SSO source fetched by roleCredentials(). */
async function run(rt: Runtime, profile: string, parts: Partial<AssumeRoleRun> = {}) {
  const chain = await chainOf(rt, profile);
  const log = new DebugLog(false);
  const paths = rt.paths();
  const warnings: string[] = [];
  const ssoFetches: boolean[] = [];
  const warn = (sentence: string) => void warnings.push(sentence);
  const result = await assumeRoleChain(chain, {
    rt,
    log,
    cliCacheDir: paths.cliCacheDir,
    deadline: rt.now() + rt.limits.credentialProcessMs,
    warn,
    ssoCredentials: (settings, refresh) => {
      ssoFetches.push(refresh);
      return roleCredentials(settingsSession(settings, { rt, log, warn }), settings, {
        forceRefresh: refresh,
      });
    },
    ...parts,
  });
  return { ...result, warnings, ssoFetches, chain };
}

/** The failure of a run, which must be one sentence. */
async function failure<E extends Error>(
  rt: Runtime,
  profile: string,
  type: new (...args: never[]) => E,
  parts: Partial<AssumeRoleRun> = {},
): Promise<E> {
  const error = await assertRejects(() => run(rt, profile, parts), type);
  assertEquals(error.message.split("\n").length, 1);
  return error;
}

async function cacheFiles(home: TempHome): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(home.cliCacheDir)) names.push(entry.name);
  } catch {
    // no cache directory yet
  }
  return names.sort();
}

Deno.test("one hop from an SSO profile: assumed with the SSO role's credentials, cached under botocore's key; the next run calls nothing", async () => {
  await using w = await world();
  const first = await run(w.rt, "deploy");
  const sso = w.fake.issuedCredentials[0];
  const issued = w.sts.issued[0];
  assertEquals(first.cached, false);
  assertEquals(first.credentials, {
    accessKeyId: issued.accessKeyId,
    secretAccessKey: issued.secretAccessKey,
    sessionToken: issued.sessionToken!,
    expiration: issued.expiration,
    accountId: "222222222222",
  });
  assertEquals(first.arn, issued.arn);
  assertEquals(issued.sourceAccessKeyId, sso.accessKeyId);
  assertMatch(issued.roleSessionName, /^botocore-session-\d{10}$/);
  assertEquals(first.ssoFetches, [false]);
  assertEquals(first.warnings, []);
  // The cache file: botocore's key of the configured arguments (no generated session name).
  const path = await assumedRoleCachePath(w.home.cliCacheDir, { RoleArn: DEPLOY });
  assertEquals(await chainCachePaths(first.chain, w.home.cliCacheDir), [path]);
  await assertMode(path, 0o600);
  const file = JSON.parse(await Deno.readTextFile(path));
  assertEquals(Object.keys(file), ["Credentials", "AssumedRoleUser", "ResponseMetadata"]);
  assertEquals(file.Credentials.AccessKeyId, issued.accessKeyId);
  assertEquals(file.AssumedRoleUser.Arn, issued.arn);
  // No lock or temp file is left behind (the SSO role's cache file is beside it).
  assertEquals((await cacheFiles(w.home)).filter((n) => !n.endsWith(".json")), []);

  const second = await run(w.rt, "deploy");
  assertEquals(second.cached, true);
  assertEquals(second.credentials.accessKeyId, issued.accessKeyId);
  assertEquals(second.arn, issued.arn);
  assertEquals(second.ssoFetches, []);
  assertEquals(w.sts.requests.length, 1);
  assertEquals(w.fake.calls.GetRoleCredentials, 1);
});

Deno.test("two hops: each hop's own cache file; a cached last hop needs nothing, a cached first hop spares the SSO call", async () => {
  await using w = await world();
  const first = await run(w.rt, "app");
  assertEquals(first.chain.hops.map((h) => h.profile), ["hub", "app"]);
  const [hub, app] = w.sts.issued;
  assertEquals([hub.roleArn, app.roleArn], [HUB, DEPLOY]);
  assertEquals(hub.sourceAccessKeyId, w.fake.issuedCredentials[0].accessKeyId);
  assertEquals(app.sourceAccessKeyId, hub.accessKeyId);
  assertEquals(app.roleSessionName, "app-session");
  assertEquals(first.credentials.accessKeyId, app.accessKeyId);
  const [hubPath, appPath] = await chainCachePaths(first.chain, w.home.cliCacheDir);
  assertEquals(
    appPath,
    await assumedRoleCachePath(w.home.cliCacheDir, {
      RoleArn: DEPLOY,
      RoleSessionName: "app-session",
    }),
  );
  // The hub's file is the one a one-hop `hub` profile uses too.
  assertEquals((await run(w.rt, "hub")).credentials.accessKeyId, hub.accessKeyId);
  assertEquals(w.sts.requests.length, 2);

  assertEquals((await run(w.rt, "app")).cached, true);
  assertEquals(w.sts.requests.length, 2);
  await Deno.remove(appPath);
  const third = await run(w.rt, "app");
  assertEquals(w.sts.requests.length, 3);
  assertEquals(w.sts.issued[2].sourceAccessKeyId, hub.accessKeyId);
  assertEquals(third.ssoFetches, []);
  assertEquals(w.fake.calls.GetRoleCredentials, 1);
  assert(await Deno.stat(hubPath).then(() => true));
});

Deno.test("every setting goes to STS from static keys: external_id, role_session_name, duration_seconds, mfa_serial; the key holds the configured ones", async () => {
  await using w = await world(`
[profile ops]
role_arn = ${DEPLOY}
source_profile = user
external_id = ext-123
role_session_name = alice
duration_seconds = 7200
mfa_serial = arn:aws:iam::111111111111:mfa/alice
`);
  const user = w.sts.addUser("alice");
  await Deno.writeTextFile(
    `${w.home.dir}/.aws/credentials`,
    `[user]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`,
  );
  w.sts.role(DEPLOY, {
    trusted: [user.arn],
    externalId: "ext-123",
    mfaSerial: "arn:aws:iam::111111111111:mfa/alice",
    maxSessionDuration: 43_200,
  });
  const asked: unknown[] = [];
  const mfaCode = (request: unknown) => {
    asked.push(request);
    return Promise.resolve(` ${w.sts.mfaCode}\n`);
  };
  const started = Date.now();
  const first = await run(w.rt, "ops", { mfaCode });
  assertEquals(asked, [{
    serial: "arn:aws:iam::111111111111:mfa/alice",
    profile: "ops",
    roleArn: DEPLOY,
  }]);
  const issued = w.sts.issued[0];
  assertEquals(
    [
      issued.externalId,
      issued.roleSessionName,
      issued.durationSeconds,
      issued.serialNumber,
      issued.tokenCode,
    ],
    ["ext-123", "alice", 7200, "arn:aws:iam::111111111111:mfa/alice", "123456"],
  );
  assertEquals(issued.sourceAccessKeyId, user.accessKeyId);
  assert(first.credentials.expiration >= started + 2 * HOUR - 2_000);
  assertEquals(first.warnings, []);
  const path = await assumedRoleCachePath(w.home.cliCacheDir, {
    RoleArn: DEPLOY,
    RoleSessionName: "alice",
    ExternalId: "ext-123",
    SerialNumber: "arn:aws:iam::111111111111:mfa/alice",
    DurationSeconds: 7200,
  });
  assertEquals(await cacheFiles(w.home), [path.split("/").pop()!]);
  // Cached: no code is asked for.
  assertEquals((await run(w.rt, "ops", { mfaCode })).cached, true);
  assertEquals(asked.length, 1);
  // Forced: asked again, assumed again.
  await run(w.rt, "ops", { mfaCode, forceRefresh: true });
  assertEquals([asked.length, w.sts.issued.length], [2, 2]);
});

Deno.test("a role-chained session asks for one hour at most and says so; the cache key keeps the configured duration", async () => {
  await using w = await world(`
[profile long]
role_arn = ${DEPLOY}
source_profile = dev
duration_seconds = 7200
`);
  w.sts.role(DEPLOY, { maxSessionDuration: 43_200 });
  const result = await run(w.rt, "long");
  assertEquals(w.sts.issued[0].durationSeconds, 3600);
  assertEquals(result.warnings, [
    "duration_seconds = 7200 of profile long asks for more than the one hour STS allows a role-chained session (a role assumed with an SSO role's or another role's credentials); asking for 3600 seconds.",
  ]);
  const path = await assumedRoleCachePath(w.home.cliCacheDir, {
    RoleArn: DEPLOY,
    DurationSeconds: 7200,
  });
  assert(await Deno.stat(path).then(() => true));
  // Static keys that are a role's session: STS refuses, and says why in one sentence.
  await w.home.writeConfig(`${SESSION_PROFILE}
[profile long]
role_arn = ${DEPLOY}
source_profile = keys
duration_seconds = 7200
`);
  w.sts.addIdentity({
    accessKeyId: "ASIAROLESESSION",
    secretAccessKey: "s",
    sessionToken: "t",
    arn: "arn:aws:sts::111111111111:assumed-role/Other/x",
    roleSession: true,
  });
  await Deno.writeTextFile(
    `${w.home.dir}/.aws/credentials`,
    "[keys]\naws_access_key_id = ASIAROLESESSION\naws_secret_access_key = s\naws_session_token = t\n",
  );
  await Deno.remove(path);
  const error = await failure(w.rt, "long", AwsApiError);
  assertEquals(
    error.message,
    "STS refused duration_seconds = 7200 of profile long: a role-chained session lasts at most one hour; set duration_seconds to 3600 or less.",
  );
});

/** A world whose profile `mfa` assumes a role that needs the code of an MFA device. */
async function mfaWorld() {
  const w = await world(`
[profile mfa]
role_arn = ${DEPLOY}
source_profile = dev
mfa_serial = arn:aws:iam::123456789012:mfa/user
`);
  w.sts.role(DEPLOY, { mfaSerial: "arn:aws:iam::123456789012:mfa/user" });
  return w;
}

Deno.test("MFA: no terminal, a malformed code and a refused code are one sentence each, and nothing is cached", async () => {
  await using w = await mfaWorld();
  const noTerminal = await failure(w.rt, "mfa", LoginRequiredError);
  assertEquals(
    noTerminal.message,
    "Assuming the role of profile mfa (mfa_serial arn:aws:iam::123456789012:mfa/user) needs an MFA code, and there is no terminal to ask for it; run the command in a terminal once (the role's credentials are then cached for the next runs).",
  );
  const malformed = await failure(w.rt, "mfa", ConfigError, {
    mfaCode: () => Promise.resolve("12ab"),
  });
  assertEquals(
    malformed.message,
    "The MFA code for profile mfa (mfa_serial arn:aws:iam::123456789012:mfa/user) must be 6 digits.",
  );
  const wrong = await failure(w.rt, "mfa", AwsApiError, {
    mfaCode: () => Promise.resolve("000000"),
  });
  assertEquals(
    wrong.message,
    `STS refused the MFA code of arn:aws:iam::123456789012:mfa/user for role ${DEPLOY} (profile mfa): MultiFactorAuthentication failed with invalid MFA one time pass code.`,
  );
  assertEquals(w.sts.issued.length, 0);
  // The SSO role's credentials only.
  assertEquals((await cacheFiles(w.home)).length, 1);
});

Deno.test("the terminal MFA prompt asks botocore's question until the answer is six digits", async () => {
  await using w = await mfaWorld();
  const stderr = captureSink(true);
  const io = promptIO({
    stdin: stringLines("12ab\n123456\n"),
    stderr,
    stdinIsTerminal: () => true,
  });
  await run(w.rt, "mfa", { mfaCode: mfaPromptOn(io) });
  assertEquals(
    stderr.text,
    "Enter MFA code for arn:aws:iam::123456789012:mfa/user: The MFA code is 6 digits.\nEnter MFA code for arn:aws:iam::123456789012:mfa/user: ",
  );
  assertEquals(w.sts.issued[0].tokenCode, "123456");
  // Input that ends before a code: one sentence.
  const ended = promptIO({
    stdin: stringLines(""),
    stderr: captureSink(),
    stdinIsTerminal: () => false,
  });
  assertMatch(
    (await failure(w.rt, "mfa", ConfigError, { mfaCode: mfaPromptOn(ended), forceRefresh: true }))
      .message,
    /^Input ended before "Enter MFA code for arn:aws:iam::123456789012:mfa\/user" was answered/,
  );
});

Deno.test("AccessDenied names the role and the identity that tried: the SSO role, or the previous hop's assumed role", async () => {
  await using w = await world();
  w.sts.role(DEPLOY, { trusted: [] });
  const direct = await failure(w.rt, "deploy", AwsApiError);
  assertEquals(direct.errorCode, "AccessDenied");
  assertEquals(
    direct.message,
    `AccessDenied: the SSO role ${ROLE} in account ${ACCOUNT_ID} (profile dev) may not assume role ${DEPLOY} (profile deploy); check the role's trust policy (STS: User: arn:aws:sts::${ACCOUNT_ID}:assumed-role/AWSReservedSSO_${ROLE}_0123456789abcdef/user@example.com is not authorized to perform: sts:AssumeRole on resource: ${DEPLOY}).`,
  );
  const chained = await failure(w.rt, "app", AwsApiError);
  const hubArn = w.sts.issued[0].arn;
  assertMatch(hubArn, /^arn:aws:sts::333333333333:assumed-role\/Hub\/botocore-session-\d+$/);
  assert(
    chained.message.startsWith(
      `AccessDenied: ${hubArn} may not assume role ${DEPLOY} (profile app); check the role's trust policy (STS: User: ${hubArn} is not authorized`,
    ),
    chained.message,
  );
  // The hub was assumed and cached; the denied role was not.
  const [hubPath, appPath] = await chainCachePaths(await chainOf(w.rt, "app"), w.home.cliCacheDir);
  assert(await Deno.stat(hubPath).then(() => true));
  assertEquals(await Deno.stat(appPath).then(() => true, () => false), false);
  // The identity from a cached hop is its ARN as well.
  const again = await failure(w.rt, "app", AwsApiError);
  assertMatch(again.message, new RegExp(`^AccessDenied: ${hubArn.replaceAll("/", "\\/")} may not`));
  // With external_id, the sentence points at it too.
  await w.home.writeConfig(
    `${SESSION_PROFILE}\n[profile ext]\nrole_arn = ${DEPLOY}\nsource_profile = dev\nexternal_id = wrong-id\n`,
  );
  w.sts.role(DEPLOY, { externalId: "right-id" });
  assertMatch(
    (await failure(w.rt, "ext", AwsApiError)).message,
    /; check the role's trust policy and external_id \(STS: /,
  );
});

Deno.test("ExpiredToken on the source: it is fetched once more and the call repeated; twice is one sentence", async () => {
  await using w = await world();
  await run(w.rt, "deploy");
  const sso = w.fake.issuedCredentials[0];
  const [deployPath] = await chainCachePaths(await chainOf(w.rt, "deploy"), w.home.cliCacheDir);
  await Deno.remove(deployPath);
  // The SSO role's credentials are still cached (and look valid) but STS calls them expired.
  w.sts.expire(sso.accessKeyId);
  const second = await run(w.rt, "deploy");
  assertEquals(second.ssoFetches, [false, true]);
  assertEquals(w.fake.issuedCredentials.length, 2);
  assertEquals(w.sts.issued.at(-1)!.sourceAccessKeyId, w.fake.issuedCredentials[1].accessKeyId);
  assertEquals(w.sts.requests.map((r) => r.outcome), ["OK", "ExpiredToken", "OK"]);

  // A cached first hop that STS calls expired is assumed again from its own source.
  const app = await run(w.rt, "app");
  const hub = w.sts.issued.find((i) => i.roleArn === HUB)!;
  const [, appPath] = await chainCachePaths(app.chain, w.home.cliCacheDir);
  await Deno.remove(appPath);
  w.sts.expire(hub.accessKeyId);
  const before = w.sts.issued.length;
  await run(w.rt, "app");
  assertEquals(w.sts.issued.slice(before).map((i) => i.roleArn), [HUB, DEPLOY]);

  // Refused again after fetching anew: one sentence, nothing cached.
  await Deno.remove(deployPath);
  w.sts.failAlways({ errorType: "ExpiredToken" });
  const error = await failure(w.rt, "deploy", AwsApiError);
  assertEquals(
    error.message,
    `STS refused the credentials of the SSO role ${ROLE} in account ${ACCOUNT_ID} (profile dev) (ExpiredToken, even fetched anew), so role ${DEPLOY} (profile deploy) cannot be assumed: The security token included in the request is expired.`,
  );
  assertEquals(await Deno.stat(deployPath).then(() => true, () => false), false);
});

Deno.test("static keys STS refuses are not tried again: one sentence naming the profile and the key's end only", async () => {
  await using w = await world(`[profile ops]\nrole_arn = ${DEPLOY}\nsource_profile = user\n`);
  await Deno.writeTextFile(
    `${w.home.dir}/.aws/credentials`,
    "[user]\naws_access_key_id = AKIANOBODYKNOWS1234\naws_secret_access_key = s3cr3t-value\n",
  );
  const error = await failure(w.rt, "ops", AwsApiError);
  assertEquals(
    error.message,
    `STS refused the credentials of the access key ****1234 of profile user (InvalidClientTokenId), so role ${DEPLOY} (profile ops) cannot be assumed: The security token included in the request is invalid.`,
  );
  assertEquals(w.sts.requests.length, 1);
});

Deno.test("throttling is retried; RegionDisabledException and a network failure are one sentence each", async () => {
  await using w = await world();
  w.sts.failNext({ errorType: "Throttling", times: 2 });
  await run(w.rt, "deploy");
  assertEquals(w.sts.requests.map((r) => r.outcome), ["Throttling", "Throttling", "OK"]);

  await using other = await world(CHAINS, { AWS_REGION: "ap-east-1" });
  other.sts.failNext({ errorType: "RegionDisabledException" });
  assertEquals(
    (await failure(other.rt, "deploy", AwsApiError)).message,
    `STS is not activated in region ap-east-1 for the account of the SSO role ${ROLE} in account ${ACCOUNT_ID} (profile dev), so role ${DEPLOY} (profile deploy) cannot be assumed there; activate the region in IAM, or set AWS_REGION (or the profile's region) to another one.`,
  );
  const url = other.sts.url;
  await other.sts.close();
  const unreachable = await failure(other.rt, "deploy", AwsApiError);
  assertMatch(
    unreachable.message,
    new RegExp(
      `^AssumeRole of ${DEPLOY.replaceAll("/", "\\/")} \\(profile deploy\\) could not reach ${
        url.replaceAll("/", "\\/")
      }`,
    ),
  );
});

Deno.test("the STS endpoint: the chain's region, STS's global endpoint without one, FIPS, dual-stack, legacy, [services] and AWS_ENDPOINT_URL_STS", async () => {
  await using home = await TempHome.create();
  const endpoint = async (config: string, env: Record<string, string> = {}) => {
    await home.writeConfig(
      `${SESSION_PROFILE}\n[profile deploy]\nrole_arn = ${DEPLOY}\nsource_profile = dev\n${config}`,
    );
    const rt = testRuntime({ HOME: home.dir, ...env });
    const found = stsEndpoint(await chainOf(rt, "deploy"), rt.env);
    return `${found.url} signed for ${found.signingRegion}`;
  };
  const cases: [string, Record<string, string>, string][] = [
    ["", {}, "https://sts.amazonaws.com signed for us-east-1"],
    ["region = eu-west-1", {}, "https://sts.eu-west-1.amazonaws.com signed for eu-west-1"],
    [
      "region = eu-west-1",
      { AWS_REGION: "ca-central-1" },
      "https://sts.ca-central-1.amazonaws.com signed for ca-central-1",
    ],
    [
      "",
      { AWS_USE_FIPS_ENDPOINT: "true" },
      "https://sts-fips.us-east-1.amazonaws.com signed for us-east-1",
    ],
    [
      "region = eu-west-1\nuse_dualstack_endpoint = true",
      {},
      "https://sts.eu-west-1.api.aws signed for eu-west-1",
    ],
    [
      "region = us-east-1\nsts_regional_endpoints = legacy",
      {},
      "https://sts.amazonaws.com signed for us-east-1",
    ],
    ["region = cn-north-1", {}, "https://sts.cn-north-1.amazonaws.com.cn signed for cn-north-1"],
    [
      "region = us-gov-west-1",
      { AWS_USE_FIPS_ENDPOINT: "true" },
      "https://sts.us-gov-west-1.amazonaws.com signed for us-gov-west-1",
    ],
    [
      "region = eu-west-1\nservices = local\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:9\n",
      {},
      "http://127.0.0.1:9 signed for eu-west-1",
    ],
    ["", { AWS_ENDPOINT_URL_STS: "http://127.0.0.1:8" }, "http://127.0.0.1:8 signed for us-east-1"],
  ];
  for (const [config, env, expected] of cases) {
    assertEquals(await endpoint(config, env), expected, `${config} ${JSON.stringify(env)}`);
  }
  const bad = await assertRejects(
    () => endpoint("region = eu-west-1", { AWS_USE_FIPS_ENDPOINT: "maybe" }),
    ConfigError,
  );
  assertEquals(bad.message, "AWS_USE_FIPS_ENDPOINT=maybe is not valid: set it to true or false.");
});

Deno.test("the fake STS sees the chain's signing region: the profile's, AWS_REGION's, or us-east-1 without one", async () => {
  await using w = await world(
    CHAINS.replace(
      "source_profile = dev\n\n[profile hub]",
      "source_profile = dev\nregion = eu-central-1\n\n[profile hub]",
    ),
  );
  await run(w.rt, "deploy");
  await run(w.rt, "hub");
  const regional = testRuntime({
    HOME: w.home.dir,
    AWS_ENDPOINT_URL_SSO: w.fake.url,
    AWS_ENDPOINT_URL_STS: w.sts.url,
    AWS_REGION: "sa-east-1",
  });
  await run(regional, "deploy", { forceRefresh: true });
  assertEquals(w.sts.requests.map((r) => r.signingRegion), [
    "eu-central-1",
    "us-east-1",
    "sa-east-1",
  ]);
  // A fake that only accepts another region refuses the signature.
  w.sts.options.region = "eu-west-1";
  assertEquals(
    (await failure(regional, "deploy", AwsApiError, { forceRefresh: true })).errorCode,
    "SignatureDoesNotMatch",
  );
});

Deno.test("concurrent runs share one AssumeRole (a lock beside the cache file), and leave no lock behind", async () => {
  await using w = await world();
  w.sts.delay(300);
  const results = await Promise.all([
    run(w.rt, "deploy"),
    run(w.rt, "deploy"),
    run(w.rt, "deploy"),
  ]);
  assertEquals(w.sts.issued.length, 1);
  assertEquals(new Set(results.map((r) => r.credentials.accessKeyId)).size, 1);
  assertEquals(results.filter((r) => !r.cached).length, 1);
  assertEquals((await cacheFiles(w.home)).filter((n) => !n.endsWith(".json")), []);
});

Deno.test("a cache directory that cannot be written: one warning, and the credentials all the same", async () => {
  await using w = await world();
  await Deno.mkdir(w.home.cliCacheDir, { recursive: true });
  const restore = await makeReadOnly(w.home.cliCacheDir);
  if (!restore) {
    console.log("cannot make a directory read-only here: skipped");
    return;
  }
  try {
    const result = await run(w.rt, "deploy");
    assertEquals(result.credentials.accessKeyId, w.sts.issued[0].accessKeyId);
    assert(
      result.warnings.some((s) =>
        s.startsWith(`Cannot store assumed-role credentials in ${w.home.cliCacheDir} (`) &&
        s.endsWith("); other runs cannot reuse them, so each assumes the role again.")
      ),
      result.warnings.join("\n"),
    );
  } finally {
    await restore();
  }
});

Deno.test("forceRefresh assumes every hop anew from fresh SSO credentials and rewrites the cache", async () => {
  await using w = await world();
  await run(w.rt, "app");
  const forced = await run(w.rt, "app", { forceRefresh: true });
  assertEquals(forced.ssoFetches, [true]);
  assertEquals(w.sts.issued.length, 4);
  assertEquals(w.fake.issuedCredentials.length, 2);
  const again = await run(w.rt, "app");
  assertEquals([again.cached, again.credentials.accessKeyId], [true, w.sts.issued[3].accessKeyId]);
});

/** botocore's credentials for `profile`, with the AWS CLI's file cache on `~/.aws/cli/cache`. */
async function botocoreCredentials(
  home: TempHome,
  env: Record<string, string>,
  profile: string,
): Promise<string> {
  const script = `
import json, sys
import botocore.session, botocore.credentials
from botocore.utils import JSONFileCache
session = botocore.session.Session(profile=sys.argv[1])
cache = JSONFileCache(sys.argv[2])
session.register_component(
    "credential_provider", botocore.credentials.create_credential_resolver(session, cache=cache))
print(session.get_credentials().get_frozen_credentials().access_key)
`;
  const out = await new Deno.Command((await pythonExecutable())!, {
    args: ["-c", script, profile, home.cliCacheDir],
    env: { HOME: home.dir, PATH: "/usr/bin:/bin", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert(out.success, `botocore failed: ${stderr}`);
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("one cache with botocore (the AWS CLI): what it cached for a two-hop chain we reuse, and what we cached it reuses", async () => {
  if (!await pythonHas("botocore.credentials")) {
    console.log("python3 with botocore is not installed: skipped the cache check with botocore");
    return;
  }
  await using w = await world(
    CHAINS.replace("role_session_name = app-session", "region = us-east-1"),
  );
  const env = { AWS_ENDPOINT_URL_SSO: w.fake.url, AWS_ENDPOINT_URL_STS: w.sts.url };
  // botocore first: it assumes both roles and caches them; we then call nothing.
  const theirs = await botocoreCredentials(w.home, env, "app");
  assertEquals(w.sts.issued.length, 2);
  assertEquals(theirs, w.sts.issued[1].accessKeyId);
  const portalCalls = w.fake.calls.GetRoleCredentials;
  const ours = await run(w.rt, "app");
  assertEquals([ours.cached, ours.credentials.accessKeyId], [true, theirs]);
  assertEquals([w.sts.issued.length, w.fake.calls.GetRoleCredentials], [2, portalCalls]);

  // Us first: botocore then calls nothing and gets our credentials.
  await Deno.remove(w.home.cliCacheDir, { recursive: true });
  const fresh = await run(w.rt, "app");
  assertEquals([w.sts.issued.length, fresh.cached], [4, false]);
  const calls = [w.sts.requests.length, w.fake.calls.GetRoleCredentials];
  assertEquals(await botocoreCredentials(w.home, env, "app"), fresh.credentials.accessKeyId);
  assertEquals([w.sts.requests.length, w.fake.calls.GetRoleCredentials], calls);
  // And the first hop alone too.
  assertEquals(await botocoreCredentials(w.home, env, "hub"), w.sts.issued[2].accessKeyId);
  assertEquals(w.sts.requests.length, calls[0]);
});
