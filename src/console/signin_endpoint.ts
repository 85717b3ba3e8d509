/**
 * Where the AWS Management Console is signed in to, per partition: the federation endpoint that
 * turns role credentials into a sign-in token (and serves the `Action=login` URL), the console host
 * the browser lands on, and the sign-out page that can continue to a sign-in in one navigation.
 *
 * | partition       | federation host(s)                                                   | console host                |
 * | --------------- | -------------------------------------------------------------------- | --------------------------- |
 * | commercial      | `signin.aws.amazon.com`, regional `REGION.signin.aws.amazon.com`     | `console.aws.amazon.com`    |
 * | GovCloud (US)   | `signin.amazonaws-us-gov.com`, `us-gov-east-1.signin.amazonaws-us-gov.com` | `console.amazonaws-us-gov.com` |
 * | China           | `signin.amazonaws.cn`                                                | `console.amazonaws.cn`      |
 * | EU Sovereign    | `signin.amazonaws-eusc.eu`                                           | `console.amazonaws-eusc.eu` |
 *
 * These hosts are exactly the sign-in entries of the permission set's `net` list. The scheme and
 * host of every sign-in URL can be replaced with `AWS_ENDPOINT_URL_SIGNIN` (tests, private
 * endpoints); the paths stay.
 *
 * @module
 */
import { ConfigError } from "../base/errors.ts";
import type { Env } from "../base/paths.ts";
import { isRegion } from "../config/settings.ts";
import { safeEcho } from "../base/safe_text.ts";

/** The partitions whose console can be signed in to with a federation sign-in token. */
export type ConsolePartition = "aws" | "aws-us-gov" | "aws-cn" | "aws-eusc";

/** The sign-in URLs of one console launch. */
export interface SigninEndpoint {
  partition: ConsolePartition;
  /** `https://HOST/federation`: getSigninToken is sent here and the login URL points here. */
  federationUrl: string;
  /** The host the console's pages are on, e.g. `console.aws.amazon.com`. */
  consoleHost: string;
  /** `https://HOST/oauth`: the sign-out page (`Action=logout`). */
  logoutUrl: string;
  /** Where the scheme and host came from: "default" or "AWS_ENDPOINT_URL_SIGNIN". */
  source: string;
}

/** The env var that replaces the scheme and host of every sign-in URL. */
export const SIGNIN_ENDPOINT_ENV = "AWS_ENDPOINT_URL_SIGNIN";

const CONSOLE_HOSTS: Record<ConsolePartition, string> = {
  "aws": "console.aws.amazon.com",
  "aws-us-gov": "console.amazonaws-us-gov.com",
  "aws-cn": "console.amazonaws.cn",
  "aws-eusc": "console.amazonaws-eusc.eu",
};

/** The partition-wide (global) sign-in host of each partition. */
const GLOBAL_SIGNIN_HOSTS: Record<ConsolePartition, string> = {
  "aws": "signin.aws.amazon.com",
  "aws-us-gov": "signin.amazonaws-us-gov.com",
  "aws-cn": "signin.amazonaws.cn",
  "aws-eusc": "signin.amazonaws-eusc.eu",
};

const PARTITION_NAMES: Record<ConsolePartition, string> = {
  "aws": "commercial AWS",
  "aws-us-gov": "AWS GovCloud (US)",
  "aws-cn": "AWS China",
  "aws-eusc": "AWS European Sovereign Cloud",
};

/** The partition of a region, or undefined for one whose console cannot be signed in to here. */
export function consolePartitionOf(region: string): ConsolePartition | undefined {
  if (/^(us-iso|eu-isoe)/.test(region)) return undefined;
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("eusc-")) return "aws-eusc";
  return "aws";
}

/** A readable name of a partition, for messages. */
export function partitionName(partition: ConsolePartition): string {
  return PARTITION_NAMES[partition];
}

/**
 * The partition of a launch: that of the IAM Identity Center region (the role credentials are
 * issued there); a console region, when given, must be in the same partition.
 */
export function launchPartition(ssoRegion: string, region: string | undefined): ConsolePartition {
  const partition = consolePartitionOf(ssoRegion);
  if (partition === undefined) {
    throw new ConfigError(
      `Console sign-in is not available for the IAM Identity Center region ${safeEcho(ssoRegion)}.`,
    );
  }
  if (region !== undefined) {
    const other = consolePartitionOf(region);
    if (other !== partition) {
      throw new ConfigError(
        `The console region ${safeEcho(region)} is not in the ${
          partitionName(partition)
        } partition of the IAM Identity Center region ${safeEcho(ssoRegion)}.`,
      );
    }
  }
  return partition;
}

/**
 * The federation host of a partition and console region. Commercial AWS has a sign-in endpoint in
 * every region (`REGION.signin.aws.amazon.com`; us-east-1's is the global one); GovCloud has a
 * global one (us-gov-west-1) and us-gov-east-1's; China and the EU Sovereign Cloud have one each.
 * `regional` asks for a regional host where the global one would do: AWS's sign-out page continues
 * only to a regional sign-in host (see {@link logoutFirstUrl} in `console_url.ts`).
 */
export function federationHost(
  partition: ConsolePartition,
  region: string | undefined,
  regional = false,
): string {
  switch (partition) {
    case "aws": {
      const r = region ?? (regional ? "us-east-1" : undefined);
      return r === undefined || (r === "us-east-1" && !regional)
        ? GLOBAL_SIGNIN_HOSTS.aws
        : `${r}.signin.aws.amazon.com`;
    }
    case "aws-us-gov":
      return region === "us-gov-east-1" || regional
        ? "us-gov-east-1.signin.amazonaws-us-gov.com"
        : GLOBAL_SIGNIN_HOSTS["aws-us-gov"];
    default:
      return GLOBAL_SIGNIN_HOSTS[partition];
  }
}

/** Whether `host` is one of the sign-in hosts above (the federation endpoints of a token). */
export function isSigninHost(host: string): boolean {
  const h = host.toLowerCase();
  if (Object.values(GLOBAL_SIGNIN_HOSTS).includes(h)) return true;
  if (h === "us-gov-east-1.signin.amazonaws-us-gov.com") return true;
  const m = /^([a-z0-9-]+)\.signin\.aws\.amazon\.com$/.exec(h);
  return m !== null && isRegion(m[1]) && consolePartitionOf(m[1]) === "aws";
}

/** The partition a sign-in host belongs to (undefined when it is not one). */
export function partitionOfSigninHost(host: string): ConsolePartition | undefined {
  if (!isSigninHost(host)) return undefined;
  const h = host.toLowerCase();
  return (Object.keys(GLOBAL_SIGNIN_HOSTS) as ConsolePartition[]).find((p) =>
    h === GLOBAL_SIGNIN_HOSTS[p] || h.endsWith(`.${GLOBAL_SIGNIN_HOSTS[p]}`)
  );
}

/** The console host of a partition. */
export function consoleHost(partition: ConsolePartition): string {
  return CONSOLE_HOSTS[partition];
}

/**
 * The sign-in URLs for a launch. `host` is the federation host (see {@link federationHost});
 * `AWS_ENDPOINT_URL_SIGNIN` (an http or https base URL) replaces the scheme and host of the
 * federation and sign-out URLs.
 */
export function signinEndpoint(
  partition: ConsolePartition,
  host: string,
  env: Env,
): SigninEndpoint {
  const override = env(SIGNIN_ENDPOINT_ENV)?.trim();
  let origin = `https://${host}`;
  let logoutOrigin = `https://${GLOBAL_SIGNIN_HOSTS[partition]}`;
  let source = "default";
  if (override) {
    origin = logoutOrigin = overrideOrigin(override);
    source = SIGNIN_ENDPOINT_ENV;
  }
  return {
    partition,
    federationUrl: `${origin}/federation`,
    consoleHost: CONSOLE_HOSTS[partition],
    logoutUrl: `${logoutOrigin}/oauth`,
    source,
  };
}

function overrideOrigin(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch { /* reported below */ }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || url.username) {
    throw new ConfigError(
      `${SIGNIN_ENDPOINT_ENV} must be an http or https base URL such as https://signin.example.com, not ${
        safeEcho(text)
      }.`,
    );
  }
  return url.origin;
}
