/**
 * The assumed-role cache shared with the AWS CLI (src/cache/assumed_role_cache.ts): botocore's key
 * (the digests below are what botocore 1.43's AssumeRoleCredentialFetcher computes for the same
 * arguments), botocore's layout, and botocore's own files read back.
 */
import { assert, assertEquals } from "../assert.ts";
import {
  assumedRoleCacheKey,
  assumedRoleCachePath,
  assumedRoleKeyText,
  readAssumedRole,
  writeAssumedRole,
} from "../../src/cache/assumed_role_cache.ts";
import { assertMode } from "../helpers.ts";
import { withTempDir } from "../script_helpers.ts";

const ROLE = "arn:aws:iam::222222222222:role/Deploy";

Deno.test("the key is botocore's: sha1 of Python's sorted json.dumps of the configured arguments", async () => {
  assertEquals(assumedRoleKeyText({ RoleArn: ROLE }), `{"RoleArn": "${ROLE}"}`);
  assertEquals(
    await assumedRoleCacheKey({ RoleArn: ROLE }),
    "d42d53ff6e9998d62ec043f628100fe602cf95e6",
  );
  const all = {
    RoleArn: ROLE,
    RoleSessionName: "alice@example.com",
    ExternalId: "ext-123",
    SerialNumber: "arn:aws:iam::111111111111:mfa/alice",
    DurationSeconds: 1800,
  };
  assertEquals(
    assumedRoleKeyText(all),
    `{"DurationSeconds": 1800, "ExternalId": "ext-123", "RoleArn": "${ROLE}", "RoleSessionName": "alice@example.com", "SerialNumber": "arn:aws:iam::111111111111:mfa/alice"}`,
  );
  assertEquals(await assumedRoleCacheKey(all), "3e5ac2de68a933b6a7db954480ce9d0b5e88ffdb");
  // Unset arguments are left out (a generated session name is never in the key).
  assertEquals(
    await assumedRoleCacheKey({ RoleArn: ROLE, RoleSessionName: undefined, ExternalId: "café" }),
    "29a67c5268d3692347f36fe9867cd7feba1a09a3",
  );
  assertEquals(
    await assumedRoleCachePath("/home/u/.aws/cli/cache", { RoleArn: ROLE }),
    "/home/u/.aws/cli/cache/d42d53ff6e9998d62ec043f628100fe602cf95e6.json",
  );
});

const ENTRY = {
  credentials: {
    accessKeyId: "ASIAEXAMPLE",
    secretAccessKey: "secret/+=",
    sessionToken: "token==",
    expiration: Date.UTC(2030, 0, 2, 3, 4, 5) + 678,
    accountId: "222222222222",
  },
  assumedRoleUser: {
    assumedRoleId: "AROAEXAMPLE:s",
    arn: "arn:aws:sts::222222222222:assumed-role/Deploy/s",
  },
  requestId: "req-1",
  httpHeaders: { "x-amzn-requestid": "req-1", "content-type": "text/xml" },
};

Deno.test("writeAssumedRole writes botocore's layout, 0600, and readAssumedRole reads it back", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/cli/cache/k.json`;
    await writeAssumedRole(path, ENTRY);
    assertEquals(
      await Deno.readTextFile(path),
      '{"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret/+=", "SessionToken": "token==", "Expiration": "2030-01-02T03:04:05Z", "AccountId": "222222222222"}, "AssumedRoleUser": {"AssumedRoleId": "AROAEXAMPLE:s", "Arn": "arn:aws:sts::222222222222:assumed-role/Deploy/s"}, "ResponseMetadata": {"RequestId": "req-1", "HTTPStatusCode": 200, "HTTPHeaders": {"x-amzn-requestid": "req-1", "content-type": "text/xml"}}}',
    );
    await assertMode(path, 0o600);
    assertEquals(await readAssumedRole(path), {
      credentials: { ...ENTRY.credentials, expiration: Date.UTC(2030, 0, 2, 3, 4, 5) },
      arn: ENTRY.assumedRoleUser.arn,
    });
  });
});

Deno.test("readAssumedRole reads what botocore writes (its 'UTC' timestamps), and nothing broken", async () => {
  await withTempDir(async (dir) => {
    // As the AWS CLI v1 wrote it here (botocore's JSONFileCache, `%Y-%m-%dT%H:%M:%S%Z`).
    const botocore =
      '{"Credentials": {"AccessKeyId": "ASIABOTO", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2030-01-02T03:04:05UTC", "AccountId": "222222222222"}, "AssumedRoleUser": {"AssumedRoleId": "AROA:botocore-session-1", "Arn": "arn:aws:sts::222222222222:assumed-role/Deploy/botocore-session-1"}, "ResponseMetadata": {"RequestId": "r", "HTTPStatusCode": 200, "HTTPHeaders": {}, "RetryAttempts": 0}}';
    await Deno.writeTextFile(`${dir}/b.json`, botocore);
    const read = await readAssumedRole(`${dir}/b.json`);
    assertEquals(read?.credentials.expiration, Date.UTC(2030, 0, 2, 3, 4, 5));
    assertEquals(read?.arn, "arn:aws:sts::222222222222:assumed-role/Deploy/botocore-session-1");
    for (
      const broken of [
        "",
        "{",
        "[]",
        '{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t"}}',
        '{"Credentials": {"AccessKeyId": "A", "SessionToken": "t", "Expiration": "2030-01-02T03:04:05Z"}}',
        '{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "soon"}}',
      ]
    ) {
      await Deno.writeTextFile(`${dir}/x.json`, broken);
      assertEquals(await readAssumedRole(`${dir}/x.json`), undefined, broken);
    }
    assertEquals(await readAssumedRole(`${dir}/missing.json`), undefined);
    await Deno.mkdir(`${dir}/dir.json`);
    assertEquals(await readAssumedRole(`${dir}/dir.json`), undefined);
    // No AssumedRoleUser: the credentials still count.
    await Deno.writeTextFile(
      `${dir}/n.json`,
      '{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2030-01-02T03:04:05+00:00"}}',
    );
    const bare = await readAssumedRole(`${dir}/n.json`);
    assert(bare && bare.arn === undefined && bare.credentials.accessKeyId === "A");
  });
});
