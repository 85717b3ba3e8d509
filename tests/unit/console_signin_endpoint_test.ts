import { assert, assertEquals, assertThrows } from "../assert.ts";
import { ConfigError } from "../../src/base/errors.ts";
import {
  consolePartitionOf,
  federationHost,
  isSigninHost,
  launchPartition,
  partitionOfSigninHost,
  signinEndpoint,
} from "../../src/console/signin_endpoint.ts";
import { DEFAULT_PERMISSION_SET } from "../../src/config/permission_set.ts";

const noEnv = () => undefined;
const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("console partitions: commercial, GovCloud, China, EU Sovereign Cloud; ISO refused", () => {
  assertEquals(consolePartitionOf("us-east-1"), "aws");
  assertEquals(consolePartitionOf("ap-southeast-7"), "aws");
  assertEquals(consolePartitionOf("us-gov-west-1"), "aws-us-gov");
  assertEquals(consolePartitionOf("cn-northwest-1"), "aws-cn");
  assertEquals(consolePartitionOf("eusc-de-east-1"), "aws-eusc");
  assertEquals(consolePartitionOf("us-iso-east-1"), undefined);
  assertEquals(consolePartitionOf("us-isob-east-1"), undefined);
  assertEquals(consolePartitionOf("eu-isoe-west-1"), undefined);
  assertThrows(() => launchPartition("us-iso-east-1", undefined), ConfigError, "not available");
});

Deno.test("the partition follows the Identity Center region; a console region elsewhere is refused", () => {
  assertEquals(launchPartition("us-gov-west-1", undefined), "aws-us-gov");
  assertEquals(launchPartition("us-gov-west-1", "us-gov-east-1"), "aws-us-gov");
  assertEquals(launchPartition("eu-west-1", "us-west-2"), "aws");
  const error = assertThrows(() => launchPartition("us-east-1", "cn-north-1"), ConfigError);
  assertEquals(
    error.message,
    "The console region cn-north-1 is not in the commercial AWS partition of the IAM Identity Center region us-east-1.",
  );
});

Deno.test("federation hosts per partition and region", () => {
  assertEquals(federationHost("aws", undefined), "signin.aws.amazon.com");
  assertEquals(federationHost("aws", "us-east-1"), "signin.aws.amazon.com");
  assertEquals(federationHost("aws", "eu-central-1"), "eu-central-1.signin.aws.amazon.com");
  assertEquals(federationHost("aws-us-gov", undefined), "signin.amazonaws-us-gov.com");
  assertEquals(federationHost("aws-us-gov", "us-gov-west-1"), "signin.amazonaws-us-gov.com");
  assertEquals(
    federationHost("aws-us-gov", "us-gov-east-1"),
    "us-gov-east-1.signin.amazonaws-us-gov.com",
  );
  assertEquals(federationHost("aws-cn", "cn-north-1"), "signin.amazonaws.cn");
  assertEquals(federationHost("aws-cn", "cn-northwest-1"), "signin.amazonaws.cn");
  assertEquals(federationHost("aws-eusc", "eusc-de-east-1"), "signin.amazonaws-eusc.eu");
});

Deno.test("sign-out-first asks for a regional sign-in host where there is one", () => {
  assertEquals(federationHost("aws", undefined, true), "us-east-1.signin.aws.amazon.com");
  assertEquals(federationHost("aws", "us-east-1", true), "us-east-1.signin.aws.amazon.com");
  assertEquals(federationHost("aws", "eu-west-2", true), "eu-west-2.signin.aws.amazon.com");
  assertEquals(
    federationHost("aws-us-gov", "us-gov-west-1", true),
    "us-gov-east-1.signin.amazonaws-us-gov.com",
  );
  assertEquals(federationHost("aws-cn", undefined, true), "signin.amazonaws.cn");
});

Deno.test("endpoint URLs per partition: federation, console host, sign-out page", () => {
  assertEquals(signinEndpoint("aws", "eu-west-1.signin.aws.amazon.com", noEnv), {
    partition: "aws",
    federationUrl: "https://eu-west-1.signin.aws.amazon.com/federation",
    consoleHost: "console.aws.amazon.com",
    logoutUrl: "https://signin.aws.amazon.com/oauth",
    source: "default",
  });
  const gov = signinEndpoint("aws-us-gov", "signin.amazonaws-us-gov.com", noEnv);
  assertEquals(gov.consoleHost, "console.amazonaws-us-gov.com");
  assertEquals(gov.logoutUrl, "https://signin.amazonaws-us-gov.com/oauth");
  const cn = signinEndpoint("aws-cn", "signin.amazonaws.cn", noEnv);
  assertEquals(
    [cn.federationUrl, cn.consoleHost],
    ["https://signin.amazonaws.cn/federation", "console.amazonaws.cn"],
  );
  const eusc = signinEndpoint("aws-eusc", "signin.amazonaws-eusc.eu", noEnv);
  assertEquals(
    [eusc.federationUrl, eusc.consoleHost],
    ["https://signin.amazonaws-eusc.eu/federation", "console.amazonaws-eusc.eu"],
  );
});

Deno.test("AWS_ENDPOINT_URL_SIGNIN replaces scheme and host; the paths stay", () => {
  const env = envOf({ AWS_ENDPOINT_URL_SIGNIN: "http://127.0.0.1:4567/ignored/path" });
  const endpoint = signinEndpoint("aws-cn", "signin.amazonaws.cn", env);
  assertEquals(endpoint.federationUrl, "http://127.0.0.1:4567/federation");
  assertEquals(endpoint.logoutUrl, "http://127.0.0.1:4567/oauth");
  assertEquals(endpoint.consoleHost, "console.amazonaws.cn");
  assertEquals(endpoint.source, "AWS_ENDPOINT_URL_SIGNIN");
  for (const bad of ["ftp://x", "not a url", "https://user:pw@host"]) {
    assertThrows(
      () => signinEndpoint("aws", "signin.aws.amazon.com", envOf({ AWS_ENDPOINT_URL_SIGNIN: bad })),
      ConfigError,
      "AWS_ENDPOINT_URL_SIGNIN must be",
    );
  }
});

Deno.test("sign-in hosts are recognised exactly", () => {
  for (
    const host of [
      "signin.aws.amazon.com",
      "us-west-2.signin.aws.amazon.com",
      "signin.amazonaws-us-gov.com",
      "us-gov-east-1.signin.amazonaws-us-gov.com",
      "signin.amazonaws.cn",
      "signin.amazonaws-eusc.eu",
    ]
  ) assert(isSigninHost(host), host);
  for (
    const host of [
      "evil.example",
      "signin.aws.amazon.com.evil.example",
      "a.b.signin.aws.amazon.com",
      "cn-north-1.signin.aws.amazon.com",
      "x.signin.amazonaws.cn",
    ]
  ) assert(!isSigninHost(host), host);
  assertEquals(partitionOfSigninHost("us-gov-east-1.signin.amazonaws-us-gov.com"), "aws-us-gov");
  assertEquals(partitionOfSigninHost("eu-west-1.signin.aws.amazon.com"), "aws");
});

Deno.test("the permission set's net list grants every sign-in host, and no wider sign-in wildcard", () => {
  const net = DEFAULT_PERMISSION_SET.net as string[];
  for (
    const entry of [
      "*.signin.aws.amazon.com",
      "signin.amazonaws-us-gov.com",
      "us-gov-east-1.signin.amazonaws-us-gov.com",
      "signin.amazonaws.cn",
      "signin.amazonaws-eusc.eu",
    ]
  ) assert(net.includes(entry), `net lacks ${entry}`);
  for (
    const broad of ["*.amazon.com", "*.aws.amazon.com", "*.amazonaws.cn", "*.amazonaws-us-gov.com"]
  ) {
    assert(!net.includes(broad), `net grants ${broad}`);
  }
});
